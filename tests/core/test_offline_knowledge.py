"""Offline validation says what the catalogs know (issue 11 §3 and §5).

For a release the catalog holds in full, an id or Elasticsearch name it does not list is an
error; where it cannot know (a newer release, serverless), a warning that says so and names the
check that decides.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.core import es_privileges
from components.core.feature_catalog import covers, features_for, privileges_of
from components.core.feature_rows import COVERED_RELEASES
from components.core.problems import errors
from components.core.roles.spec import RoleSpec
from components.core.roles.validation import validate_role
from components.core.versions import KibanaTarget

V816, V817, V818, V90, V91, V93, V95 = (
    KibanaTarget.of(v) for v in ("8.16.0", "8.17.0", "8.18.0", "9.0.0", "9.1.0", "9.3.0", "9.5.0")
)
SERVERLESS_SEC = KibanaTarget.of(None, "serverless", "security")
COVERED = (V816, V817, V818, V90, V91, V93)


def problems(raw: dict[str, Any], target: KibanaTarget) -> list[str]:
    return [str(p) for p in validate_role("r", RoleSpec.model_validate(raw), target)]


def feature(fid: str, *privileges: str) -> dict[str, Any]:
    return {"kibana": [{"feature": {fid: list(privileges)}}]}


# ---------------------------------------------------------------- §5: feature ids


def test_a_feature_of_a_later_release_is_refused_naming_the_current_one() -> None:
    assert problems(feature("discover_v2", "read"), V816) == [
        "roles.r.kibana[0].feature.discover_v2: feature discover_v2 does not exist in Kibana "
        "8.16.0 (added in 8.18); use discover"
    ]


def test_an_id_no_release_has_is_refused_where_the_catalog_covers_the_release() -> None:
    assert problems(feature("securitySolutionCasesV9", "all"), V816) == [
        "roles.r.kibana[0].feature.securitySolutionCasesV9: feature 'securitySolutionCasesV9' "
        "does not exist in Kibana 8.16.0 (did you mean securitySolutionCases, "
        "securitySolutionAssistant, securitySolutionAttackDiscovery?); Kibana would store it and "
        "grant nothing"
    ]


def test_where_the_catalog_cannot_know_it_says_so_and_names_the_check_that_decides() -> None:
    assert problems(feature("securitySolutionCasesV9", "all"), V95) == [
        "warning: roles.r.kibana[0].feature.securitySolutionCasesV9: feature "
        "'securitySolutionCasesV9' is not in the offline catalog (did you mean "
        "securitySolutionCasesV3, securitySolutionRulesV2, securitySolutionNotes?): the offline "
        "catalog holds Kibana releases up to 9.3 in full, not 9.5; pulumi preview (and "
        "elastic-access validate --live) checks it against the live Kibana, where Kibana would "
        "store an unknown id and grant nothing"
    ]
    (serverless,) = problems(feature("securitySolutionCasesV9", "all"), SERVERLESS_SEC)
    assert serverless.startswith("warning: ")
    assert "the offline catalog cannot know every feature of Kibana serverless; pulumi " in (
        serverless
    )


def test_a_removed_feature_is_refused_with_the_release_that_removed_it() -> None:
    assert problems(feature("guidedOnboardingFeature", "all"), V91) == [
        "roles.r.kibana[0].feature.guidedOnboardingFeature: feature guidedOnboardingFeature does "
        "not exist in Kibana 9.1.0 (removed in 9.1)"
    ]
    assert problems(feature("aiAssistantManagementSelection", "all"), V91) == []


def test_saved_queries_have_read_only_from_9_0() -> None:
    assert problems(feature("savedQueryManagement", "read"), V818) == [
        "roles.r.kibana[0].feature.savedQueryManagement[0]: 'read' is not a privilege of "
        "savedQueryManagement in Kibana 8.18.0; allowed: all, minimal_all"
    ]
    assert problems(feature("savedQueryManagement", "read"), V90) == []


def test_reporting_privileges_of_8x_depend_on_a_kibana_setting() -> None:
    assert problems(feature("dashboard", "read", "generate_report"), V817) == [
        "warning: roles.r.kibana[0].feature.dashboard[1]: dashboard.generate_report exists in "
        "Kibana 8.17.0 only when kibana.yml sets xpack.reporting.roles.enabled: false (its "
        "default is the opposite); pulumi preview (and elastic-access validate --live) checks it "
        "against the live Kibana"
    ]
    assert problems(feature("dashboard_v2", "read", "generate_report"), V90) == []


def test_security_sub_features_arrive_in_their_release() -> None:
    assert errors(
        validate_role(
            "r", RoleSpec.model_validate(feature("siemV2", "global_artifact_management_all")), V818
        )
    )
    assert problems(feature("siemV3", "trusted_devices_all"), V91)[0].startswith(
        "roles.r.kibana[0].feature.siemV3[0]: 'trusted_devices_all' is not a sub-feature privilege "
        "of siemV3 in Kibana 9.1.0; it was added in 9.2;"
    )
    assert problems(feature("siemV5", "trusted_devices_all", "soc_management_all"), V93) == []


@pytest.mark.parametrize("target", COVERED, ids=str)
def test_every_id_and_privilege_the_catalog_lists_passes(target: KibanaTarget) -> None:
    assert covers(target)
    entry = {fid: privileges_of(f, target) for fid, f in features_for(target).items()}
    for fid, privileges in entry.items():
        found = errors(
            validate_role("r", RoleSpec.model_validate(feature(fid, *privileges)), target)
        )
        assert not found, (fid, found)


# ---------------------------------------------------------------- §3: Elasticsearch names


def loaders(*privileges: str, cluster: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "elasticsearch": {
            "cluster": list(cluster),
            "indices": [{"names": ["logs-*"], "privileges": list(privileges)}],
        }
    }


def test_an_index_privilege_elasticsearch_lacks_is_refused_offline() -> None:
    """terraform-provider-elasticstack#2403: 400 "unknown index privilege [auto_create]" at
    apply, after validate and preview let it through with a warning."""
    role = loaders("auto_configure", "auto_create", "create_doc", "view_index_metadata")
    assert problems(role, V91) == [
        "roles.r.elasticsearch.indices[0].privileges[1]: unknown index privilege [auto_create]: "
        "Elasticsearch 9.1.0 would refuse the role; did you mean create?"
    ]


def test_names_are_per_release() -> None:
    assert problems(loaders("read_failure_store"), V90)[0].startswith(
        "roles.r.elasticsearch.indices[0].privileges[0]: unknown index privilege "
        "[read_failure_store]: Elasticsearch 9.0.0 would refuse the role"
    )
    assert problems(loaders("read_failure_store"), V91) == []
    assert problems(loaders("read", cluster=("monitor_stats",)), V818) == []


def test_a_release_the_sources_leave_open_is_a_warning_naming_why() -> None:
    assert problems(loaders("read", cluster=("monitor_stats",)), V817) == [
        "warning: roles.r.elasticsearch.cluster[0]: 'monitor_stats' may not exist in "
        "Elasticsearch 8.17.0 (added in 8.18; elasticsearch#114964, backported to 8.x by #116517 "
        "on 2024-11-08, about when the 8.17 branch was cut: 8.17 is uncertain); pulumi preview "
        "(and elastic-access validate --live) checks it against the live Kibana"
    ]


def test_stateful_only_names_are_refused_on_serverless() -> None:
    assert problems(loaders("read", cluster=("manage_ilm",)), SERVERLESS_SEC) == [
        "roles.r.elasticsearch.cluster[0]: unknown cluster privilege [manage_ilm]: serverless "
        "Elasticsearch does not offer it and would refuse the role"
    ]


def test_remote_cluster_privileges_are_checked_too() -> None:
    role = {"elasticsearch": {"remote_cluster": [{"clusters": ["c"], "privileges": ["reed"]}]}}
    assert problems(role, V91) == [
        "roles.r.elasticsearch.remote_cluster[0].privileges[0]: unknown remote_cluster privilege "
        "[reed]: Elasticsearch 9.1.0 would refuse the role; did you mean read (an index "
        "privilege, under elasticsearch.indices[].privileges)?"
    ]
    role = {"elasticsearch": {"remote_cluster": [{"clusters": ["c"], "privileges": ["grant"]}]}}
    assert problems(role, V91) == [
        "roles.r.elasticsearch.remote_cluster[0].privileges[0]: unknown remote_cluster privilege "
        "[grant]: Elasticsearch 9.1.0 would refuse the role; allowed: monitor_enrich, "
        "monitor_stats, or an action pattern with ':'"
    ]


def test_a_misspelt_name_of_another_kind_is_named_with_its_kind() -> None:
    # The README's own example: an index privilege, misspelt, given as a cluster privilege.
    assert problems(loaders("read", cluster=("veiw_index_metadata",)), V91) == [
        "roles.r.elasticsearch.cluster[0]: unknown cluster privilege [veiw_index_metadata]: "
        "Elasticsearch 9.1.0 would refuse the role; did you mean view_index_metadata (an index "
        "privilege, under elasticsearch.indices[].privileges)?"
    ]
    assert problems(loaders("read", cluster=("view_index_metadata",)), V91) == [
        "roles.r.elasticsearch.cluster[0]: 'view_index_metadata' is an index privilege, not a "
        "cluster privilege: Elasticsearch would refuse the role; it goes under "
        "elasticsearch.indices[].privileges"
    ]
    assert problems(loaders("monitr_stats"), V91) == [
        "roles.r.elasticsearch.indices[0].privileges[0]: unknown index privilege [monitr_stats]: "
        "Elasticsearch 9.1.0 would refuse the role; did you mean monitor_stats or "
        "monitor_snapshot (cluster privileges, under elasticsearch.cluster)?"
    ]


def test_action_patterns_and_case_pass() -> None:
    role = loaders("indices:data/read/*", "READ", "None", cluster=("cluster:monitor/*", "Monitor"))
    assert problems(role, V91) == []


NAMES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        sorted(es_privileges.every_name("cluster") | es_privileges.every_name("index"))
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    cluster=st.lists(NAMES, max_size=4),
    index=st.lists(NAMES, min_size=1, max_size=4),
    target=st.sampled_from([V816, V817, V91, V95, KibanaTarget.of("9.9.0"), SERVERLESS_SEC]),
)
def test_no_name_crashes_and_every_name_of_the_release_passes(
    cluster: list[str], index: list[str], target: KibanaTarget
) -> None:
    role = {
        "elasticsearch": {"cluster": cluster, "indices": [{"names": ["x"], "privileges": index}]}
    }
    found = validate_role("r", RoleSpec.model_validate(role), target)
    known = es_privileges.names_for(target)
    for problem in errors(found):
        kind, at = ("cluster", cluster) if ".cluster[" in problem.path else ("index", index)
        name = at[int(problem.path.rsplit("[", 1)[1][:-1])]
        assert name.lower() not in known.of(kind) and ":" not in name


def test_the_readme_names_the_releases_the_catalogs_hold() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    listed = re.search(r"Releases the catalog holds in full\*\* \(Kibana ([^;]+);", readme)
    assert listed is not None
    releases = {tuple(int(n) for n in v.split(".")) for v in listed.group(1).split(", ")}
    assert releases == set(COVERED_RELEASES)
    es = sorted(es_privileges.COVERED_RELEASES)
    assert f"known per release from {es[0][0]}.{es[0][1]} to {es[-1][0]}.{es[-1][1]}" in readme
