"""The feature catalog's rows: which Kibana features and privileges exist in which release and
serverless project type, each with its source. One place per fact; the questions asked of these
rows are in ``feature_catalog``.

A release number here is the first stateful release that has the thing (the earliest one the
sources allow, so that a valid id is never refused) or the release that removed it.

Sources (elastic/kibana unless said otherwise; the FTR files list every feature and privilege
``GET /api/security/privileges`` answers, the test asserting the whole body):

* FTR 8.16: ``x-pack/test/api_integration/apis/security/privileges.ts`` @00684c08aa35 (Oct 2024).
* FTR 8.17: the same file @c9af65b82b26 (Dec 2024: V2 Cases ids, no V3). It is main, already
  9.0: its reporting sub-features and saved query ``read`` are 9.0 changes (below).
* FTR 8.18: ``x-pack/test/api_integration/apis/security/privileges_basic.ts`` @c0c54df788d8 (V3
  Cases, siemV2, no siemV3; same caveat).
* FTR 9.1: ``x-pack/platform/test/api_integration/apis/security/privileges.ts`` @0403165bc712.
* FTR 9.3: the same file, newest stored version (siemV5; main after the 9.3 feature freeze: its
  ``securitySolutionRulesV2`` is 9.4, see DOCS_SECURITY).
* DOCS_SECURITY: elastic/docs-content ``solutions/security/get-started/
  security-kibana-privileges.md`` @1c52d5a17725 and ``solutions/security/configure-elastic-
  defend/elastic-defend-feature-privileges.md`` @00080e592b46 (``applies_to`` per privilege).
* CASES: ``x-pack/platform/plugins/shared/cases/server/features/{v1,v2,v3}.ts``; observability
  ``.../observability/server/features/cases_v{1,2,3}.ts``; security
  ``x-pack/solutions/security/packages/features/src/cases/v{1,2,3}_features``. V2 ids 8.17 (V1
  deprecated), V3 ids 8.18/9.0 (V2 deprecated); ``cases_delete`` 8.4 (PR #135487),
  ``cases_settings`` 8.12 (PR #170635), ``create_comment``/``case_reopen`` V2 (PR #194898),
  ``cases_assign`` V3 (PR #201654), ``cases_manage_templates`` Stack Management cases, 9.5
  (PR #257683; uncertain).
* CONNECTORS: ``x-pack/platform/plugins/shared/actions/server/feature.ts``;
  ``endpoint_security_execute`` 8.18/9.0 (PR #203503).
* ALERTS: observability ``OBS_ALERTING_FEATURES`` (@kbn/rule-data-utils) and
  ``observability/server/features/alerts_feature.ts`` (``observabilityAlerts``, PR #273572, 9.5
  and serverless); security ``x-pack/solutions/security/packages/features/src/constants.ts``
  and DOCS_SECURITY (Rules, Alerts, and Exceptions ``ga =9.3, deprecated 9.4+``; Rules and
  Exceptions and Alerts ``9.4+``; ``src/alerts/kibana_features.ts`` @361eb4ddd3ea).
* SERVERLESS: ``config/serverless.yml`` disables Stack Management cases
  (``xpack.cases.stack.enabled: false``); Security projects disable the observability plugin;
  which project type offers an analytics or platform feature is inferred from its solution
  folder (x-pack/solutions/<solution> or x-pack/platform).
"""

from __future__ import annotations

from collections.abc import Iterable

from .feature_model import (
    ALL_PROJECTS,
    NONE,
    OBS,
    SEARCH,
    SEC,
    V8_0,
    Feature,
    Gate,
    Solution,
    SubFeaturePrivilege,
    v,
)
from .versions import ProjectType

FTR_816 = "FTR 8.16 (x-pack/test/api_integration/apis/security/privileges.ts @00684c08aa35)"
FTR_817 = "FTR 8.17 (x-pack/test/api_integration/apis/security/privileges.ts @c9af65b82b26)"
FTR_818 = "FTR 8.18 (x-pack/test/api_integration/apis/security/privileges_basic.ts @c0c54df788d8)"
FTR_91 = "FTR 9.1 (x-pack/platform/test/api_integration/apis/security/privileges.ts @0403165bc712)"
FTR_93 = "FTR 9.3 (x-pack/platform/test/api_integration/apis/security/privileges.ts, newest)"
DOCS_SECURITY = "docs-content security-kibana-privileges.md, elastic-defend-feature-privileges.md"

# Kibana 8.x registers the reporting sub-feature privileges only when reporting's own role-based
# access control is off; 9.0 removed that switch (PR #200834, labels v9.0.0 backport:skip; the
# 8.x docs advise setting it, PR #203703).
REPORTING = Gate(
    until=v("9.0"),
    setting="xpack.reporting.roles.enabled: false",
    source="kibana PR #200834 (9.0 only), PR #203703 (8.x docs)",
)


def _sub(
    privilege: str,
    since: str = "8.0",
    *,
    serverless: bool = True,
    until: str | None = None,
    gate: Gate | None = None,
    words: str = "",
) -> SubFeaturePrivilege:
    return SubFeaturePrivilege(
        privilege,
        words or privilege.replace("_", " "),
        v(since),
        serverless,
        v(until) if until else None,
        gate,
    )


def _subs(ids: str, since: str = "8.0") -> tuple[SubFeaturePrivilege, ...]:
    return tuple(_sub(i, since) for i in ids.split())


# ---------------------------------------------------------------- Cases (CASES)

CASES_DELETE = _sub("cases_delete", "8.4", words="delete cases and comments")
CASES_SETTINGS = _sub("cases_settings", "8.12", words="edit case settings")
CREATE_COMMENT = _sub(
    "create_comment", "8.17", words="add comments and attachments (alerts, files)"
)
CASE_REOPEN = _sub("case_reopen", "8.17", words="re-open closed cases")
CASES_ASSIGN = _sub("cases_assign", "8.18", words="assign users to cases")
CASES_TEMPLATES = _sub(
    "cases_manage_templates", "9.5", serverless=False, words="manage case templates"
)
CASES_V1_SUBS = (CASES_DELETE, CASES_SETTINGS)
CASES_V2_SUBS = (*CASES_V1_SUBS, CREATE_COMMENT, CASE_REOPEN)
CASES_V3_SUBS = (*CASES_V2_SUBS, CASES_ASSIGN)

_CASES_SRC = {
    "stack": "cases plugin server/features/v{n}.ts",
    "observability": "observability plugin server/features/cases_v{n}.ts",
    "security": "security features package src/cases/v{n}_features/kibana_features.ts",
}
CASES_IDS: dict[Solution, tuple[str, str, str]] = {
    "stack": ("generalCases", "generalCasesV2", "generalCasesV3"),
    "observability": ("observabilityCases", "observabilityCasesV2", "observabilityCasesV3"),
    "security": ("securitySolutionCases", "securitySolutionCasesV2", "securitySolutionCasesV3"),
}
_CASES_SERVERLESS: dict[Solution, frozenset[ProjectType]] = {
    "stack": NONE,
    "observability": OBS,
    "security": SEC,
}


def _cases_rows() -> list[Feature]:
    rows: list[Feature] = []
    generations = (
        (v("8.0"), v("8.17"), CASES_V1_SUBS),
        (v("8.17"), v("8.18"), CASES_V2_SUBS),
        (v("8.18"), None, CASES_V3_SUBS),
    )
    for solution, ids in CASES_IDS.items():
        for n, (since, deprecated, subs) in enumerate(generations, start=1):
            templates = (CASES_TEMPLATES,) if solution == "stack" else ()
            rows.append(
                Feature(
                    id=ids[n - 1],
                    name=f"Cases ({solution if solution != 'stack' else 'Stack Management'})",
                    role="cases",
                    solution=solution,
                    lineage=f"{solution}Cases",
                    since=since,
                    deprecated_since=deprecated,
                    serverless=_CASES_SERVERLESS[solution],
                    sub_features=(*subs, *templates),
                    source=_CASES_SRC[solution].format(n=n),
                )
            )
    return rows


CONNECTORS = Feature(
    id="actions",
    name="Actions and Connectors",
    role="connectors",
    solution=None,
    lineage="actions",
    since=V8_0,
    serverless=ALL_PROJECTS,
    sub_features=(
        _sub("endpoint_security_execute", "8.18", words="run endpoint security (EDR) connectors"),
    ),
    source="actions plugin server/feature.ts; EDR sub-feature PR #203503",
)

# ---------------------------------------------------------------- Security (ALERTS, DOCS_SECURITY)

# Elastic Defend's sub-feature privileges of the Security feature, in the privileges API order.
_DEFEND_V1 = _subs(
    "endpoint_list_all endpoint_list_read trusted_applications_all trusted_applications_read "
    "host_isolation_exceptions_all host_isolation_exceptions_read blocklist_all blocklist_read "
    "event_filters_all event_filters_read"
)
_DEFEND_RESPONSE = _subs(
    "policy_management_all policy_management_read actions_log_management_all "
    "actions_log_management_read"
)
_DEFEND_ACTIONS = _subs(
    "host_isolation_all process_operations_all file_operations_all execute_operations_all "
    "scan_operations_all"
)
# Endpoint Exceptions: serverless only until stack 9.2; SOC Management: 9.3 (DOCS_SECURITY).
_ENDPOINT_EXCEPTIONS = _subs("endpoint_exceptions_all endpoint_exceptions_read", "9.2")
_SOC_MANAGEMENT = _subs("soc_management_all", "9.3")
# Automatic Troubleshooting (Endpoint Insights in 9.0.0) with siemV2; Global Artifact
# Management 9.1 (behind a feature flag before, PR #210426; siemV3 migration PR #219566);
# Trusted Devices 9.2 (DOCS_SECURITY).
_WORKFLOW_INSIGHTS = _subs("workflow_insights_all workflow_insights_read", "8.18")
_GLOBAL_ARTIFACTS = _subs("global_artifact_management_all", "9.1")
_TRUSTED_DEVICES = _subs("trusted_devices_all trusted_devices_read", "9.2")

_SIEM_V1_SUBS = (
    *_DEFEND_V1,
    *_ENDPOINT_EXCEPTIONS,
    *_DEFEND_RESPONSE,
    *_SOC_MANAGEMENT,
    *_DEFEND_ACTIONS,
)
_SIEM_V2_SUBS = (
    *_DEFEND_V1[:2],
    *_WORKFLOW_INSIGHTS,
    *_SOC_MANAGEMENT,
    *_GLOBAL_ARTIFACTS,
    *_DEFEND_V1[2:],
    *_ENDPOINT_EXCEPTIONS,
    *_DEFEND_RESPONSE,
    *_DEFEND_ACTIONS,
)
_SIEM_V3_SUBS = (
    *_SIEM_V2_SUBS[:8],
    *_TRUSTED_DEVICES,
    *_SIEM_V2_SUBS[8:],
)


def _security_rows() -> list[Feature]:
    src = f"security features package src/constants.ts; {DOCS_SECURITY}"
    steps = (
        ("siem", "8.0", "8.18", _SIEM_V1_SUBS, True),
        ("siemV2", "8.18", "9.1", _SIEM_V2_SUBS, True),
        ("siemV3", "9.1", "9.2", _SIEM_V3_SUBS, True),
        ("siemV4", "9.2", "9.3", _SIEM_V3_SUBS, True),
        ("siemV5", "9.3", None, _SIEM_V3_SUBS, False),
    )
    rows = [
        Feature(
            id=fid,
            name="Security",
            role="alerts" if alerts else "other",
            solution="security",
            lineage="siem",
            since=v(since),
            deprecated_since=v(dep) if dep else None,
            serverless=SEC,
            sub_features=subs,
            alerts=alerts,
            source=src,
        )
        for fid, since, dep, subs, alerts in steps
    ]
    rows += [
        Feature(
            id="securitySolutionRulesV1",
            name="Rules, Alerts, and Exceptions",
            role="alerts",
            solution="security",
            lineage="securitySolutionRules",
            since=v("9.3"),
            deprecated_since=v("9.4"),
            serverless=SEC,
            alerts=True,
            source=f"{DOCS_SECURITY} (ga =9.3, deprecated 9.4+)",
        ),
        Feature(
            id="securitySolutionRulesV2",
            name="Rules and Exceptions",
            role="other",
            solution="security",
            lineage="securitySolutionRules",
            since=v("9.4"),
            serverless=SEC,
            sub_features=_subs("security_solution_exceptions_all", "9.4"),
            source=f"{DOCS_SECURITY} (9.4+); {FTR_93}",
        ),
        Feature(
            id="securitySolutionAlertsV1",
            name="Alerts",
            role="alerts",
            solution="security",
            lineage="securitySolutionAlerts",
            since=v("9.4"),
            serverless=SEC,
            alerts=True,
            dedicated_alerts=True,
            source="security features package src/alerts/kibana_features.ts @361eb4ddd3ea; "
            f"{DOCS_SECURITY} (9.4+)",
        ),
    ]
    return rows


# ---------------------------------------------------------------- Observability and Stack alerts


def _observability_alert_rows() -> list[Feature]:
    src = "OBS_ALERTING_FEATURES in @kbn/rule-data-utils"
    apm_subs = (_sub("settings_save", "8.17", words="save settings"),)
    uptime_subs = (
        _sub("elastic_managed_locations_enabled", "8.10", words="use managed locations"),
        # PR #201100 (Nov 2024); first seen in FTR 8.17.
        _sub("can_manage_private_locations", "8.17", words="manage private locations"),
        _sub("can_read_param_values", "9.3", words="read parameter values"),
    )
    return [
        # settings_save: PR #194419 (Oct 2024); first seen in FTR 8.17.
        Feature("apm", "APM and User Experience", "alerts", "observability", "apm", v("8.0"),
                serverless=OBS, sub_features=apm_subs,
                alerts=True, source=f"{src}; {FTR_817}"),
        Feature("infrastructure", "Metrics", "alerts", "observability", "infrastructure",
                v("8.0"), serverless=OBS, alerts=True, source=src),
        Feature("logs", "Logs", "alerts", "observability", "logs", v("8.0"), serverless=OBS,
                alerts=True, source=src),
        Feature("slo", "SLOs", "alerts", "observability", "slo", v("8.8"), serverless=OBS,
                alerts=True, source=src),
        Feature("uptime", "Synthetics and Uptime", "alerts", "observability", "uptime",
                v("8.0"), serverless=OBS, sub_features=uptime_subs, alerts=True,
                source=f"{src}; {FTR_817}; {FTR_93}"),
        Feature("observabilityAlerts", "Observability alerts", "alerts", "observability",
                "observabilityAlerts", v("9.5"), serverless=OBS, alerts=True,
                dedicated_alerts=True,
                source="observability server/features/alerts_feature.ts (PR #273572, 9.5)"),
    ]  # fmt: skip


def _stack_alert_rows() -> list[Feature]:
    src = "stack_alerts plugin server/feature.ts"
    return [
        Feature("stackAlerts", "Stack Rules", "alerts", "stack", "stackAlerts", v("8.0"),
                serverless=ALL_PROJECTS, alerts=True, source=src),
        Feature("stackAlertsOnly", "Stack alerts", "alerts", "stack", "stackAlertsOnly",
                v("9.5"), serverless=ALL_PROJECTS, alerts=True, dedicated_alerts=True,
                source=f"{src} (9.5; uncertain)"),
    ]  # fmt: skip


# ---------------------------------------------------------------- every other feature

_REPORT = _sub("generate_report", gate=REPORTING)
_CSV = _sub("download_csv_report", gate=REPORTING)
_URL = _sub("url_create")
_SESSION = _sub("store_search_session")
_DISCOVER = (_URL, _SESSION, _REPORT)
_VISUALIZE = (_URL, _REPORT)
_DASHBOARD = (_URL, _SESSION, _REPORT, _CSV)

# (id, since, removed, deprecated, serverless project types, sub-feature privileges, source)
_OtherRow = tuple[
    str, str, str | None, str | None, frozenset[ProjectType], tuple[SubFeaturePrivilege, ...], str
]
_OTHER: tuple[_OtherRow, ...] = (
    ("graph", "8.0", None, None, NONE, (), FTR_816),
    ("savedObjectsTagging", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("canvas", "8.0", None, None, NONE, (_REPORT,), FTR_816),
    ("maps", "8.0", None, "8.18", ALL_PROJECTS, (), FTR_816),
    ("maps_v2", "8.18", None, None, ALL_PROJECTS, (), FTR_818),
    ("observabilityAIAssistant", "8.0", None, None, OBS | SEARCH, (), FTR_816),
    ("searchInferenceEndpoints", "8.16", None, None, ALL_PROJECTS, (), FTR_816),
    ("fleetv2", "8.0", None, None, ALL_PROJECTS,
     (*_subs("agents_all agents_read agent_policies_all agent_policies_read settings_all "
             "settings_read", "8.18"), _sub("generate_report", "9.3")), f"{FTR_818}; {FTR_93}"),
    ("fleet", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("ml", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    # manage_global_knowledge_base: first seen in FTR 8.17.
    ("securitySolutionAssistant", "8.16", None, None, SEC,
     (_sub("update_anonymization"), _sub("manage_global_knowledge_base", "8.17")),
     f"{FTR_816}; {FTR_817}"),
    # update_schedule: PR #235389 (Sep 2025): not in FTR 9.1.
    ("securitySolutionAttackDiscovery", "8.16", None, None, SEC,
     (_sub("update_schedule", "9.2"),), f"{FTR_816}; kibana PR #235389; {FTR_93}"),
    ("securitySolutionTimeline", "8.18", None, None, SEC, (), FTR_818),
    ("securitySolutionNotes", "8.18", None, None, SEC, (), FTR_818),
    ("securitySolutionSiemMigrations", "8.18", None, None, SEC, (), FTR_818),
    ("dataQuality", "8.16", None, None, OBS, _subs("manage_rules manage_alerts", "9.1"),
     f"{FTR_816}; {FTR_91}"),
    ("discover", "8.0", None, "8.18", ALL_PROJECTS, _DISCOVER, FTR_816),
    ("discover_v2", "8.18", None, None, ALL_PROJECTS, _DISCOVER, FTR_818),
    ("visualize", "8.0", None, "8.18", ALL_PROJECTS, _VISUALIZE, FTR_816),
    ("visualize_v2", "8.18", None, None, ALL_PROJECTS, _VISUALIZE, FTR_818),
    ("dashboard", "8.0", None, "8.18", ALL_PROJECTS, _DASHBOARD, FTR_816),
    ("dashboard_v2", "8.18", None, None, ALL_PROJECTS, _DASHBOARD, FTR_818),
    ("dev_tools", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("advancedSettings", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("indexPatterns", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("savedObjectsManagement", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("savedQueryManagement", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("osquery", "8.0", None, None, SEC,
     _subs("live_queries_all live_queries_read run_saved_queries saved_queries_all "
           "saved_queries_read packs_all packs_read"), FTR_816),
    ("enterpriseSearch", "8.0", None, None, NONE, (), FTR_816),
    ("enterpriseSearchApplications", "8.18", None, None, NONE, (), FTR_818),
    ("enterpriseSearchAnalytics", "8.18", None, None, NONE, (), FTR_818),
    ("searchPlayground", "8.18", None, None, SEARCH, (), FTR_818),
    ("searchSynonyms", "8.18", None, None, SEARCH, (), FTR_818),
    ("searchQueryRules", "9.1", None, None, SEARCH, (), FTR_91),
    ("filesManagement", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("filesSharedImage", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("rulesSettings", "8.0", None, None, ALL_PROJECTS,
     (*_subs("allFlappingSettings readFlappingSettings"),
      *_subs("allAlertDeleteSettings readAlertDeleteSettings", "9.1")), f"{FTR_816}; {FTR_91}"),
    ("maintenanceWindow", "8.0", None, None, ALL_PROJECTS, (), FTR_816),
    ("guidedOnboardingFeature", "8.6", "9.1", None, NONE, (), f"{FTR_816}; {FTR_91}"),
    ("inventory", "8.16", "9.1", None, NONE, (), f"{FTR_816}; {FTR_91}"),
    ("entityManager", "8.17", "9.1", None, NONE, (), f"{FTR_817}; {FTR_91}"),
    # Removed in 9.3 and on serverless from Oct 2025 (PR #239144, docs-content#3693).
    ("aiAssistantManagementSelection", "8.16", "9.3", None, NONE, (),
     f"{FTR_816}; kibana PR #239144"),
    ("manageReporting", "9.1", None, None, NONE, (), FTR_91),
    ("streams", "9.1", None, None, OBS, (), FTR_91),
    # The Agent Builder feature took over onechat's id between FTR 9.1 and FTR 9.3.
    ("onechat", "9.1", "9.3", None, NONE, (), f"{FTR_91}; {FTR_93}"),
    ("agentBuilder", "9.2", None, None, ALL_PROJECTS, (), FTR_93),
    ("cloudConnect", "9.3", None, None, NONE, (), FTR_93),
    ("workflowsManagement", "9.3", None, None, ALL_PROJECTS,
     _subs("workflow_create workflow_update workflow_delete workflow_execute workflow_read "
           "workflow_execution_read workflow_execution_cancel", "9.3"), FTR_93),
)  # fmt: skip

# ``read`` arrived after the feature: saved queries before 9.0 had only ``all`` (FTR 8.16);
# PR #202863, a 9.0 breaking change (stack-docs#2959, the 9.0.0-beta1 release notes).
READ_SINCE: dict[str, str] = {"savedQueryManagement": "9.0"}


# The names the Kibana role editor shows (each feature's ``name``: oss_features.ts in the features
# plugin, else the plugin's own feature registration); features not listed go by their id.
_NAMES = {
    "discover": "Discover", "discover_v2": "Discover",
    "visualize": "Visualize library", "visualize_v2": "Visualize library",
    "dashboard": "Dashboard", "dashboard_v2": "Dashboard",
    "dev_tools": "Dev Tools", "advancedSettings": "Advanced Settings",
    "indexPatterns": "Data View Management", "filesManagement": "Files Management",
    "filesSharedImage": "Shared images", "savedObjectsManagement": "Saved Objects Management",
    "savedQueryManagement": "Saved Query Management", "savedObjectsTagging": "Tag Management",
    "ml": "Machine Learning", "fleetv2": "Fleet", "fleet": "Integrations", "graph": "Graph",
    "canvas": "Canvas", "maps": "Maps", "maps_v2": "Maps", "osquery": "Osquery",
    "rulesSettings": "Rules Settings", "maintenanceWindow": "Maintenance Windows",
    "securitySolutionTimeline": "Timeline", "securitySolutionNotes": "Notes",
    "securitySolutionAttackDiscovery": "Attack discovery", "streams": "Streams",
    "manageReporting": "Reporting",
}  # fmt: skip


def _other_rows() -> list[Feature]:
    rows = []
    for fid, since, removed, dep, projects, subs, src in _OTHER:
        read = READ_SINCE.get(fid)
        rows.append(
            Feature(
                id=fid,
                name=_NAMES.get(fid, fid),
                role="other",
                solution=None,
                lineage=fid.removesuffix("_v2"),
                since=v(since),
                deprecated_since=v(dep) if dep else None,
                removed_since=v(removed) if removed else None,
                serverless=projects,
                read_since=v(read) if read else None,
                sub_features=subs,
                source=f"{src}; kibana PR #202863" if read else src,
            )
        )
    return rows


def all_rows() -> Iterable[Feature]:
    """Every row, Cases first (the order ``cases_feature`` and ``alert_features`` rely on)."""
    yield from _cases_rows()
    yield CONNECTORS
    yield from _observability_alert_rows()
    yield from _stack_alert_rows()
    yield from _security_rows()
    yield from _other_rows()


# Feature privileges Kibana grants only on all spaces (``requireAllSpaces``): a role giving them
# in named spaces is refused with "Feature privilege [fleet.all] requires all spaces to be
# selected but received [...]" (reference/kibana-roles.md §1.6, role_utils.ts).
REQUIRE_ALL_SPACES: dict[str, tuple[str, ...]] = {
    "fleet": ("all", "read", "minimal_all", "minimal_read"),
}

# The stateful releases (major, minor) whose whole feature set the catalog holds, each checked
# against the sandbox's independent table (tests/sandbox/test_catalog_witness.py): an id the
# catalog does not list for them does not exist there. Other releases (8.19, 9.2, 9.4 and later)
# and serverless (which follows Kibana's main branch) are not covered: there the catalog may
# lack a feature, and the live privileges API decides.
COVERED_RELEASES: frozenset[tuple[int, int]] = frozenset(
    {(8, 16), (8, 17), (8, 18), (9, 0), (9, 1), (9, 3)}
)
