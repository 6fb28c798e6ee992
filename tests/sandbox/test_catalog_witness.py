"""The product's catalog held against the sandbox's own data, for every profile.

The sandbox is the independent witness (contract section 7): its tables come from the references
and the upstream sources, never from ``components``. Any difference fails here. A difference
that is a known error of the product's catalog (owned elsewhere) is marked
``xfail(strict=True)`` with what differs, so that fixing the catalog turns the mark into an
unexpected pass that asks for it to go. If the catalog's interface changes, adapt the
``product_*`` functions below, not the comparisons.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from components.core import cloud_catalog, es_privileges, feature_catalog
from components.core.versions import KibanaTarget
from sandbox import cloud_api, es_catalog, kibana_catalog
from sandbox.data import load
from sandbox.profiles import SERVERLESS_PROFILES, parse_profile

PROFILES = ("8.16.0", "8.17.0", "8.18.0", "9.0.0", "9.1.0", "9.3.0", *SERVERLESS_PROFILES)

# (privilege ids, deprecated, replacement where the sandbox records one)
Row = tuple[tuple[str, ...], bool, str | None]

FAMILIES: dict[str, Callable[[str], bool]] = {
    "cases": lambda fid: "Cases" in fid,
    "connectors": lambda fid: fid == "actions",
    "security": lambda fid: fid.startswith(("siem", "securitySolution")) and "Cases" not in fid,
    "observability-alerts": lambda fid: (
        fid in {"apm", "infrastructure", "logs", "slo", "uptime", "observabilityAlerts"}
    ),
    "stack-alerts": lambda fid: fid.startswith("stackAlerts"),
}


def family_of(feature_id: str) -> str:
    return next((name for name, test in FAMILIES.items() if test(feature_id)), "other")


def target(profile: str) -> KibanaTarget:
    if profile in SERVERLESS_PROFILES:
        return KibanaTarget.of(None, "serverless", SERVERLESS_PROFILES[profile])
    return KibanaTarget.of(profile)


# ---------------------------------------------------------------- both sides


def sandbox_features(profile: str) -> dict[str, Row]:
    parsed = parse_profile(profile)
    old = kibana_catalog.deprecated(parsed)
    return {
        fid: (
            tuple(sorted(privileges)),
            fid in old,
            kibana_catalog.replaced_by(parsed, fid) if fid in old else None,
        )
        for fid, privileges in kibana_catalog.registered(parsed).items()
    }


def product_features(profile: str, witness: dict[str, Row]) -> dict[str, Row]:
    """The catalog's rows; a replacement is compared only where the sandbox records one."""
    kibana = target(profile)
    rows: dict[str, Row] = {}
    for fid, feature in feature_catalog.features_for(kibana).items():
        old = feature_catalog.is_deprecated(feature, kibana)
        successor = feature_catalog.successor(fid, kibana)
        known = witness.get(fid, ((), False, None))[2] is not None
        rows[fid] = (
            tuple(sorted(feature_catalog.privileges_of(feature, kibana))),
            old,
            successor.id if successor is not None and known else None,
        )
    return rows


def product_es_privileges(profile: str) -> dict[str, set[str]]:
    """The catalog's Elasticsearch names (one list for every version today; no remote_cluster)."""
    return {
        "cluster": set(es_privileges.CLUSTER_PRIVILEGES),
        "index": set(es_privileges.INDEX_PRIVILEGES),
        "remote_cluster": set(getattr(es_privileges, "REMOTE_CLUSTER_PRIVILEGES", ())),
    }


def describe(product: dict[str, Row], witness: dict[str, Row]) -> str:
    """One line per differing feature: what only the catalog or only the sandbox has."""
    lines = []
    for fid in sorted(set(product) | set(witness)):
        if fid not in witness:
            lines.append(f"{fid}: only in the catalog")
            continue
        if fid not in product:
            lines.append(f"{fid}: only in the sandbox")
            continue
        (ours, old, new), (theirs, was, then) = product[fid], witness[fid]
        parts = []
        if ours != theirs:
            parts.append(
                f"privileges catalog-only {sorted(set(ours) - set(theirs))}, "
                f"sandbox-only {sorted(set(theirs) - set(ours))}"
            )
        if old != was:
            parts.append(f"deprecated: catalog {old}, sandbox {was}")
        if new != then:
            parts.append(f"replaced by: catalog {new}, sandbox {then}")
        if parts:
            lines.append(f"{fid}: {'; '.join(parts)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- known catalog errors

KNOWN: dict[tuple[str, str], str] = {
    (
        "8.16.0",
        "other",
    ): "dashboard: privileges catalog-only ['download_csv_report', 'generate_report'], sandbox-only []; discover: privileges catalog-only ['generate_report'], sandbox-only []; guidedOnboardingFeature: only in the sandbox; inventory: only in the sandbox; savedQueryManagement: privileges catalog-only ['minimal_read', 'read'], sandbox-only []; visualize: privileges catalog-only ['generate_report'], sandbox-only []",
    (
        "8.16.0",
        "cluster",
    ): "the catalog's one list for every version; catalog-only ['monitor_stats'], sandbox-only []",
    (
        "8.16.0",
        "index",
    ): "the catalog's one list for every version; catalog-only ['manage_failure_store', 'read_failure_store'], sandbox-only []",
    (
        "8.16.0",
        "remote_cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_enrich']",
    (
        "8.17.0",
        "security",
    ): "securitySolutionAssistant: privileges catalog-only [], sandbox-only ['manage_global_knowledge_base']",
    (
        "8.17.0",
        "observability-alerts",
    ): "apm: privileges catalog-only [], sandbox-only ['settings_save']; uptime: privileges catalog-only [], sandbox-only ['can_manage_private_locations']",
    (
        "8.17.0",
        "other",
    ): "canvas: privileges catalog-only [], sandbox-only ['generate_report']; entityManager: only in the sandbox; guidedOnboardingFeature: only in the sandbox; inventory: only in the sandbox",
    (
        "8.17.0",
        "cluster",
    ): "the catalog's one list for every version; catalog-only ['monitor_stats'], sandbox-only []",
    (
        "8.17.0",
        "index",
    ): "the catalog's one list for every version; catalog-only ['manage_failure_store', 'read_failure_store'], sandbox-only []",
    (
        "8.17.0",
        "remote_cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_enrich']",
    (
        "8.18.0",
        "security",
    ): "securitySolutionAssistant: privileges catalog-only [], sandbox-only ['manage_global_knowledge_base']; securitySolutionSiemMigrations: only in the sandbox; siemV2: privileges catalog-only ['global_artifact_management_all'], sandbox-only []",
    (
        "8.18.0",
        "observability-alerts",
    ): "uptime: privileges catalog-only [], sandbox-only ['can_manage_private_locations']",
    (
        "8.18.0",
        "other",
    ): "canvas: privileges catalog-only [], sandbox-only ['generate_report']; enterpriseSearchAnalytics: only in the sandbox; enterpriseSearchApplications: only in the sandbox; entityManager: only in the sandbox; fleetv2: privileges catalog-only [], sandbox-only ['agent_policies_all', 'agent_policies_read', 'agents_all', 'agents_read', 'settings_all', 'settings_read']; guidedOnboardingFeature: only in the sandbox; inventory: only in the sandbox; manageReporting: only in the catalog; searchPlayground: only in the sandbox; searchSynonyms: only in the sandbox",
    (
        "8.18.0",
        "index",
    ): "the catalog's one list for every version; catalog-only ['manage_failure_store', 'read_failure_store'], sandbox-only []",
    (
        "8.18.0",
        "remote_cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_enrich', 'monitor_stats']",
    (
        "9.0.0",
        "security",
    ): "securitySolutionAssistant: privileges catalog-only [], sandbox-only ['manage_global_knowledge_base']; securitySolutionSiemMigrations: only in the sandbox; siemV2: privileges catalog-only ['global_artifact_management_all'], sandbox-only []",
    (
        "9.0.0",
        "observability-alerts",
    ): "uptime: privileges catalog-only [], sandbox-only ['can_manage_private_locations']",
    (
        "9.0.0",
        "other",
    ): "canvas: privileges catalog-only [], sandbox-only ['generate_report']; enterpriseSearchAnalytics: only in the sandbox; enterpriseSearchApplications: only in the sandbox; entityManager: only in the sandbox; fleetv2: privileges catalog-only [], sandbox-only ['agent_policies_all', 'agent_policies_read', 'agents_all', 'agents_read', 'settings_all', 'settings_read']; guidedOnboardingFeature: only in the sandbox; inventory: only in the sandbox; manageReporting: only in the catalog; searchPlayground: only in the sandbox; searchSynonyms: only in the sandbox",
    (
        "9.0.0",
        "index",
    ): "the catalog's one list for every version; catalog-only ['manage_failure_store', 'read_failure_store'], sandbox-only []",
    (
        "9.0.0",
        "remote_cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_enrich', 'monitor_stats']",
    (
        "9.1.0",
        "security",
    ): "securitySolutionAssistant: privileges catalog-only [], sandbox-only ['manage_global_knowledge_base']; securitySolutionSiemMigrations: only in the sandbox",
    (
        "9.1.0",
        "other",
    ): "canvas: privileges catalog-only [], sandbox-only ['generate_report']; dataQuality: privileges catalog-only [], sandbox-only ['manage_alerts', 'manage_rules']; enterpriseSearchAnalytics: only in the sandbox; enterpriseSearchApplications: only in the sandbox; fleetv2: privileges catalog-only [], sandbox-only ['agent_policies_all', 'agent_policies_read', 'agents_all', 'agents_read', 'settings_all', 'settings_read']; onechat: only in the sandbox; rulesSettings: privileges catalog-only [], sandbox-only ['allAlertDeleteSettings', 'readAlertDeleteSettings']; searchPlayground: only in the sandbox; searchQueryRules: only in the sandbox; searchSynonyms: only in the sandbox",
    (
        "9.1.0",
        "cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_esql']",
    (
        "9.1.0",
        "remote_cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_enrich', 'monitor_stats']",
    (
        "9.3.0",
        "security",
    ): "securitySolutionAssistant: privileges catalog-only [], sandbox-only ['manage_global_knowledge_base']; securitySolutionAttackDiscovery: privileges catalog-only [], sandbox-only ['update_schedule']; securitySolutionRulesV1: deprecated: catalog False, sandbox True; securitySolutionRulesV2: only in the sandbox; securitySolutionSiemMigrations: only in the sandbox; siem: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all']; siemV2: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all']; siemV3: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all', 'trusted_devices_all', 'trusted_devices_read']; siemV4: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all', 'trusted_devices_all', 'trusted_devices_read']; siemV5: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all', 'trusted_devices_all', 'trusted_devices_read']",
    (
        "9.3.0",
        "observability-alerts",
    ): "uptime: privileges catalog-only [], sandbox-only ['can_read_param_values']",
    (
        "9.3.0",
        "other",
    ): "agentBuilder: only in the sandbox; aiAssistantManagementSelection: only in the catalog; canvas: privileges catalog-only [], sandbox-only ['generate_report']; cloudConnect: only in the sandbox; dataQuality: privileges catalog-only [], sandbox-only ['manage_alerts', 'manage_rules']; enterpriseSearchAnalytics: only in the sandbox; enterpriseSearchApplications: only in the sandbox; fleetv2: privileges catalog-only [], sandbox-only ['agent_policies_all', 'agent_policies_read', 'agents_all', 'agents_read', 'generate_report', 'settings_all', 'settings_read']; rulesSettings: privileges catalog-only [], sandbox-only ['allAlertDeleteSettings', 'readAlertDeleteSettings']; searchPlayground: only in the sandbox; searchQueryRules: only in the sandbox; searchSynonyms: only in the sandbox; workflowsManagement: only in the sandbox",
    (
        "9.3.0",
        "cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_esql']",
    (
        "9.3.0",
        "remote_cluster",
    ): "the catalog's one list for every version; catalog-only [], sandbox-only ['monitor_enrich', 'monitor_stats']",
    (
        "serverless-observability",
        "observability-alerts",
    ): "observabilityAlerts: only in the catalog; uptime: privileges catalog-only [], sandbox-only ['can_read_param_values']",
    ("serverless-observability", "stack-alerts"): "stackAlertsOnly: only in the catalog",
    (
        "serverless-observability",
        "other",
    ): "agentBuilder: only in the sandbox; aiAssistantManagementSelection: only in the catalog; dataQuality: privileges catalog-only [], sandbox-only ['manage_alerts', 'manage_rules']; fleetv2: privileges catalog-only [], sandbox-only ['agent_policies_all', 'agent_policies_read', 'agents_all', 'agents_read', 'generate_report', 'settings_all', 'settings_read']; manageReporting: only in the catalog; rulesSettings: privileges catalog-only [], sandbox-only ['allAlertDeleteSettings', 'readAlertDeleteSettings']; workflowsManagement: only in the sandbox",
    (
        "serverless-observability",
        "cluster",
    ): "the catalog's one stateful list; catalog-only ['create_snapshot', 'cross_cluster_replication', 'cross_cluster_search', 'delegate_pki', 'grant_api_key', 'manage_autoscaling', 'manage_behavioral_analytics', 'manage_ccr', 'manage_data_frame_transforms', 'manage_data_stream_global_retention', 'manage_ilm', 'manage_oidc', 'manage_rollup', 'manage_saml', 'manage_service_account', 'manage_slm', 'manage_token', 'manage_user_profile', 'manage_watcher', 'monitor_data_frame_transforms', 'monitor_data_stream_global_retention', 'monitor_rollup', 'monitor_snapshot', 'monitor_stats', 'monitor_text_structure', 'monitor_watcher', 'post_behavioral_analytics_event', 'read_ccr', 'read_connector_secrets', 'read_fleet_secrets', 'read_ilm', 'read_slm', 'transport_client', 'write_connector_secrets', 'write_fleet_secrets'], sandbox-only ['manage_project_routing', 'manage_reindex', 'monitor_esql', 'monitor_reindex', 'read_project_routing']",
    (
        "serverless-observability",
        "index",
    ): "the catalog's one stateful list; catalog-only ['cross_cluster_replication', 'cross_cluster_replication_internal', 'manage_follow_index', 'manage_ilm', 'manage_leader_index', 'read_cross_cluster'], sandbox-only ['create_view', 'delete_view', 'manage_view', 'read_view_metadata']",
    (
        "serverless-security",
        "security",
    ): "securitySolutionAlertsV1: only in the catalog; securitySolutionAssistant: privileges catalog-only [], sandbox-only ['manage_global_knowledge_base']; securitySolutionAttackDiscovery: privileges catalog-only [], sandbox-only ['update_schedule']; securitySolutionRulesV1: deprecated: catalog False, sandbox True; securitySolutionRulesV2: only in the sandbox; securitySolutionSiemMigrations: only in the sandbox; siem: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all']; siemV2: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all']; siemV3: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all', 'trusted_devices_all', 'trusted_devices_read']; siemV4: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all', 'trusted_devices_all', 'trusted_devices_read']; siemV5: privileges catalog-only [], sandbox-only ['endpoint_exceptions_all', 'endpoint_exceptions_read', 'soc_management_all', 'trusted_devices_all', 'trusted_devices_read']",
    ("serverless-security", "stack-alerts"): "stackAlertsOnly: only in the catalog",
    (
        "serverless-security",
        "other",
    ): "agentBuilder: only in the sandbox; aiAssistantManagementSelection: only in the catalog; fleetv2: privileges catalog-only [], sandbox-only ['agent_policies_all', 'agent_policies_read', 'agents_all', 'agents_read', 'generate_report', 'settings_all', 'settings_read']; manageReporting: only in the catalog; rulesSettings: privileges catalog-only [], sandbox-only ['allAlertDeleteSettings', 'readAlertDeleteSettings']; workflowsManagement: only in the sandbox",
    (
        "serverless-security",
        "cluster",
    ): "the catalog's one stateful list; catalog-only ['create_snapshot', 'cross_cluster_replication', 'cross_cluster_search', 'delegate_pki', 'grant_api_key', 'manage_autoscaling', 'manage_behavioral_analytics', 'manage_ccr', 'manage_data_frame_transforms', 'manage_data_stream_global_retention', 'manage_ilm', 'manage_oidc', 'manage_rollup', 'manage_saml', 'manage_service_account', 'manage_slm', 'manage_token', 'manage_user_profile', 'manage_watcher', 'monitor_data_frame_transforms', 'monitor_data_stream_global_retention', 'monitor_rollup', 'monitor_snapshot', 'monitor_stats', 'monitor_text_structure', 'monitor_watcher', 'post_behavioral_analytics_event', 'read_ccr', 'read_connector_secrets', 'read_fleet_secrets', 'read_ilm', 'read_slm', 'transport_client', 'write_connector_secrets', 'write_fleet_secrets'], sandbox-only ['manage_project_routing', 'manage_reindex', 'monitor_esql', 'monitor_reindex', 'read_project_routing']",
    (
        "serverless-security",
        "index",
    ): "the catalog's one stateful list; catalog-only ['cross_cluster_replication', 'cross_cluster_replication_internal', 'manage_follow_index', 'manage_ilm', 'manage_leader_index', 'read_cross_cluster'], sandbox-only ['create_view', 'delete_view', 'manage_view', 'read_view_metadata']",
    ("serverless-search", "stack-alerts"): "stackAlertsOnly: only in the catalog",
    (
        "serverless-search",
        "other",
    ): "agentBuilder: only in the sandbox; aiAssistantManagementSelection: only in the catalog; fleetv2: privileges catalog-only [], sandbox-only ['agent_policies_all', 'agent_policies_read', 'agents_all', 'agents_read', 'generate_report', 'settings_all', 'settings_read']; manageReporting: only in the catalog; observabilityAIAssistant: only in the sandbox; rulesSettings: privileges catalog-only [], sandbox-only ['allAlertDeleteSettings', 'readAlertDeleteSettings']; searchPlayground: only in the sandbox; searchQueryRules: only in the sandbox; searchSynonyms: only in the sandbox; workflowsManagement: only in the sandbox",
    (
        "serverless-search",
        "cluster",
    ): "the catalog's one stateful list; catalog-only ['create_snapshot', 'cross_cluster_replication', 'cross_cluster_search', 'delegate_pki', 'grant_api_key', 'manage_autoscaling', 'manage_behavioral_analytics', 'manage_ccr', 'manage_data_frame_transforms', 'manage_data_stream_global_retention', 'manage_ilm', 'manage_oidc', 'manage_rollup', 'manage_saml', 'manage_service_account', 'manage_slm', 'manage_token', 'manage_user_profile', 'manage_watcher', 'monitor_data_frame_transforms', 'monitor_data_stream_global_retention', 'monitor_rollup', 'monitor_snapshot', 'monitor_stats', 'monitor_text_structure', 'monitor_watcher', 'post_behavioral_analytics_event', 'read_ccr', 'read_connector_secrets', 'read_fleet_secrets', 'read_ilm', 'read_slm', 'transport_client', 'write_connector_secrets', 'write_fleet_secrets'], sandbox-only ['manage_project_routing', 'manage_reindex', 'monitor_esql', 'monitor_reindex', 'read_project_routing']",
    (
        "serverless-search",
        "index",
    ): "the catalog's one stateful list; catalog-only ['cross_cluster_replication', 'cross_cluster_replication_internal', 'manage_follow_index', 'manage_ilm', 'manage_leader_index', 'read_cross_cluster'], sandbox-only ['create_view', 'delete_view', 'manage_view', 'read_view_metadata']",
}


def cases(names: tuple[str, ...]) -> list[Any]:
    return [
        pytest.param(
            profile,
            name,
            id=f"{profile}-{name}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(profile, name)])]
            if (profile, name) in KNOWN
            else [],
        )
        for profile in PROFILES
        for name in names
    ]


@pytest.mark.parametrize(("profile", "family"), cases((*FAMILIES, "other")))
def test_feature_rows_match_the_sandbox(profile: str, family: str) -> None:
    witness = {
        fid: row for fid, row in sandbox_features(profile).items() if family_of(fid) == family
    }
    product = {
        fid: row
        for fid, row in product_features(profile, witness).items()
        if family_of(fid) == family
    }
    if product != witness:
        pytest.fail(describe(product, witness), pytrace=False)


@pytest.mark.parametrize(("profile", "kind"), cases(es_catalog.KINDS))
def test_elasticsearch_privilege_names_match_the_sandbox(profile: str, kind: str) -> None:
    product = product_es_privileges(profile)[kind]
    witness = set(es_catalog.builtin(parse_profile(profile))[kind])
    if product != witness:
        pytest.fail(
            f"catalog-only {sorted(product - witness)}, sandbox-only {sorted(witness - product)}",
            pytrace=False,
        )


def test_cloud_role_ids_match_the_sandbox() -> None:
    assert set(cloud_catalog.ORGANIZATION_ROLES) == set(cloud_api.ORGANIZATION_ROLES)
    assert set(cloud_catalog.DEPLOYMENT_ROLES) == set(cloud_api.DEPLOYMENT_ROLES)
    assert set(cloud_catalog.PROJECT_ROLES) == set(cloud_api.PROJECT_ROLES)
    for project_type, roles in cloud_api.PROJECT_ROLES.items():
        assert set(cloud_catalog.PROJECT_ROLES[project_type]) == set(roles)


def test_the_sandbox_loads_nothing_from_the_product() -> None:
    """Starting the sandbox (as ``python -m sandbox`` does) imports no ``components`` module."""
    code = (
        "import sys, sandbox.cli, sandbox.server, sandbox.controls\n"
        "sandbox.server.Sandbox(profile='9.1.0').start().stop()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'components'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_data_table_names_its_sources() -> None:
    tables = {
        "kibana_features": load("kibana_features"),
        "es_privileges": load("es_privileges"),
        "cloud_roles": load("cloud_roles"),
    }
    sourced = [
        *tables["kibana_features"]["generations"].values(),
        *(tables["kibana_features"][k] for k in ("licenseGating", "replacedBy", "serverless")),
        tables["kibana_features"]["requireAllSpaces"],
        tables["kibana_features"]["solutionCategories"],
        tables["es_privileges"]["base"],
        *tables["es_privileges"]["changes"],
        tables["es_privileges"]["serverless"],
        tables["cloud_roles"],
    ]
    assert all(str(table.get("source", "")).strip() for table in sourced)
