"""The feature catalog: which Kibana features and privileges exist in which release and flavor.

One table (``FEATURES``), one row per feature id, each with its source. Rows marked with
``role`` ``cases``, ``connectors`` or ``alerts`` are fully known: validation refuses ids and
privileges they do not list. Rows with role ``other`` are listed for suggestions and for the
sandbox; offline they only give warnings, and the live privileges API has the last word.

Sources (elastic/kibana unless said otherwise; see ../shared/reference/kibana-roles.md):

* CASES: ``x-pack/platform/plugins/shared/cases/server/features/{v1,v2,v3}.ts`` and
  ``constants.ts``; observability ``.../observability/server/features/cases_v{1,2,3}.ts``;
  security ``x-pack/solutions/security/packages/features/src/cases/v{1,2,3}_features``.
  V2 ids new in 8.17 (V1 deprecated), V3 ids new in 8.18/9.0 (V2 deprecated);
  ``cases_delete`` 8.4 (PR #135487), ``cases_settings`` 8.12 (PR #170635),
  ``create_comment``/``case_reopen`` V2 (PR #194898), ``cases_assign`` V3 (PR #201654),
  ``cases_manage_templates`` Stack Management cases, 9.5 (PR #257683; uncertain).
* CONNECTORS: ``x-pack/platform/plugins/shared/actions/server/feature.ts``;
  ``endpoint_security_execute`` 8.18/9.0 (PR #203503).
* ALERTS: observability ``OBS_ALERTING_FEATURES`` (@kbn/rule-data-utils) and
  ``observability/server/features/alerts_feature.ts`` (``observabilityAlerts``, PR #273572,
  9.5 and serverless); security ``x-pack/solutions/security/packages/features/src/constants.ts``
  (siem..siemV5, Rules 9.3, ``securitySolutionAlertsV1`` 9.4 and serverless; the exact minor
  of each Security step is uncertain upstream).
* PRIVILEGE LISTS of other features: the FTR expectations in
  ``x-pack/test/api_integration/apis/security/privileges.ts`` (8.16 era) and
  ``x-pack/platform/test/api_integration/apis/security/privileges.ts`` (9.1 era).
* SERVERLESS: ``config/serverless.yml`` disables Stack Management cases
  (``xpack.cases.stack.enabled: false``); Security projects disable the observability plugin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from .versions import KibanaTarget, ProjectType, Version

Solution = Literal["observability", "security", "stack"]
SOLUTIONS: tuple[Solution, ...] = ("observability", "security", "stack")
FeatureRole = Literal["cases", "connectors", "alerts", "other"]

PRIMARY = ("all", "read")
MINIMAL = {"all": "minimal_all", "read": "minimal_read"}
ALL_PROJECTS: frozenset[ProjectType] = frozenset({"elasticsearch", "observability", "security"})
OBS: frozenset[ProjectType] = frozenset({"observability"})
SEC: frozenset[ProjectType] = frozenset({"security"})
NONE: frozenset[ProjectType] = frozenset()


def _v(text: str) -> Version:
    return Version.parse(text)


@dataclass(frozen=True)
class SubFeaturePrivilege:
    """A sub-feature privilege id, what it grants in words, and the release that added it."""

    id: str
    words: str
    since: Version = field(default_factory=lambda: _v("8.0.0"))
    serverless: bool = True


@dataclass(frozen=True)
class Feature:
    """One Kibana feature id as registered by some releases and serverless project types."""

    id: str
    name: str
    role: FeatureRole
    solution: Solution | None
    lineage: str
    since: Version | None
    deprecated_since: Version | None = None
    serverless: frozenset[ProjectType] = NONE
    primary: tuple[str, ...] = PRIMARY
    sub_features: tuple[SubFeaturePrivilege, ...] = ()
    alerts: bool = False
    dedicated_alerts: bool = False
    source: str = ""

    @property
    def fully_known(self) -> bool:
        """Whether the catalog knows every privilege of this feature (Cases, Connectors, alert-
        bearing features): then validation refuses what it does not list."""
        return self.role != "other"


def _subs(*items: tuple[str, str] | tuple[str, str, str]) -> tuple[SubFeaturePrivilege, ...]:
    return tuple(
        SubFeaturePrivilege(item[0], item[1], _v(item[2]) if len(item) > 2 else _v("8.0.0"))
        for item in items
    )


CASES_DELETE = SubFeaturePrivilege("cases_delete", "delete cases and comments", _v("8.4.0"))
CASES_SETTINGS = SubFeaturePrivilege("cases_settings", "edit case settings", _v("8.12.0"))
CREATE_COMMENT = SubFeaturePrivilege(
    "create_comment", "add comments and attachments (alerts, files)", _v("8.17.0")
)
CASE_REOPEN = SubFeaturePrivilege("case_reopen", "re-open closed cases", _v("8.17.0"))
CASES_ASSIGN = SubFeaturePrivilege("cases_assign", "assign users to cases", _v("8.18.0"))
CASES_TEMPLATES = SubFeaturePrivilege(
    "cases_manage_templates", "manage case templates", _v("9.5.0"), serverless=False
)
CASES_V1_SUBS = (CASES_DELETE, CASES_SETTINGS)
CASES_V2_SUBS = (*CASES_V1_SUBS, CREATE_COMMENT, CASE_REOPEN)
CASES_V3_SUBS = (*CASES_V2_SUBS, CASES_ASSIGN)

_CASES_SRC = {
    "stack": "cases plugin server/features/v{n}.ts",
    "observability": "observability plugin server/features/cases_v{n}.ts",
    "security": "security features package src/cases/v{n}_features/kibana_features.ts",
}
_CASES_IDS = {
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
        (_v("8.0.0"), _v("8.17.0"), CASES_V1_SUBS),
        (_v("8.17.0"), _v("8.18.0"), CASES_V2_SUBS),
        (_v("8.18.0"), None, CASES_V3_SUBS),
    )
    for solution in SOLUTIONS:
        for n, (since, deprecated, subs) in enumerate(generations, start=1):
            templates = (CASES_TEMPLATES,) if solution == "stack" else ()
            rows.append(
                Feature(
                    id=_CASES_IDS[solution][n - 1],
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


_SIEM_V1_SUBS = [
    "endpoint_list_all",
    "endpoint_list_read",
    "trusted_applications_all",
    "trusted_applications_read",
    "host_isolation_exceptions_all",
    "host_isolation_exceptions_read",
    "blocklist_all",
    "blocklist_read",
    "event_filters_all",
    "event_filters_read",
    "policy_management_all",
    "policy_management_read",
    "actions_log_management_all",
    "actions_log_management_read",
    "host_isolation_all",
    "process_operations_all",
    "file_operations_all",
    "execute_operations_all",
    "scan_operations_all",
]
_SIEM_V2_SUBS = [
    *_SIEM_V1_SUBS[:2],
    "workflow_insights_all",
    "workflow_insights_read",
    "global_artifact_management_all",
    *_SIEM_V1_SUBS[2:],
]


def _named(ids: Iterable[str], since: str = "8.0.0") -> tuple[SubFeaturePrivilege, ...]:
    return tuple(SubFeaturePrivilege(i, i.replace("_", " "), _v(since)) for i in ids)


def _security_rows() -> list[Feature]:
    src = "security features package src/constants.ts"
    steps = (
        ("siem", "8.0.0", "8.18.0", _named(_SIEM_V1_SUBS), True),
        ("siemV2", "8.18.0", "9.1.0", _named(_SIEM_V2_SUBS, "8.18.0"), True),
        ("siemV3", "9.1.0", "9.2.0", _named(_SIEM_V2_SUBS, "9.1.0"), True),
        ("siemV4", "9.2.0", "9.3.0", _named(_SIEM_V2_SUBS, "9.2.0"), True),
        ("siemV5", "9.3.0", None, _named(_SIEM_V2_SUBS, "9.3.0"), False),
    )
    rows = [
        Feature(
            id=fid,
            name="Security",
            role="alerts" if alerts else "other",
            solution="security",
            lineage="siem",
            since=_v(since),
            deprecated_since=_v(dep) if dep else None,
            serverless=SEC,
            sub_features=subs,
            alerts=alerts,
            source=src,
        )
        for fid, since, dep, subs, alerts in steps
    ]
    rows.append(
        Feature(
            id="securitySolutionRulesV1",
            name="Rules, Alerts, and Exceptions",
            role="alerts",
            solution="security",
            lineage="securitySolutionRules",
            since=_v("9.3.0"),
            serverless=SEC,
            alerts=True,
            source=f"{src} (9.3 Rules feature; minor uncertain)",
        )
    )
    rows.append(
        Feature(
            id="securitySolutionAlertsV1",
            name="Alerts",
            role="alerts",
            solution="security",
            lineage="securitySolutionAlerts",
            since=_v("9.4.0"),
            serverless=SEC,
            alerts=True,
            dedicated_alerts=True,
            source="security features package src/alerts/kibana_features.ts (9.4 and serverless)",
        )
    )
    return rows


def _observability_alert_rows() -> list[Feature]:
    src = "OBS_ALERTING_FEATURES in @kbn/rule-data-utils"
    rows = [
        Feature("apm", "APM and User Experience", "alerts", "observability", "apm", _v("8.0.0"),
                serverless=OBS, sub_features=_subs(("settings_save", "save settings", "8.18.0")),
                alerts=True, source=src),
        Feature("infrastructure", "Metrics", "alerts", "observability", "infrastructure",
                _v("8.0.0"), serverless=OBS, alerts=True, source=src),
        Feature("logs", "Logs", "alerts", "observability", "logs", _v("8.0.0"), serverless=OBS,
                alerts=True, source=src),
        Feature("slo", "SLOs", "alerts", "observability", "slo", _v("8.8.0"), serverless=OBS,
                alerts=True, source=src),
        Feature("uptime", "Synthetics and Uptime", "alerts", "observability", "uptime",
                _v("8.0.0"), serverless=OBS,
                sub_features=_subs(
                    ("elastic_managed_locations_enabled", "use managed locations", "8.10.0"),
                    ("can_manage_private_locations", "manage private locations", "9.1.0"),
                ),
                alerts=True, source=src),
        Feature("observabilityAlerts", "Observability alerts", "alerts", "observability",
                "observabilityAlerts", _v("9.5.0"), serverless=OBS, alerts=True,
                dedicated_alerts=True,
                source="observability server/features/alerts_feature.ts (PR #273572, 9.5)"),
    ]  # fmt: skip
    return rows


def _stack_alert_rows() -> list[Feature]:
    src = "stack_alerts plugin server/feature.ts"
    return [
        Feature("stackAlerts", "Stack Rules", "alerts", "stack", "stackAlerts", _v("8.0.0"),
                serverless=ALL_PROJECTS, alerts=True, source=src),
        Feature("stackAlertsOnly", "Stack alerts", "alerts", "stack", "stackAlertsOnly",
                _v("9.5.0"), serverless=ALL_PROJECTS, alerts=True, dedicated_alerts=True,
                source=f"{src} (9.5; uncertain)"),
    ]  # fmt: skip


CONNECTORS = Feature(
    id="actions",
    name="Actions and Connectors",
    role="connectors",
    solution=None,
    lineage="actions",
    since=_v("8.0.0"),
    serverless=ALL_PROJECTS,
    sub_features=(
        SubFeaturePrivilege(
            "endpoint_security_execute", "run endpoint security (EDR) connectors", _v("8.18.0")
        ),
    ),
    source="actions plugin server/feature.ts; EDR sub-feature PR #203503",
)

_FTR_816 = "x-pack/test/api_integration/apis/security/privileges.ts (8.16 era)"
_FTR_91 = "x-pack/platform/test/api_integration/apis/security/privileges.ts (9.1 era)"

# (id, since, deprecated_since, serverless projects, sub-feature ids, source)
_OTHER: tuple[tuple[str, str, str | None, frozenset[ProjectType], str, str], ...] = (
    ("graph", "8.0.0", None, NONE, "", _FTR_816),
    ("savedObjectsTagging", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("canvas", "8.0.0", None, NONE, "", _FTR_816),
    ("maps", "8.0.0", "8.18.0", ALL_PROJECTS, "", _FTR_816),
    ("maps_v2", "8.18.0", None, ALL_PROJECTS, "", _FTR_91),
    ("observabilityAIAssistant", "8.0.0", None, OBS, "", _FTR_816),
    ("searchInferenceEndpoints", "8.16.0", None, ALL_PROJECTS, "", _FTR_816),
    ("fleetv2", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("fleet", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("ml", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("securitySolutionAssistant", "8.16.0", None, SEC, "update_anonymization", _FTR_816),
    ("securitySolutionAttackDiscovery", "8.16.0", None, SEC, "", _FTR_816),
    ("securitySolutionTimeline", "8.18.0", None, SEC, "", _FTR_91),
    ("securitySolutionNotes", "8.18.0", None, SEC, "", _FTR_91),
    ("dataQuality", "8.16.0", None, OBS, "", _FTR_816),
    ("discover", "8.0.0", "8.18.0", ALL_PROJECTS,
     "url_create store_search_session generate_report", _FTR_816),
    ("discover_v2", "8.18.0", None, ALL_PROJECTS,
     "url_create store_search_session generate_report", _FTR_91),
    ("visualize", "8.0.0", "8.18.0", ALL_PROJECTS, "url_create generate_report", _FTR_816),
    ("visualize_v2", "8.18.0", None, ALL_PROJECTS, "url_create generate_report", _FTR_91),
    ("dashboard", "8.0.0", "8.18.0", ALL_PROJECTS,
     "url_create store_search_session generate_report download_csv_report", _FTR_816),
    ("dashboard_v2", "8.18.0", None, ALL_PROJECTS,
     "url_create store_search_session generate_report download_csv_report", _FTR_91),
    ("dev_tools", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("advancedSettings", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("indexPatterns", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("savedObjectsManagement", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("savedQueryManagement", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("osquery", "8.0.0", None, SEC,
     "live_queries_all live_queries_read run_saved_queries saved_queries_all saved_queries_read "
     "packs_all packs_read", _FTR_816),
    ("enterpriseSearch", "8.0.0", None, NONE, "", _FTR_816),
    ("filesManagement", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("filesSharedImage", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("rulesSettings", "8.0.0", None, ALL_PROJECTS,
     "allFlappingSettings readFlappingSettings", _FTR_816),
    ("maintenanceWindow", "8.0.0", None, ALL_PROJECTS, "", _FTR_816),
    ("aiAssistantManagementSelection", "8.16.0", None, ALL_PROJECTS, "", _FTR_816),
    ("manageReporting", "8.18.0", None, ALL_PROJECTS, "", _FTR_91),
    ("streams", "9.1.0", None, OBS, "", _FTR_91),
)  # fmt: skip


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
    for fid, since, dep, projects, subs, src in _OTHER:
        rows.append(
            Feature(
                id=fid,
                name=_NAMES.get(fid, fid),
                role="other",
                solution=None,
                lineage=fid.removesuffix("_v2"),
                since=_v(since),
                deprecated_since=_v(dep) if dep else None,
                serverless=projects,
                primary=PRIMARY,
                sub_features=_named(subs.split(), since),
                source=src,
            )
        )
    return rows


FEATURES: tuple[Feature, ...] = (
    *_cases_rows(),
    CONNECTORS,
    *_observability_alert_rows(),
    *_stack_alert_rows(),
    *_security_rows(),
    *_other_rows(),
)
BY_ID: dict[str, Feature] = {f.id: f for f in FEATURES}


def is_registered(feature: Feature, target: KibanaTarget) -> bool:
    """Whether ``target`` registers this feature (deprecated ones included, as Kibana does)."""
    if target.serverless:
        return bool(feature.serverless) and (
            target.project is None or target.project in feature.serverless
        )
    return feature.since is not None and feature.since <= target.version


def is_deprecated(feature: Feature, target: KibanaTarget) -> bool:
    """Whether the target deprecates this feature (serverless deprecates every superseded one)."""
    if feature.deprecated_since is None:
        return False
    return target.serverless or feature.deprecated_since <= target.version


def features_for(target: KibanaTarget) -> dict[str, Feature]:
    """Every feature the target registers, keyed by id."""
    return {f.id: f for f in FEATURES if is_registered(f, target)}


def sub_features_of(feature: Feature, target: KibanaTarget) -> list[SubFeaturePrivilege]:
    """The sub-feature privileges this feature has in the target release."""
    return list(_sub_features(feature, target))


@cache  # asked once per role and feature: 10,000 roles ask a few dozen distinct questions
def _sub_features(feature: Feature, target: KibanaTarget) -> tuple[SubFeaturePrivilege, ...]:
    return tuple(
        s
        for s in feature.sub_features
        if (s.serverless if target.serverless else s.since <= target.version)
    )


def privileges_of(
    feature: Feature, target: KibanaTarget, *, sub_features: bool = True
) -> list[str]:
    """Privilege ids in the order the privileges API lists them: primary, minimal, sub-features."""
    ids = [*feature.primary, *(MINIMAL[p] for p in feature.primary)]
    if sub_features:
        ids += [s.id for s in sub_features_of(feature, target)]
    return ids


def successor(feature: Feature | str, target: KibanaTarget) -> Feature | None:
    """The registered, current feature of ``feature``'s lineage (a feature or its id) in the
    target (the feature itself when it is current), or None when the target has none."""
    if isinstance(feature, str):
        if feature not in BY_ID:
            return None
        feature = BY_ID[feature]
    for candidate in FEATURES:
        if (
            candidate.lineage == feature.lineage
            and is_registered(candidate, target)
            and not is_deprecated(candidate, target)
        ):
            return candidate
    return None


@cache
def cases_feature(solution: Solution, target: KibanaTarget) -> Feature | None:
    """The current Cases feature of a solution in the target, or None where it does not exist."""
    for fid in reversed(_CASES_IDS[solution]):
        feature = BY_ID[fid]
        if is_registered(feature, target) and not is_deprecated(feature, target):
            return feature
    return None


@cache
def alert_features(solution: Solution, target: KibanaTarget) -> tuple[Feature, ...]:
    """The features that give access to a solution's alerts in the target.

    Where the release has a dedicated alerts feature, that one alone (least privilege);
    otherwise every current feature of the solution that carries alerts.
    """
    current = tuple(
        f
        for f in FEATURES
        if f.alerts
        and f.solution == solution
        and is_registered(f, target)
        and not is_deprecated(f, target)
    )
    dedicated = tuple(f for f in current if f.dedicated_alerts)
    return dedicated or current


def sub_feature_history(feature: Feature, privilege: str) -> SubFeaturePrivilege | None:
    """The sub-feature privilege with this id in the feature or any later one of its lineage."""
    for candidate in FEATURES:
        if candidate.lineage != feature.lineage:
            continue
        for sub in candidate.sub_features:
            if sub.id == privilege:
                return sub
    return None


# Feature privileges Kibana grants only on all spaces (``requireAllSpaces``): a role giving them
# in named spaces is refused with "Feature privilege [fleet.all] requires all spaces to be
# selected but received [...]" (reference/kibana-roles.md §1.6, role_utils.ts).
REQUIRE_ALL_SPACES: dict[str, tuple[str, ...]] = {
    "fleet": ("all", "read", "minimal_all", "minimal_read"),
}
