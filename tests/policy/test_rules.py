"""The policy pack's rules, called directly (no pulumi_policy needed)."""

from __future__ import annotations

from typing import Any

import pytest

from policy import rules
from policy.rules import (
    MEMBER_TYPE,
    ROLE_TYPE,
    admins_are_protected,
    connectors_need_cases,
    no_cluster_all,
    no_global_base_all,
    violations,
)


def role(*entries: dict[str, Any], cluster: list[str] | None = None) -> dict[str, Any]:
    body = {"kibana": list(entries), "elasticsearch": {"cluster": cluster or [], "indices": []}}
    return {"name": "r", "role": {}, "body": body}


def entry(
    spaces: list[str], base: list[str] | None = None, **features: list[str]
) -> dict[str, Any]:
    return {"spaces": spaces, "base": base or [], "feature": features}


def member(protected: bool, *roles: tuple[str, str]) -> dict[str, Any]:
    atoms = [
        {
            "scope": scope,
            "projectType": "",
            "roleId": role_id,
            "target": "1",
            "applicationRoles": None,
        }
        for scope, role_id in roles
    ]
    return {"email": "a@example.com", "assignments": atoms, "protected": protected}


# ---------------------------------------------------------------- connectors-need-cases


@pytest.mark.parametrize(
    "props",
    [
        role(entry(["soc"], actions=["all"], securitySolutionCasesV3=["all"])),
        role(
            entry(["soc"], actions=["minimal_all"], generalCasesV3=["minimal_all", "cases_delete"])
        ),
        role(entry(["soc"], actions=["all"]), entry(["*"], observabilityCases=["all"])),
        role(entry(["soc"], actions=["read"])),
        role(entry(["soc"], base=["all"]), entry(["ops"], actions=["all"], generalCasesV2=["all"])),
    ],
    ids=["same-entry", "minimal-all", "cases-on-all-spaces", "connectors-read", "base-all"],
)
def test_connectors_all_with_cases_management_complies(props: dict[str, Any]) -> None:
    assert connectors_need_cases(props) == []


@pytest.mark.parametrize(
    ("props", "spaces"),
    [
        (role(entry(["soc"], actions=["all"])), "soc"),
        (role(entry(["soc"], actions=["all"], securitySolutionCasesV3=["read"])), "soc"),
        (
            role(entry(["soc", "ops"], actions=["all"]), entry(["soc"], generalCasesV3=["all"])),
            "ops",
        ),
        (role(entry(["*"], actions=["minimal_all"]), entry(["soc"], generalCasesV3=["all"])), "*"),
    ],
    ids=["no-cases", "cases-read", "other-space", "all-spaces"],
)
def test_connectors_all_without_cases_management_is_refused(
    props: dict[str, Any], spaces: str
) -> None:
    (message,) = connectors_need_cases(props)
    assert message.startswith(f"role r: connectors all (feature actions) in spaces [{spaces}]")


def test_rules_read_the_role_config_before_the_body_is_rendered() -> None:
    config = {"spaces": ["soc"], "connectors": "all", "cases": {"security": "read"}}
    assert connectors_need_cases({"name": "r", "role": config, "body": None})
    config["cases"] = {"security": {"access": "all", "deny": ["cases_delete"]}}
    assert connectors_need_cases({"name": "r", "role": config, "body": None}) == []
    raw = {"kibana": [{"spaces": ["*"], "base": ["all"]}], "elasticsearch": {"cluster": ["all"]}}
    assert no_global_base_all({"name": "r", "role": raw}) and no_cluster_all({"role": raw})


# ---------------------------------------------------------------- no-global-base-all, no-cluster-all


def test_base_all_on_every_space_is_refused_but_not_on_named_spaces() -> None:
    assert no_global_base_all(role(entry(["*"], base=["all"])))
    assert no_global_base_all(role(entry(["*"], base=["read"]))) == []
    assert no_global_base_all(role(entry(["soc"], base=["all"]))) == []
    # Kibana's default for missing spaces is all spaces.
    assert no_global_base_all(role({"base": ["all"]}))


def test_cluster_all_is_refused() -> None:
    (message,) = no_cluster_all(role(cluster=["monitor", "all"]))
    assert "superuser-like" in message
    assert no_cluster_all(role(cluster=["monitor", "manage_own_api_key"])) == []


# ---------------------------------------------------------------- admins-are-protected


def test_organization_admin_only_for_protected_members() -> None:
    (message,) = admins_are_protected(member(False, ("organization", "organization-admin")))
    assert "a@example.com" in message and "cloud.protect" in message
    assert admins_are_protected(member(True, ("organization", "organization-admin"))) == []
    assert admins_are_protected(member(False, ("organization", "billing-admin"))) == []
    assert admins_are_protected(member(False, ("deployment", "deployment-admin"))) == []


# ---------------------------------------------------------------- the table


def test_rules_apply_by_resource_type() -> None:
    bad_role = role(entry(["*"], base=["all"]), cluster=["all"])
    assert len(violations(ROLE_TYPE, bad_role)) == 2
    assert violations(MEMBER_TYPE, bad_role) == []
    assert violations("aws:s3/bucket:Bucket", bad_role) == []
    assert len(violations(MEMBER_TYPE, member(False, ("organization", "organization-admin")))) == 1
    assert {r.name for r in rules.RULES} == {
        "connectors-need-cases",
        "no-global-base-all",
        "no-cluster-all",
        "admins-are-protected",
    }


def test_rules_do_not_need_pulumi_policy() -> None:
    source = rules.__file__
    assert source is not None
    with open(source, encoding="utf-8") as handle:
        assert "pulumi_policy" not in handle.read().split('"""', 2)[2]


def test_organization_admin_in_the_member_config_needs_protection_before_check_adds_atoms() -> None:
    from policy.rules import admins_are_protected

    props = {"email": "eve@example.com", "member": {"organization": "organization-admin"}}
    assert admins_are_protected(props)
    assert admins_are_protected({**props, "protected": True}) == []
    assert admins_are_protected({"member": {"organization": ["billing-admin"]}}) == []


def test_resources_whose_inputs_are_not_known_yet_are_skipped() -> None:
    from pulumi.runtime.rpc import UNKNOWN

    bad = role(entry(["*"], base=["all"]), cluster=["all"])
    assert violations(ROLE_TYPE, {**bad, "body": UNKNOWN}) == []
    assert (
        violations(ROLE_TYPE, {"name": "r", "role": {"spaces": UNKNOWN, "connectors": "all"}}) == []
    )
    admin = member(False, ("organization", "organization-admin"))
    assert violations(MEMBER_TYPE, {**admin, "protected": UNKNOWN}) == []


def test_the_cases_features_are_the_catalogs_whatever_their_generation() -> None:
    for cases in ("generalCases", "observabilityCasesV2", "securitySolutionCasesV3"):
        assert (
            connectors_need_cases(role(entry(["soc"], actions=["all"], **{cases: ["all"]}))) == []
        )
