"""flatten -> expand gives back the same role, over real role bodies written by others."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.core.problems import errors
from components.core.roles.body import normalise
from components.core.roles.expand import expand
from components.core.roles.flatten import flatten
from components.core.roles.spec import RoleSpec
from components.core.roles.validation import validate_role
from components.core.versions import KibanaTarget
from tests.conftest import FIXTURES, peer_roles

TARGETS = [KibanaTarget.of(v) for v in ("8.16.0", "8.17.0", "9.1.0")]
PEERS = peer_roles()
EXAMPLES = [
    (path.stem, json.loads(path.read_text())["body"])
    for path in sorted((FIXTURES / "kibana-examples").glob("0[1-578]_*.json"))
]


def _round_trip(body: dict[str, Any], target: KibanaTarget) -> dict[str, Any]:
    spec = RoleSpec.model_validate(flatten(body, target))
    return normalise(expand(spec, target))


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize(("name", "fixture"), PEERS, ids=[n for n, _ in PEERS])
def test_peer_roles_round_trip(name: str, fixture: dict[str, Any], target: KibanaTarget) -> None:
    body = fixture["kibana_put_body"]
    assert _round_trip(body, target) == normalise(body)


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize(("name", "body"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_kibana_examples_round_trip(name: str, body: dict[str, Any], target: KibanaTarget) -> None:
    assert _round_trip(body, target) == normalise(body)


def test_the_peer_fixture_that_must_fail_fails_with_kibana_s_message() -> None:
    (fixture,) = [f for _, f in PEERS if f["expect_error"]]
    spec = RoleSpec.model_validate(flatten(fixture["kibana_put_body"], TARGETS[-1]))
    assert [str(p) for p in errors(validate_role("r", spec, TARGETS[-1]))] == [
        "roles.r.kibana[0]: either [base] or [feature] is expected, but none of them specified"
    ]


def test_flatten_uses_the_shorthands_where_they_are_exact() -> None:
    body = json.loads((FIXTURES / "kibana-examples/08_constructed_stack_cases_customized.json")
                      .read_text())["body"]  # fmt: skip
    assert flatten(body, KibanaTarget.of("9.1.0")) == {
        "spaces": ["default"],
        "cases": {"stack": {"access": "all", "deny": ["cases_delete"]}},
        "connectors": "read",
    }


def test_flatten_keeps_old_generation_ids_raw_on_a_newer_kibana() -> None:
    body = {"kibana": [{"spaces": ["*"], "feature": {"securitySolutionCases": ["all"]}}]}
    assert flatten(body, KibanaTarget.of("9.1.0")) == {
        "kibana": [{"spaces": ["*"], "feature": {"securitySolutionCases": ["all"]}}]
    }
    assert flatten(body, KibanaTarget.of("8.16.0")) == {"cases": {"security": "all"}}


def test_flatten_recognises_security_alerts_only_with_their_index_privileges() -> None:
    target = KibanaTarget.of("9.1.0")
    spec = RoleSpec.model_validate({"spaces": ["soc"], "cases": {"security": "all"},
                                    "alerts": {"security": "read"}})  # fmt: skip
    body = expand(spec, target)
    assert flatten(body, target) == {
        "spaces": ["soc"],
        "cases": {"security": "all"},
        "alerts": {"security": "read"},
    }
    without_indices = {**body, "elasticsearch": {}}
    flat = flatten(without_indices, target)
    assert "alerts" not in flat
    assert flat["kibana"] == [{"spaces": ["soc"], "feature": {"siemV3": ["read"]}}]
