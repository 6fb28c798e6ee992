"""Unknown values at preview never make the space provider fail (issue 11 §4), with the
helpers of the role, member and roster tests: check defers, diff answers "unknown, maybe
changes", nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.runtime.rpc import UNKNOWN

from components.providers.kibana_space import KibanaSpaceProvider
from sandbox.server import Sandbox
from tests.providers.conftest import SPACE, kibana_host, space_props
from tests.providers.test_unknowns_host import EXAMPLES, api_writes, check_and_diff
from tests.support.provider_host import ProviderHost

SPEC: dict[str, Any] = {
    "name": "SOC",
    "description": "Security operations",
    "color": "#D36086",
    "initials": "SO",
    "disabledFeatures": ["ml", "dev_tools"],
}


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Sandbox, ProviderHost]]:
    with Sandbox(controls=True) as sandbox, kibana_host(sandbox) as host:
        yield sandbox, host


@pytest.fixture(scope="module")
def space(world: tuple[Sandbox, ProviderHost]) -> tuple[dict[str, Any], Any]:
    _, host = world
    props = space_props("soc", SPEC, allow_delete=True)
    checked, failures = host.check(SPACE, "soc", {}, props)
    assert failures == []
    return props, host.create(SPACE, "soc", checked)[1]


@EXAMPLES
@given(data=st.data())
def test_space_check_and_diff_with_unknowns_anywhere(
    world: tuple[Sandbox, ProviderHost], space: tuple[dict[str, Any], Any], data: st.DataObject
) -> None:
    sandbox, host = world
    check_and_diff(sandbox, host, (SPACE, "soc", "soc"), space, "body", ("spaceId",), data)


def test_the_space_provider_writes_nothing_with_an_unknown_value(
    world: tuple[Sandbox, ProviderHost],
) -> None:
    sandbox, _ = world
    before = api_writes(sandbox)
    props = {"spaceId": "soc", "space": {**SPEC, "name": UNKNOWN}, "allowDelete": False}
    provider = KibanaSpaceProvider()
    with pytest.raises(ValueError, match="space soc: some inputs are not known yet; nothing"):
        provider.create(props)
    with pytest.raises(ValueError, match="space soc: some inputs are not known yet; nothing"):
        provider.update("soc", props, props)
    assert api_writes(sandbox) == before
