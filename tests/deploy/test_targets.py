"""A role or space lives on one target (issue 11 section 1; pulumi/pulumi#716): each records
the Elasticsearch cluster behind Kibana (``GET /api/stats`` cluster_uuid) and the URL. Another
URL to the same cluster changes nothing; another cluster is a replacement shown at preview
(create on the new cluster, delete where it lives), and when the old cluster cannot be reached
the up fails naming it and the role, with the state still true. Two sandboxes are two
clusters; a sandbox given the other's uuid is a second Kibana of the same cluster."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.deploy.conftest import Stack, StackFactory
from tests.support.engine import EngineDeployment, require_engine
from tests.support.provider_host import ProviderError

SECRET = "targets-s3cret"
SECRETS = {"kibanaApiKey": SECRET}
HEADERS = {"Authorization": f"ApiKey {SECRET}"}
READERS = {"spaces": ["soc"], "cases": {"security": "read"}}


@pytest.fixture
def a() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET, cluster_uuid="cluster-a") as running:
        yield running


@pytest.fixture
def b() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET, cluster_uuid="cluster-b") as running:
        yield running


def config(sandbox: Sandbox, *roles: str, spaces: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "kibana": {"url": sandbox.kibana_url},
        "roles": {role: READERS for role in roles},
        "spaces": spaces or {"soc": {"name": "SOC"}},
    }


def writes(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in Controls(sandbox.kibana_url).requests()
        if r["method"] in ("PUT", "POST", "DELETE") and not r["path"].startswith("/_sandbox")
    ]


def role_names(sandbox: Sandbox) -> set[str]:
    answer = requests.get(f"{sandbox.kibana_url}/api/security/role", headers=HEADERS, timeout=5)
    return {r["name"] for r in answer.json() if not r.get("metadata", {}).get("_reserved")}


@pytest.fixture
def deployment(new_stack: StackFactory) -> Callable[[dict[str, Any]], Stack]:
    def make(stack_config: dict[str, Any]) -> Stack:
        return new_stack(stack_config, secrets=SECRETS)

    return make


def test_another_cluster_is_a_replacement_and_a_dropped_role_is_deleted_where_it_lives(
    a: Sandbox, b: Sandbox, deployment: Callable[[dict[str, Any]], Stack]
) -> None:
    deployment(config(a, "soc-readers", "gone-role")).up()
    assert role_names(a) == {"soc-readers", "gone-role"}
    saved = deployment(config(a)).resources()["gone-role"]["outputs"]["target"]
    assert saved == {"url": a.kibana_url, "cluster": "cluster-a"}
    Controls(a.kibana_url).clear_requests()

    moved = config(b, "soc-readers")
    assert deployment(moved).preview().changed() == {
        "gone-role": "delete",
        "soc": "replace",
        "soc-readers": "replace",
    }
    assert writes(a) == writes(b) == []

    stack = deployment(moved)
    assert stack.up().changed() == {
        "gone-role": "delete",
        "soc": "replace",
        "soc-readers": "replace",
    }
    assert sorted(writes(b)) == [
        ("POST", "/api/spaces/space"),
        ("PUT", "/api/security/role/soc-readers"),
    ]
    assert sorted(writes(a)) == [
        ("DELETE", "/api/security/role/gone-role"),
        ("DELETE", "/api/security/role/soc-readers"),
    ]  # the space soc stays on A: it has no allowDelete
    assert role_names(a) == set()
    assert role_names(b) == {"soc-readers"}
    assert any(
        w.startswith(f"space soc was left in the Kibana at {a.kibana_url}")
        for w in stack.warnings()
    )
    assert deployment(moved).preview().changed() == {}
    targets = {n: r["outputs"]["target"] for n, r in deployment(moved).resources().items()}
    assert targets == {n: {"url": b.kibana_url, "cluster": "cluster-b"} for n in targets}


def test_another_url_to_the_same_cluster_changes_nothing(
    a: Sandbox, deployment: Callable[[dict[str, Any]], Stack]
) -> None:
    with Sandbox(controls=True, api_key=SECRET, cluster_uuid="cluster-a") as front:
        deployment(config(a, "soc-readers")).up()
        Controls(a.kibana_url).clear_requests()
        assert deployment(config(front, "soc-readers")).preview().changed() == {}
        assert deployment(config(front, "soc-readers")).up().changed() == {}
        assert writes(a) == writes(front) == []


def test_an_unreachable_old_cluster_fails_the_up_naming_it_and_the_state_stays_true(
    tmp_path: Path, b: Sandbox
) -> None:
    """Real engine only: the engine keeps a replaced resource it could not delete as pending
    deletion, which is what "the state stays true" means (the stand-in has no such record)."""
    require_engine()
    world = tmp_path / "a.json"
    a = Sandbox(api_key=SECRET, cluster_uuid="cluster-a", state_file=world).start()
    url = a.kibana_url
    port = int(url.rsplit(":", 1)[1])
    stack = EngineDeployment(
        config(a, "soc-readers", "gone-role"), tmp_path / "engine", secrets=SECRETS
    )
    stack.up()
    a.stop()

    moved = EngineDeployment(config(b, "soc-readers"), tmp_path / "engine")
    with pytest.raises(ProviderError) as failed:
        moved.up()
    for role in ("gone-role", "soc-readers"):
        assert (
            f"role {role} lives on the Elasticsearch cluster cluster-a behind {url}, "
            "which elastic-access cannot reach now (GET /api/status got no answer"
        ) in failed.value.details
    assert (
        f"the stack's state still holds role gone-role, so the next up tries again: make "
        f"{url} answer with the current credentials, or, if that cluster is gone for "
        "good, forget role gone-role with pulumi state delete and its URN (pulumi stack "
        "--show-urns lists them)."
    ) in failed.value.details
    assert role_names(b) == {"soc-readers"}  # the new cluster has what the config declares
    kept = [r for r in moved.exported()["resources"] if "Role::" in r["urn"]]
    assert sorted((r["urn"].rsplit("::", 1)[1], bool(r.get("delete"))) for r in kept) == [
        ("gone-role", False),
        ("soc-readers", False),
        ("soc-readers", True),  # the old one, pending deletion on cluster-a
    ]

    with Sandbox(api_key=SECRET, state_file=world, kibana_port=port) as back:
        assert role_names(back) == {"soc-readers", "gone-role"}
        # The pending deletion and the dropped role, now that cluster-a answers again.
        changed = moved.up().changed()
        assert (changed["gone-role"], changed["soc-readers"]) == ("delete", "replace")
        assert role_names(back) == set()
    assert moved.preview().changed() == {}


def test_a_url_that_now_reaches_another_cluster_never_deletes_there(
    tmp_path: Path, a: Sandbox
) -> None:
    require_engine()
    stack = EngineDeployment(config(a, "soc-readers"), tmp_path / "engine", secrets=SECRETS)
    stack.up()
    Controls(a.kibana_url).set_cluster_uuid("cluster-c")  # same URL, another cluster behind it
    assert stack.preview().changed() == {"soc": "replace", "soc-readers": "replace"}
    with pytest.raises(ProviderError) as failed:
        stack.up()
    assert (
        f"role soc-readers lives on the Elasticsearch cluster cluster-a behind {a.kibana_url}, "
        f"which elastic-access cannot reach now ({a.kibana_url} now reaches the Elasticsearch "
        f"cluster cluster-c behind {a.kibana_url})"
    ) in failed.value.details
    assert role_names(a) == {"soc-readers"}  # what the replacement created is not deleted
    assert ("DELETE", "/api/security/role/soc-readers") not in writes(a)
