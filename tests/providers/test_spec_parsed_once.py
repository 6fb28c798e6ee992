"""Each provider call parses the role's spec once and renders it at most once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from components.core.roles import expand
from components.core.roles.spec import RoleSpec
from components.providers import kibana_role
from components.providers.kibana_role import KibanaRoleProvider
from sandbox.server import Sandbox

ROLE = {"spaces": ["default"], "cases": {"security": "all"}, "connectors": "read"}


@pytest.fixture
def provider() -> Iterator[KibanaRoleProvider]:
    with Sandbox() as sandbox:
        config = {"kibana": json.dumps({"url": sandbox.kibana_url}), "kibanaApiKey": "sandbox"}
        configured = KibanaRoleProvider()
        configured.configure(SimpleNamespace(config=config))  # type: ignore[arg-type]
        yield configured


def test_check_diff_create_and_update_each_parse_and_render_the_spec_once(
    provider: KibanaRoleProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[Any] = []
    rendered: list[Any] = []
    validate = RoleSpec.model_validate

    def counting_validate(value: Any, **kw: Any) -> RoleSpec:
        parsed.append(value)
        return validate(value, **kw)

    def counting_render(spec: RoleSpec, target: Any) -> dict[str, Any]:
        rendered.append(spec)
        return expand.render(spec, target)

    monkeypatch.setattr(RoleSpec, "model_validate", counting_validate)
    monkeypatch.setattr(kibana_role, "render", counting_render)
    news = {"name": "soc", "role": ROLE, "adopt": False}

    checked = provider.check({}, news).inputs
    created = provider.create(checked).outs
    changed = {**checked, "role": {**ROLE, "connectors": "all"}}
    provider.diff("soc", created, changed)
    provider.update("soc", created, changed)

    assert (len(parsed), len(rendered)) == (4, 4)
