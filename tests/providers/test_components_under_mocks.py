"""The program's resource tree under ``pulumi.runtime`` mocks: names, types, inputs."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import dill
import pulumi
import pytest

from components.cloud_members import CloudMembers
from components.core.members.spec import CloudSettings, MemberSpec
from components.core.roles.spec import RoleSpec
from components.kibana_roles import KibanaRoles
from components.providers.cloud_member import CloudMemberProvider
from components.providers.cloud_roster import CloudRosterProvider
from components.providers.kibana_role import KibanaRoleProvider
from tests.support.mocks import Recorder, mocked


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with mocked(Recorder()) as mocks:
        yield mocks  # type: ignore[misc]


ROLES = {
    "soc-case-managers": RoleSpec.model_validate(
        {"spaces": ["soc"], "cases": {"security": "all"}, "connectors": "all"}
    ),
    "analysts": RoleSpec.model_validate(
        {"kibana": [{"feature": {"discover_v2": ["read"]}}], "adopt": True}
    ),
}


@pulumi.runtime.test
def test_one_role_resource_per_role_named_after_it(recorder: Recorder) -> Any:
    component = KibanaRoles("kibana-roles", ROLES)

    def check(_: Any) -> None:
        roles = recorder.of_type("pulumi-python:dynamic/kibana:Role")
        assert sorted(r.name for r in roles) == ["analysts", "soc-case-managers"]
        soc = next(r for r in roles if r.name == "soc-case-managers")
        assert soc.inputs["name"] == "soc-case-managers"
        assert soc.inputs["role"] == {
            "spaces": ["soc"],
            "cases": {"security": {"access": "all"}},
            "connectors": {"access": "all"},
        }
        assert soc.inputs["adopt"] is False
        analysts = next(r for r in roles if r.name == "analysts")
        assert analysts.inputs["adopt"] is True and "adopt" not in analysts.inputs["role"]
        assert component.role_names == ["analysts", "soc-case-managers"]

    return pulumi.Output.all(*(r.urn for r in component.roles.values())).apply(check)


def test_the_pickled_provider_is_a_reference_with_no_state() -> None:
    from tests.support.provider_host import provider_blob

    blob = provider_blob(KibanaRoleProvider())
    raw = base64.b64decode(blob)
    assert len(raw) < 200  # a reference to the class, not its code
    assert b"components.providers.kibana_role" in raw
    assert vars(dill.loads(raw)) == {}


MEMBERS = {
    "Bob@Example.com": MemberSpec.model_validate(
        {"projects": {"security": {"all": "security-t2-analyst"}}}
    ),
    "owner@example.com": MemberSpec.model_validate({"organization": "organization-admin"}),
}
CLOUD = CloudSettings.model_validate(
    {"organizationId": "42", "protect": ["owner@example.com"], "authoritative": True}
)


@pulumi.runtime.test
def test_one_member_resource_per_email_lower_cased_and_a_roster_when_authoritative(
    recorder: Recorder,
) -> Any:
    component = CloudMembers("cloud-members", MEMBERS, CLOUD)

    def check(_: Any) -> None:
        members = recorder.of_type("pulumi-python:dynamic/cloud:Member")
        assert sorted(m.name for m in members) == ["bob@example.com", "owner@example.com"]
        bob = next(m for m in members if m.name == "bob@example.com")
        assert bob.inputs["member"] == {
            "projects": {"security": {"all": {"role": "security-t2-analyst"}}}
        }
        assert bob.inputs["organizationId"] == "42"
        assert bob.inputs["protected"] is False
        owner = next(m for m in members if m.name == "owner@example.com")
        assert owner.inputs["protected"] is True
        (roster,) = recorder.of_type("pulumi-python:dynamic/cloud:Roster")
        assert roster.name == "organization-roster"
        assert roster.inputs["declared"] == ["bob@example.com", "owner@example.com"]
        assert roster.inputs["protect"] == ["owner@example.com"]

    assert component.roster is not None
    urns = [m.urn for m in component.members.values()] + [component.roster.urn]
    return pulumi.Output.all(*urns).apply(check)


@pulumi.runtime.test
def test_no_roster_unless_authoritative(recorder: Recorder) -> Any:
    cloud = CloudSettings.model_validate({"organizationId": "42"})
    component = CloudMembers("cloud-members", MEMBERS, cloud)
    assert component.roster is None

    def check(_: Any) -> None:
        assert recorder.of_type("pulumi-python:dynamic/cloud:Roster") == []

    return pulumi.Output.all(*(m.urn for m in component.members.values())).apply(check)


@pytest.mark.parametrize("provider", [CloudMemberProvider, CloudRosterProvider])
def test_the_pickled_member_providers_hold_no_state(provider: type) -> None:
    from tests.support.provider_host import provider_blob

    restored = dill.loads(base64.b64decode(provider_blob(provider())))
    assert vars(restored) == {}
