"""Unknown values at preview never make a provider method fail (issue 11 §4).

At preview the engine sends a value fed from another resource's output as unknown, anywhere in
the inputs: a whole input, a list element, a value deep in a role's ``kibana`` entries. Through
the real provider host (gRPC, as the engine calls it), for every provider: ``check`` defers
(no failure, what it adds marked unknown), ``diff`` answers "unknown, maybe changes" (a possible
replacement where a key that decides it is unknown), and nothing reaches the API. The engine
calls ``create``/``update`` only once every value is known; called with one anyway, the role
provider writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.runtime.rpc import UNKNOWN

from components.providers.cloud_roster import CloudRosterProvider
from components.providers.kibana_role import KibanaRoleProvider
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.providers.conftest import (
    MEMBER,
    ORG,
    ROLE,
    cloud_host,
    kibana_host,
    member_props,
    role_props,
    writes,
)
from tests.support.provider_host import ProviderHost, provider_blob

ROSTER = "pulumi-python:dynamic/cloud:Roster"
ROLE_SPEC: dict[str, Any] = {
    "description": "SOC analysts",
    "spaces": ["soc", "default"],
    "cases": {"security": {"access": "all", "deny": ["cases_delete"]}, "stack": "read"},
    "connectors": "read",
    "alerts": {"security": "read"},
    "kibana": [
        {"spaces": ["ops"], "feature": {"discover_v2": ["read"], "dashboard_v2": ["all"]}},
        {"spaces": ["*"], "feature": {"fleet": ["read"]}},
    ],
    "elasticsearch": {
        "cluster": ["monitor"],
        "indices": [{"names": ["logs-*"], "privileges": ["read", "view_index_metadata"]}],
        "remote_cluster": [{"clusters": ["eu"], "privileges": ["monitor_enrich"]}],
    },
    "metadata": {"team": "soc", "tags": ["a", "b"]},
}
MEMBER_SPEC: dict[str, Any] = {
    "organization": "billing-admin",
    "deployments": {"deployments": {"d-1001": "deployment-viewer"}},
    "projects": {
        "security": {"projects": {"p-1": {"role": "security-viewer", "applicationRoles": ["x"]}}}
    },
}
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def poke(value: Any, data: st.DataObject, depth: int = 0) -> Any:
    """``value`` with one part, drawn by hypothesis at any depth, unknown."""
    leaf = not isinstance(value, (dict, list)) or not value
    if leaf or (depth > 0 and data.draw(st.booleans(), label="stop here")):
        return UNKNOWN
    if isinstance(value, dict):
        key = data.draw(st.sampled_from(sorted(value)), label="key")
        return {**value, key: poke(value[key], data, depth + 1)}
    i = data.draw(st.integers(0, len(value) - 1), label="index")
    return [*value[:i], poke(value[i], data, depth + 1), *value[i + 1 :]]


def unknown_parts(props: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """The props with one or more parts unknown (the provider blob itself stays known)."""
    inputs = {k: v for k, v in props.items() if k != "__provider"}
    for _ in range(data.draw(st.integers(1, 3), label="how many")):
        inputs = poke(inputs, data)
    return {"__provider": props["__provider"], **inputs}


def is_unknown(value: Any) -> bool:
    return value == UNKNOWN or type(value).__name__ == "Unknown"


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Sandbox, ProviderHost, ProviderHost]]:
    with (
        Sandbox(controls=True) as sandbox,
        kibana_host(sandbox) as kibana,
        cloud_host(sandbox) as cloud,
    ):
        yield sandbox, kibana, cloud


@pytest.fixture(scope="module")
def role(world: tuple[Sandbox, ProviderHost, ProviderHost]) -> tuple[dict[str, Any], Any]:
    _, host, _ = world
    props = role_props("soc", ROLE_SPEC)
    checked, failures = host.check(ROLE, "soc", {}, props)
    assert failures == []
    return props, host.create(ROLE, "soc", checked)[1]


@pytest.fixture(scope="module")
def member(world: tuple[Sandbox, ProviderHost, ProviderHost]) -> tuple[dict[str, Any], Any]:
    _, _, host = world
    props = member_props("bob@example.com", MEMBER_SPEC)
    checked, failures = host.check(MEMBER, "bob@example.com", {}, props)
    assert failures == []
    return props, host.create(MEMBER, "bob@example.com", checked)[1]


@pytest.fixture(scope="module")
def roster(world: tuple[Sandbox, ProviderHost, ProviderHost]) -> tuple[dict[str, Any], Any]:
    _, _, host = world
    props = {
        "__provider": provider_blob(CloudRosterProvider()),
        "organizationId": ORG,
        "declared": ["bob@example.com"],
        "protect": ["owner@sandbox.example"],
    }
    checked, failures = host.check(ROSTER, "roster", {}, props)
    assert failures == [] and checked["undeclared"] == []
    return props, host.create(ROSTER, "roster", checked)[1]


def api_writes(sandbox: Sandbox) -> int:
    return len(writes(Controls(sandbox.kibana_url))) + len(writes(Controls(sandbox.cloud_url)))


def check_and_diff(
    sandbox: Sandbox,
    host: ProviderHost,
    resource: tuple[str, str, str],
    created: tuple[dict[str, Any], Any],
    added: str,
    replace_keys: tuple[str, ...],
    data: st.DataObject,
) -> None:
    """Check then diff ``created``'s props with unknown parts, as preview does: no failure, the
    key check adds unknown, an unknown diff replacing where a replace key is unknown, no
    write."""
    type_, name, id_ = resource
    props, outs = created
    before = api_writes(sandbox)
    news = unknown_parts(props, data)
    checked, failures = host.check(type_, name, outs, news)
    assert failures == []
    assert is_unknown(checked[added])  # preview shows it as not known yet
    diff = host.diff(type_, name, id_, outs, checked)
    assert diff.changes is None  # unknown: the engine shows an update of what differs
    assert diff.replaces == [k for k in replace_keys if is_unknown(news[k])]
    assert api_writes(sandbox) == before


@EXAMPLES
@given(data=st.data())
def test_role_check_and_diff_with_unknowns_anywhere(
    world: tuple[Sandbox, ProviderHost, ProviderHost],
    role: tuple[dict[str, Any], Any],
    data: st.DataObject,
) -> None:
    sandbox, host, _ = world
    check_and_diff(sandbox, host, (ROLE, "soc", "soc"), role, "body", ("name",), data)


@EXAMPLES
@given(data=st.data())
def test_member_check_and_diff_with_unknowns_anywhere(
    world: tuple[Sandbox, ProviderHost, ProviderHost],
    member: tuple[dict[str, Any], Any],
    data: st.DataObject,
) -> None:
    sandbox, _, host = world
    bob = (MEMBER, "bob@example.com", "bob@example.com")
    replace = ("email", "organizationId")
    check_and_diff(sandbox, host, bob, member, "assignments", replace, data)


@EXAMPLES
@given(data=st.data())
def test_roster_check_and_diff_with_unknowns_anywhere(
    world: tuple[Sandbox, ProviderHost, ProviderHost],
    roster: tuple[dict[str, Any], Any],
    data: st.DataObject,
) -> None:
    sandbox, _, host = world
    resource = (ROSTER, "roster", ORG)
    check_and_diff(sandbox, host, resource, roster, "undeclared", ("organizationId",), data)


def test_the_role_provider_writes_nothing_with_an_unknown_value(
    world: tuple[Sandbox, ProviderHost, ProviderHost],
) -> None:
    sandbox, _, _ = world
    before = api_writes(sandbox)
    provider = KibanaRoleProvider()
    props = {"name": "soc", "role": {**ROLE_SPEC, "spaces": [UNKNOWN]}, "adopt": False}
    with pytest.raises(ValueError, match="role soc: some inputs are not known yet; nothing"):
        provider.create(props)
    with pytest.raises(ValueError, match="role soc: some inputs are not known yet; nothing"):
        provider.update("soc", props, props)
    assert api_writes(sandbox) == before


def test_diff_of_a_role_whose_kibana_entry_is_partly_unknown(
    world: tuple[Sandbox, ProviderHost, ProviderHost], role: tuple[dict[str, Any], Any]
) -> None:
    """The reproduction: diff raised a pydantic ValidationError on this input."""
    _, host, _ = world
    props, outs = role
    entry = {"spaces": ["ops"], "feature": {"discover_v2": [UNKNOWN], "dashboard_v2": ["all"]}}
    news = {**props, "role": {**ROLE_SPEC, "kibana": [entry, ROLE_SPEC["kibana"][1]]}}
    checked, failures = host.check(ROLE, "soc", outs, news)
    assert failures == []
    diff = host.diff(ROLE, "soc", "soc", outs, checked)
    assert (diff.changes, diff.replaces) == (None, [])
