"""Facts of the feature catalog that users' roles depend on."""

from __future__ import annotations

import pytest

from components.core.feature_catalog import (
    BY_ID,
    CONNECTORS,
    FEATURES,
    cases_feature,
    features_for,
    is_deprecated,
    privileges_of,
    successor,
)
from components.core.versions import KibanaTarget, Version

V816, V817, V818, V91 = (KibanaTarget.of(v) for v in ("8.16.0", "8.17.0", "8.18.0", "9.1.0"))
SERVERLESS_SEC = KibanaTarget.of(None, "serverless", "security")
SERVERLESS_OBS = KibanaTarget.of(None, "serverless", "observability")
SERVERLESS_SEARCH = KibanaTarget.of(None, "serverless", "elasticsearch")


def test_every_row_names_its_source_and_ids_are_unique() -> None:
    assert all(f.source for f in FEATURES)
    assert len({f.id for f in FEATURES}) == len(FEATURES)


@pytest.mark.parametrize(
    ("target", "privileges"),
    [
        (V816, ["all", "read", "minimal_all", "minimal_read", "cases_delete", "cases_settings"]),
        (V91, ["all", "read", "minimal_all", "minimal_read", "cases_delete", "cases_settings",
               "create_comment", "case_reopen", "cases_assign"]),
    ],
)  # fmt: skip
def test_privileges_are_listed_in_the_privileges_api_order(
    target: KibanaTarget, privileges: list[str]
) -> None:
    assert privileges_of(cases_feature("stack", target), target) == privileges


def test_v1_cases_keep_only_delete_and_settings_as_sub_features_even_on_9x() -> None:
    assert privileges_of(BY_ID["generalCases"], V91)[4:] == ["cases_delete", "cases_settings"]


def test_v2_cases_have_comment_and_reopen_but_not_assign() -> None:
    assert privileges_of(BY_ID["observabilityCasesV2"], V91)[4:] == [
        "cases_delete",
        "cases_settings",
        "create_comment",
        "case_reopen",
    ]


def test_connectors_endpoint_security_execute_from_8_18() -> None:
    assert "endpoint_security_execute" not in privileges_of(CONNECTORS, V817)
    assert privileges_of(CONNECTORS, V818)[-1] == "endpoint_security_execute"


def test_case_templates_only_in_stack_management_cases_from_9_5() -> None:
    v95 = KibanaTarget.of("9.5.0")
    assert "cases_manage_templates" in privileges_of(BY_ID["generalCasesV3"], v95)
    assert "cases_manage_templates" not in privileges_of(BY_ID["generalCasesV3"], V91)
    assert "cases_manage_templates" not in privileges_of(BY_ID["securitySolutionCasesV3"], v95)


def test_deprecated_features_stay_registered_as_kibana_does() -> None:
    registered = features_for(V91)
    assert {"generalCases", "generalCasesV2", "generalCasesV3"} <= set(registered)
    assert is_deprecated(BY_ID["generalCasesV2"], V91)
    assert not is_deprecated(BY_ID["generalCasesV2"], V817)


@pytest.mark.parametrize(
    ("old", "target", "new"),
    [
        ("generalCases", V817, "generalCasesV2"),
        ("generalCases", V91, "generalCasesV3"),
        ("securitySolutionCasesV2", V818, "securitySolutionCasesV3"),
        ("siem", V818, "siemV2"),
        ("discover", V91, "discover_v2"),
    ],
)
def test_deprecated_ids_name_their_replacement(old: str, target: KibanaTarget, new: str) -> None:
    replacement = successor(old, target)
    assert replacement is not None and replacement.id == new


def test_serverless_has_no_stack_management_cases() -> None:
    for target in (SERVERLESS_SEC, SERVERLESS_OBS, SERVERLESS_SEARCH):
        assert not {"generalCases", "generalCasesV2", "generalCasesV3"} & set(features_for(target))
        assert cases_feature("stack", target) is None


def test_serverless_projects_have_their_own_solution_cases_only() -> None:
    assert cases_feature("security", SERVERLESS_OBS) is None
    assert cases_feature("observability", SERVERLESS_SEC) is None
    assert "actions" in features_for(SERVERLESS_SEARCH)


def test_versions_accept_patch_and_snapshot_suffixes() -> None:
    assert Version.parse("8.17.2") == Version(8, 17, 2)
    assert Version.parse("9.1.0-SNAPSHOT") == Version(9, 1, 0)
    assert Version.parse("9.1") == Version(9, 1, 0)
    with pytest.raises(ValueError, match="not a Kibana version"):
        Version.parse("nine")
