"""A Pulumi program whose role input comes from another resource's output (issue 11 §4).

``grant`` turns the stack's ``elastic-access:choice`` into an output (``granted``), unknown at
preview whenever ``grant`` is created or updated; the role ``analysts`` grants that privilege of
``discover_v2``. Copied as ``__main__.py`` by tests/e2e/test_unknown_values_engine.py.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

from components.providers.kibana_role import KibanaRoleProvider


class Grant(ResourceProvider):
    """Echoes ``choice`` as the output ``granted`` (a stand-in for any resource's output)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("grant", {"choice": props["choice"], "granted": props["choice"]})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get("choice") != news.get("choice"))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({"choice": news["choice"], "granted": news["choice"]})


class Echo(Resource, module="test", name="Grant"):
    """The ``Grant`` resource."""

    def __init__(self, name: str, choice: str) -> None:
        super().__init__(Grant(), name, {"choice": choice, "granted": None})


class Role(Resource, module="kibana", name="Role"):
    """A Kibana role whose config holds outputs (KibanaRole takes a parsed, known spec)."""

    def __init__(self, name: str, role: dict[str, Any]) -> None:
        props = {"name": name, "role": role, "adopt": False, "body": None}
        super().__init__(KibanaRoleProvider(), name, props)


grant = Echo("grant", pulumi.Config().require("choice"))
privilege = getattr(grant, "granted")  # noqa: B009 - dynamic resources set their outputs so
Role("analysts", {"kibana": [{"spaces": ["*"], "feature": {"discover_v2": [privilege]}}]})
