"""Kibana spaces as code under both drivers (the real engine is the judge) against the sandbox:
create, update, adopt, refuse to delete, delete with allowDelete, and roles created after the
spaces they grant in (issue 13 section 1; contract section 5)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.conftest import local_stack_config
from tests.deploy.conftest import Stack, StackFactory
from tests.support.deploy import CheckFailed

SECRET = "spaces-s3cret"
HEADERS = {"Authorization": f"ApiKey {SECRET}"}
LEFT = (
    "space {id} was left in the Kibana at {url}: deleting a space deletes every case, dashboard "
    "and other saved object in it, so elastic-access deletes a space only when "
    "elastic-access:spaces.{id} sets allowDelete: true (applied by an up before the space is "
    "removed or destroyed). This stack no longer manages it; delete it in Stack Management > "
    "Spaces if that is what you want."
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET) as running:
        yield running


@pytest.fixture
def kibana(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.kibana_url)


@pytest.fixture
def deployment(new_stack: StackFactory, sandbox: Sandbox) -> Callable[[dict[str, Any]], Stack]:
    def make(config: dict[str, Any]) -> Stack:
        return new_stack(config, secrets={"kibanaApiKey": SECRET})

    return make


def kibana_only(sandbox: Sandbox, **sections: Any) -> dict[str, Any]:
    return {"kibana": {"url": sandbox.kibana_url, "version": "9.1.0"}, **sections}


def spaces(sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    answer = requests.get(f"{sandbox.kibana_url}/api/spaces/space", headers=HEADERS, timeout=5)
    return {s["id"]: s for s in answer.json()}


def writes(kibana: Controls) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in kibana.requests()
        if r["method"] in ("PUT", "POST", "DELETE") and not r["path"].startswith("/_sandbox")
    ]


def test_the_local_stack_creates_its_spaces_before_the_roles_that_grant_in_them(
    sandbox: Sandbox, kibana: Controls, deployment: Callable[[dict[str, Any]], Stack]
) -> None:
    config = local_stack_config()
    config["kibana"] = {**config["kibana"], "url": sandbox.kibana_url}
    del config["cloud"], config["members"]
    plan = deployment(config).up()
    assert {plan.steps[s] for s in ("soc", "observability", "analytics")} == {"create"}
    live = spaces(sandbox)
    assert set(live) == {"default", "soc", "observability", "analytics"}
    assert (live["soc"]["name"], live["soc"]["solution"], live["soc"]["color"]) == (
        "SOC",
        "security",
        "#D36086",
    )
    order = writes(kibana)
    created = order.index(("POST", "/api/spaces/space"))
    assert all(
        order.index(("PUT", f"/api/security/role/{role}")) > created
        for role, spec in config["roles"].items()
        if "soc" in spec.get("spaces", [])
    )
    soc_created = [w for w in order if w[0] == "POST"]
    assert len(soc_created) == 3

    kibana.clear_requests()
    assert deployment(config).up().changed() == {}
    assert deployment(config).refresh().changed() == {}
    assert writes(kibana) == []


def test_an_edit_is_one_update_and_what_the_config_drops_is_reset(
    sandbox: Sandbox, kibana: Controls, deployment: Callable[[dict[str, Any]], Stack]
) -> None:
    soc = {"name": "SOC", "description": "Security operations", "initials": "SO"}
    config = kibana_only(sandbox, spaces={"soc": {**soc, "solution": "security"}})
    deployment(config).up()
    edited = copy.deepcopy(config)
    edited["spaces"]["soc"] = {"name": "SOC", "disabledFeatures": ["ml"]}
    kibana.clear_requests()
    assert deployment(edited).preview().changed() == {"soc": "update"}
    assert deployment(edited).up().changed() == {"soc": "update"}
    live = spaces(sandbox)["soc"]
    assert (live["description"], live["initials"], live["solution"], live["disabledFeatures"]) == (
        "",
        "",
        "classic",
        ["ml"],
    )
    assert writes(kibana) == [("PUT", "/api/spaces/space/soc")]
    assert deployment(edited).preview().changed() == {}
    assert deployment(edited).refresh().changed() == {}


def test_an_existing_space_is_adopted_when_equal_or_with_adopt_and_refused_otherwise(
    sandbox: Sandbox, kibana: Controls, deployment: Callable[[dict[str, Any]], Stack]
) -> None:
    kibana.seed_space("equal", "Equal")
    kibana.seed_space("soc", "Security (made by hand)")
    config = kibana_only(sandbox, spaces={"equal": {"name": "Equal"}, "soc": {"name": "SOC"}})
    with pytest.raises(CheckFailed) as refused:  # at preview, before any write
        deployment(config).up()
    assert (
        "space soc already exists in Kibana with other settings (name); elastic-access does not "
        "overwrite it. Set adopt: true under elastic-access:spaces.soc to take it over (its "
        "settings become the config's), or pick another id."
    ) in str(refused.value)
    assert spaces(sandbox)["soc"]["name"] == "Security (made by hand)"
    assert writes(kibana) == []  # refused at preview: nothing written, the equal one neither

    config["spaces"]["soc"]["adopt"] = True
    assert deployment(config).up().changed() == {"soc": "create", "equal": "create"}
    assert ("PUT", "/api/spaces/space/equal") not in writes(kibana)  # equal: taken as it is
    assert spaces(sandbox)["soc"]["name"] == "SOC"
    assert deployment(config).preview().changed() == {}


def test_removal_and_destroy_leave_a_space_with_a_warning_unless_allow_delete(
    sandbox: Sandbox, kibana: Controls, deployment: Callable[[dict[str, Any]], Stack]
) -> None:
    config = kibana_only(
        sandbox,
        spaces={"soc": {"name": "SOC"}, "lab": {"name": "Lab"}, "tmp": {"name": "Tmp"}},
        roles={"soc-readers": {"spaces": ["soc"], "cases": {"security": "read"}}},
    )
    deployment(config).up()
    kibana.seed_saved_object("soc", "case-1")

    # Removed from config without allowDelete: left in Kibana, with the reason.
    removed = copy.deepcopy(config)
    del removed["spaces"]["lab"]
    stack = deployment(removed)
    kibana.clear_requests()
    assert stack.up().changed() == {"lab": "delete"}
    assert "lab" in spaces(sandbox)
    assert writes(kibana) == []
    assert LEFT.format(id="lab", url=sandbox.kibana_url) in stack.warnings()

    # allowDelete first applied by an up (recorded, nothing sent), then the removal deletes.
    removed["spaces"]["tmp"]["allowDelete"] = True
    assert deployment(removed).up().changed() == {"tmp": "update"}
    assert writes(kibana) == []
    del removed["spaces"]["tmp"]
    assert deployment(removed).up().changed() == {"tmp": "delete"}
    assert writes(kibana) == [("DELETE", "/api/spaces/space/tmp")]
    assert "tmp" not in spaces(sandbox)

    # Destroy: the role goes, soc (and the case saved in it) stays.
    stack = deployment(removed)
    kibana.clear_requests()
    assert stack.destroy().changed() == {"soc": "delete", "soc-readers": "delete"}
    assert writes(kibana) == [("DELETE", "/api/security/role/soc-readers")]
    assert "soc" in spaces(sandbox)
    assert kibana.state()["saved_objects"]["soc"] == [{"type": "cases", "id": "case-1"}]
    assert LEFT.format(id="soc", url=sandbox.kibana_url) in stack.warnings()
    assert deployment(removed).resources() == {}
