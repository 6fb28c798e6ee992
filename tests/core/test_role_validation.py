"""Every role validation rule, with the exact message the user reads."""

from __future__ import annotations

from typing import Any

import pytest

from components.core.roles.spec import RoleSpec
from components.core.roles.validation import validate_role
from components.core.versions import KibanaTarget

V816, V817, V91 = KibanaTarget.of("8.16.0"), KibanaTarget.of("8.17.0"), KibanaTarget.of("9.1.0")
V95, V96 = KibanaTarget.of("9.5.0"), KibanaTarget.of("9.6.0")
SERVERLESS = KibanaTarget.of(None, "serverless")


def problems(raw: dict[str, Any], target: KibanaTarget = V91, name: str = "r") -> list[str]:
    return [str(p) for p in validate_role(name, RoleSpec.model_validate(raw), target)]


def test_a_valid_role_has_no_problem() -> None:
    assert problems({"cases": {"security": "all"}, "connectors": "read"}) == []


# ---------------------------------------------------------------- Kibana's structural rules


def test_entry_needs_base_or_feature() -> None:
    assert problems({"kibana": [{"spaces": ["*"]}]}) == [
        "roles.r.kibana[0]: either [base] or [feature] is expected, but none of them specified"
    ]


def test_entry_with_only_empty_feature_lists_is_refused_too() -> None:
    assert problems({"kibana": [{"feature": {"discover_v2": []}}]}) == [
        "roles.r.kibana[0]: either [base] or [feature] is expected, but none of them specified"
    ]


def test_base_and_feature_are_exclusive() -> None:
    assert problems({"kibana": [{"base": ["all"], "feature": {"discover_v2": ["read"]}}]}) == [
        "roles.r.kibana[0]: definition of [feature] isn't allowed when non-empty [base] is defined."
    ]


def test_base_privileges_are_all_or_read() -> None:
    assert problems({"kibana": [{"base": ["write"]}]}) == [
        "roles.r.kibana[0].base[0]: 'write' is not a base privilege; allowed: all, read"
    ]


def test_all_spaces_cannot_be_mixed_with_space_ids() -> None:
    assert problems({"kibana": [{"spaces": ["*", "soc"], "base": ["read"]}]}) == [
        'roles.r.kibana[0].spaces: "*" (all spaces) cannot be combined with space ids'
    ]


def test_space_ids_are_lower_case() -> None:
    assert problems({"spaces": ["SOC"], "cases": {"security": "all"}}) == [
        "roles.r.spaces[0]: 'SOC': must be lower case, a-z, 0-9, '_', and '-' are allowed"
    ]


def test_a_space_in_two_entries_is_refused() -> None:
    assert problems(
        {
            "kibana": [
                {"spaces": ["soc", "ops"], "base": ["read"]},
                {"spaces": ["soc"], "feature": {"discover_v2": ["all"]}},
            ]
        }
    ) == [
        "roles.r.kibana[1]: more than one privilege is applied to the following spaces: [soc] "
        "(also in roles.r.kibana[0])"
    ]


def test_the_shorthands_count_as_an_entry_on_their_spaces() -> None:
    assert problems(
        {
            "spaces": ["soc"],
            "cases": {"security": "all"},
            "kibana": [{"spaces": ["soc", "ops"], "base": ["read"]}],
        }
    ) == [
        "roles.r.spaces: more than one privilege is applied to the following spaces: [soc] "
        "(also in roles.r.kibana[0])"
    ]


def test_raw_features_on_the_shorthand_spaces_merge_but_not_twice() -> None:
    assert problems(
        {
            "spaces": ["soc"],
            "connectors": "all",
            "kibana": [
                {"spaces": ["soc"], "feature": {"actions": ["read"], "discover_v2": ["all"]}}
            ],
        }
    ) == [
        "roles.r.kibana[0].feature.actions: actions is also granted by the shorthands (cases, "
        "connectors, alerts) on the same spaces; set it in one place"
    ]


def test_feature_ids_follow_kibana_s_pattern() -> None:
    assert problems({"kibana": [{"feature": {"dis cover": ["read"]}}]}) == [
        "roles.r.kibana[0].feature.dis cover: only a-z, A-Z, 0-9, '_', and '-' are allowed"
    ]


def test_metadata_keys_cannot_start_with_underscore() -> None:
    assert problems({"metadata": {"_managed": True}, "cases": {"stack": "read"}}) == [
        "roles.r.metadata._managed: role descriptor metadata keys may not start with [_]"
    ]


@pytest.mark.parametrize("name", ["superuser", "viewer", "kibana_admin", "editor"])
def test_reserved_role_names_are_refused(name: str) -> None:
    assert problems({"cases": {"stack": "read"}}, name=name) == [
        f"roles.{name}: Role [{name}] is reserved and may not be used."
    ]


def test_role_names_have_a_length_limit_and_no_padding() -> None:
    long = "x" * 508
    assert problems({}, name=long) == [f"roles.{long}: role names are 1 to 507 characters long"]
    assert problems({}, name=" padded") == [
        "roles. padded: role names are printable ASCII without leading or trailing white space"
    ]


def test_dls_query_must_be_json() -> None:
    raw = {"elasticsearch": {"indices": [{"names": ["a"], "privileges": ["read"], "query": "{x"}]}}
    assert problems(raw) == [
        "roles.r.elasticsearch.indices[0].query: is not valid JSON (a query DSL object)"
    ]


# ---------------------------------------------------------------- serverless rules


def test_serverless_refuses_run_as_and_remote_privileges() -> None:
    raw = {
        "elasticsearch": {
            "run_as": ["bob"],
            "remote_indices": [{"clusters": ["c"], "names": ["a"], "privileges": ["read"]}],
            "remote_cluster": [{"clusters": ["c"], "privileges": ["monitor_enrich"]}],
        }
    }
    assert problems(raw, SERVERLESS) == [
        "roles.r.elasticsearch.remote_cluster: is not allowed in serverless custom roles",
        "roles.r.elasticsearch.remote_indices: is not allowed in serverless custom roles",
        "roles.r.elasticsearch.run_as: is not allowed in serverless custom roles",
    ]


def test_serverless_refuses_stack_management_cases() -> None:
    assert problems({"cases": {"stack": "all"}}, SERVERLESS) == [
        "roles.r.cases.stack: Stack Management cases do not exist on serverless; "
        "allowed: observability, security"
    ]


def test_serverless_refuses_a_raw_general_cases_grant() -> None:
    assert problems({"kibana": [{"feature": {"generalCasesV3": ["all"]}}]}, SERVERLESS) == [
        "roles.r.kibana[0].feature.generalCasesV3: feature generalCasesV3 does not exist on "
        "Kibana serverless"
    ]


def test_serverless_role_names_are_restricted() -> None:
    assert problems({"cases": {"security": "read"}}, SERVERLESS, name="_soc") == [
        "roles._soc: serverless role names start with a letter or digit and use only letters, "
        "digits, '.', '_' and '-'"
    ]


# ---------------------------------------------------------------- catalog rules


def test_unknown_sub_feature_lists_the_allowed_ones() -> None:
    raw = {"cases": {"observability": {"access": "read", "allow": ["create_comment", "delete"]}}}
    assert problems(raw) == [
        "roles.r.cases.observability.allow[1]: 'delete' is not a sub-feature privilege of "
        "observabilityCasesV3; allowed: cases_delete, cases_settings, create_comment, "
        "case_reopen, cases_assign"
    ]


def test_sub_feature_newer_than_the_target_says_when_it_came() -> None:
    raw = {"cases": {"stack": {"access": "all", "deny": ["cases_assign"]}}}
    assert problems(raw, V817) == [
        "roles.r.cases.stack.deny[0]: 'cases_assign' is not a sub-feature privilege of "
        "generalCasesV2 in Kibana 8.17.0; it was added in 8.18; allowed: cases_delete, "
        "cases_settings, create_comment, case_reopen"
    ]


def test_allow_with_all_and_deny_with_read_are_pointless() -> None:
    assert problems({"cases": {"stack": {"access": "all", "allow": ["cases_delete"]}}}) == [
        "roles.r.cases.stack.allow: has no effect with access: all, which includes every "
        "sub-feature; use deny to remove some"
    ]
    assert problems({"connectors": {"access": "read", "deny": ["endpoint_security_execute"]}}) == [
        "roles.r.connectors.deny: has no effect with access: read, which includes no sub-feature"
    ]


def test_connectors_sub_feature_is_checked_against_the_release() -> None:
    raw = {"connectors": {"access": "read", "allow": ["endpoint_security_execute"]}}
    assert problems(raw, V91) == []
    assert problems(raw, V817) == [
        "roles.r.connectors.allow[0]: 'endpoint_security_execute' is not a sub-feature privilege "
        "of actions in Kibana 8.17.0; it was added in 8.18; nothing is allowed here"
    ]


def test_raw_entry_with_unknown_cases_privilege_is_an_error() -> None:
    # Kibana's own FTR fixtures store ids like these; they grant nothing.
    raw = {"kibana": [{"feature": {"generalCasesV3": ["read", "update"]}}]}
    assert problems(raw) == [
        "roles.r.kibana[0].feature.generalCasesV3[1]: 'update' is not a privilege of "
        "generalCasesV3 in Kibana 9.1.0; allowed: all, read, minimal_all, minimal_read, "
        "cases_delete, cases_settings, create_comment, case_reopen, cases_assign"
    ]


def test_raw_cases_feature_not_yet_released_is_an_error_naming_the_current_one() -> None:
    raw = {"kibana": [{"feature": {"securitySolutionCasesV3": ["all"]}}]}
    assert problems(raw, V816) == [
        "roles.r.kibana[0].feature.securitySolutionCasesV3: feature securitySolutionCasesV3 does "
        "not exist in Kibana 8.16.0 (added in 8.18); use securitySolutionCases"
    ]


def test_deprecated_feature_is_a_warning_naming_the_replacement() -> None:
    raw = {"kibana": [{"feature": {"securitySolutionCases": ["minimal_all"]}}]}
    assert problems(raw) == [
        "warning: roles.r.kibana[0].feature.securitySolutionCases: feature securitySolutionCases "
        "is deprecated in Kibana 9.1.0; use securitySolutionCasesV3"
    ]


def test_feature_the_catalog_does_not_list_is_refused_for_a_release_it_covers() -> None:
    raw = {"kibana": [{"feature": {"discovr_v2": ["read"]}}]}
    assert problems(raw) == [
        "roles.r.kibana[0].feature.discovr_v2: feature 'discovr_v2' does not exist in Kibana "
        "9.1.0 (did you mean discover_v2?); Kibana would store it and grant nothing"
    ]


def test_feature_outside_the_catalog_is_a_warning_where_it_cannot_know() -> None:
    raw = {"kibana": [{"feature": {"discovr_v2": ["read"]}}]}
    assert problems(raw, V95) == [
        "warning: roles.r.kibana[0].feature.discovr_v2: feature 'discovr_v2' is not in the "
        "offline catalog (did you mean discover_v2?): the offline catalog holds Kibana releases "
        "up to 9.3 in full, not 9.5; pulumi preview (and elastic-access validate --live) checks "
        "it against the live Kibana, where Kibana would store an unknown id and grant nothing"
    ]


def test_other_feature_unknown_privilege_is_refused_for_a_covered_release() -> None:
    raw = {"kibana": [{"feature": {"discover_v2": ["read", "url_create", "export"]}}]}
    assert problems(raw) == [
        "roles.r.kibana[0].feature.discover_v2[2]: 'export' is not a privilege of discover_v2 in "
        "Kibana 9.1.0; allowed: all, read, minimal_all, minimal_read, url_create, "
        "store_search_session, generate_report"
    ]
    (only,) = problems(raw, V95)
    assert only.startswith("warning: roles.r.kibana[0].feature.discover_v2[2]: 'export' is not")
    assert only.endswith(
        "; the offline catalog holds Kibana releases up to 9.3 in full, not 9.5; pulumi preview "
        "(and elastic-access validate --live) checks it against the live Kibana"
    )


def test_alerts_of_a_solution_the_target_lacks() -> None:
    assert problems(
        {"alerts": {"observability": "read"}}, KibanaTarget.of(None, "serverless", "security")
    ) == [
        "roles.r.alerts.observability: Kibana serverless (security project) has no "
        "observability alerts"
    ]


def test_description_needs_8_15() -> None:
    assert problems(
        {"description": "x", "cases": {"stack": "read"}}, KibanaTarget.of("8.14.0")
    ) == ["roles.r.description: needs Kibana 8.15 or later; the target is Kibana 8.14.0"]


def test_fleet_privileges_need_all_spaces_as_kibana_requires() -> None:
    named = {"kibana": [{"spaces": ["ops"], "feature": {"fleet": ["read"]}}]}
    assert problems(named) == [
        "roles.r.kibana[0].spaces: Feature privilege [fleet.read] requires all spaces to be "
        "selected but received [ops]; use spaces: ['*'] for it, in an entry of its own"
    ]
    assert problems({"kibana": [{"spaces": ["*"], "feature": {"fleet": ["read"]}}]}) == []


def test_a_typo_in_an_elasticsearch_privilege_is_refused_with_the_likely_name() -> None:
    role = {
        "elasticsearch": {
            "cluster": ["monitor", "manage_own_api_keys", "cluster:monitor/main"],
            "indices": [{"names": ["logs-*"], "privileges": ["read", "veiw_index_metadata"]}],
        }
    }
    assert problems(role) == [
        "roles.r.elasticsearch.cluster[1]: unknown cluster privilege [manage_own_api_keys]: "
        "Elasticsearch 9.1.0 would refuse the role; did you mean manage_own_api_key or "
        "manage_api_key?",
        "roles.r.elasticsearch.indices[0].privileges[1]: unknown index privilege "
        "[veiw_index_metadata]: Elasticsearch 9.1.0 would refuse the role; did you mean "
        "view_index_metadata?",
    ]


def test_an_unknown_unlike_privilege_is_refused_where_the_table_covers_the_release() -> None:
    role = {"elasticsearch": {"cluster": ["manage_quantum_flux"]}}
    found = validate_role("r", RoleSpec.model_validate(role), V91)
    assert [p.severity for p in found] == ["error"]
    assert [str(p) for p in validate_role("r", RoleSpec.model_validate(role), V96)] == [
        "warning: roles.r.elasticsearch.cluster[0]: 'manage_quantum_flux' is not a cluster "
        "privilege of the Elasticsearch releases elastic-access knows in full (8.16 to 9.5, not "
        "9.6); pulumi preview (and elastic-access validate --live) checks it against the live "
        "Kibana"
    ]
