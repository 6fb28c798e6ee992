"""`pulumi up / preview / refresh / destroy` played over the real program, the real provider
host and the sandbox, with the `local` stack's config (pointed at a sandbox on free ports)."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.conftest import local_stack_config
from tests.deploy.conftest import Stack, StackFactory
from tests.support.deploy import CheckFailed
from tests.support.provider_host import ProviderError

SECRET = "l0cal-stack-s3cret"
WRITES = ("PUT", "POST", "DELETE")


def local_config(sandbox: Sandbox) -> dict[str, Any]:
    config = local_stack_config()
    config["kibana"] = {**config["kibana"], "url": sandbox.kibana_url}
    config["cloud"] = {**config["cloud"], "url": sandbox.cloud_url}
    return config


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET) as running:
        yield running


@pytest.fixture
def kibana(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.kibana_url)


@pytest.fixture
def cloud(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.cloud_url)


@pytest.fixture
def deployment(new_stack: StackFactory) -> Callable[..., Stack]:
    """``deployment(sandbox, config=None)``: the stack with the local config (or ``config``),
    its credentials set as secrets."""

    def make(sandbox: Sandbox, config: dict[str, Any] | None = None) -> Stack:
        secrets = {"kibanaApiKey": SECRET, "cloudApiKey": SECRET}
        return new_stack(config or local_config(sandbox), secrets=secrets)

    return make


def api_writes(controls: Controls, *_: Controls) -> list[dict[str, Any]]:
    """Kibana and Cloud writes: the sandbox keeps one request log for both."""
    return [
        r
        for r in controls.requests()
        if r["method"] in WRITES and not r["path"].startswith("/_sandbox")
    ]


def roles(sandbox: Sandbox) -> dict[str, Any]:
    response = requests.get(
        f"{sandbox.kibana_url}/api/security/role",
        headers={"Authorization": f"ApiKey {SECRET}"},
        timeout=5,
    )
    return {r["name"]: r for r in response.json()}


def cloud_list(sandbox: Sandbox, what: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{sandbox.cloud_url}/api/v1/organizations/1000000001/{what}",
        headers={"Authorization": f"ApiKey {SECRET}"},
        timeout=5,
    )
    return list(response.json()[what])


def test_up_from_empty_then_a_second_up_writes_nothing_and_preview_names_edits(
    sandbox: Sandbox, kibana: Controls, cloud: Controls, deployment: Callable[..., Stack]
) -> None:
    config = local_config(sandbox)
    stack = deployment(sandbox, config)
    plan = stack.up()
    assert set(plan.changed().values()) == {"create"}
    assert set(config["roles"]) <= set(roles(sandbox))
    invited = {i["email"] for i in cloud_list(sandbox, "invitations")}
    assert invited == {"alice@example.com", "bob@example.com", "carol@example.com"}

    before = len(api_writes(kibana, cloud))
    assert deployment(sandbox, config).up().changed() == {}
    assert len(api_writes(kibana, cloud)) == before

    edited = copy.deepcopy(config)
    edited["roles"]["security-cases-viewer"]["cases"] = {"security": "all"}
    edited["members"]["alice@example.com"]["organization"] = ["billing-admin", "organization-admin"]
    assert deployment(sandbox, edited).preview().changed() == {
        "alice@example.com": "update",
        "security-cases-viewer": "update",
    }
    assert len(api_writes(kibana, cloud)) == before


def test_drift_is_found_by_refresh_and_undone_by_up(
    sandbox: Sandbox, kibana: Controls, cloud: Controls, deployment: Callable[..., Stack]
) -> None:
    deployment(sandbox).up()
    cloud.accept_invitation("bob@example.com")
    # Accepting an invitation changes no declared role: refresh records it, but it is no drift
    # (the engine diffs the refreshed state against the declaration through the provider).
    stack = deployment(sandbox)
    assert stack.refresh().changed() == {}
    assert stack.resources()["bob@example.com"]["outputs"]["status"] == "active"
    assert deployment(sandbox).up().changed() == {}

    role = roles(sandbox)["stack-cases-viewer"]
    role["kibana"][0]["feature"]["generalCasesV3"] = ["all"]
    kibana.edit_role("stack-cases-viewer", role)
    bob = next(m for m in cloud_list(sandbox, "members") if m["email"] == "bob@example.com")
    cloud.set_assignments(bob["user_id"], {})

    drift = deployment(sandbox).refresh().changed()
    assert drift == {"bob@example.com": "drift", "stack-cases-viewer": "drift"}
    assert deployment(sandbox).up().changed() == {
        "bob@example.com": "update",
        "stack-cases-viewer": "update",
    }
    assert roles(sandbox)["stack-cases-viewer"]["kibana"][0]["feature"] == {
        "generalCasesV3": ["read"]
    }
    assert deployment(sandbox).refresh().changed() == {}
    assert deployment(sandbox).preview().changed() == {}


# Invalid configs: (section, name, value) and a part of the message. All but the marked one
# are known offline, so the program refuses them before it declares any resource.
INVALID: list[tuple[tuple[str, str, Any], str]] = [
    (("roles", "r", {"cases": {"secutiry": "all"}}), "roles.r.cases.secutiry"),
    (("roles", "r", {"cases": {"security": "al"}}), "roles.r.cases.security"),
    (
        ("roles", "r", {"cases": {"stack": {"access": "all", "deny": ["cases_delet"]}}}),
        "cases_delete",
    ),
    (("roles", "r", {"spaces": ["SOC"], "cases": {"security": "all"}}), "roles.r.spaces[0]"),
    (
        (
            "roles",
            "r",
            {"kibana": [{"spaces": ["*"], "base": ["read"], "feature": {"actions": ["all"]}}]},
        ),
        "isn't allowed when non-empty [base]",
    ),
    (("roles", "superuser", {"cases": {"security": "read"}}), "reserved"),
    (("roles", "r", {"cases": {"security": "read"}, "metadata": {"_owner": "x"}}), "_owner"),
    (("roles", "r", {"elasticsearch": {"cluster": ["monitr"]}}), "did you mean monitor"),
    (("members", "not-an-email", {"organization": "billing-admin"}), "not-an-email"),
    (("members", "x@example.com", {"projects": {"security": {"all": "editor"}}}), "editor"),
    (
        (
            "members",
            "x@example.com",
            {"projects": {"security": {"all": "viewer", "projects": {"a": "viewer"}}}},
        ),
        "Role for all",
    ),
]
# Known only to the live Kibana's privileges API: refused by the provider's check.
LIVE_ONLY = [
    (("roles", "r", {"kibana": [{"spaces": ["*"], "feature": {"cases": ["all"]}}]}), "cases"),
]


def with_edit(sandbox: Sandbox, edit: tuple[str, str, Any]) -> dict[str, Any]:
    config = local_config(sandbox)
    section, name, value = edit
    config[section] = {**config[section], name: value}
    return config


@pytest.mark.parametrize(("edit", "message"), INVALID + LIVE_ONLY)
def test_an_invalid_config_fails_before_any_write(
    sandbox: Sandbox,
    kibana: Controls,
    cloud: Controls,
    deployment: Callable[..., Stack],
    edit: tuple[str, str, Any],
    message: str,
) -> None:
    with pytest.raises((CheckFailed, pulumi.RunError)) as failed:
        deployment(sandbox, with_edit(sandbox, edit)).up()
    assert message in str(failed.value)
    assert api_writes(kibana, cloud) == []


@pytest.mark.parametrize(("edit", "message"), INVALID)
def test_up_without_a_preview_refuses_an_offline_mistake_before_declaring_anything(
    sandbox: Sandbox,
    kibana: Controls,
    cloud: Controls,
    deployment: Callable[..., Stack],
    edit: tuple[str, str, Any],
    message: str,
) -> None:
    """`pulumi up --skip-preview` (the automation API, pulumi/actions) checks each resource as
    it registers: the program refuses the whole config first, so no other role or member is
    created before the bad one is found (issue 10)."""
    stack = deployment(sandbox, with_edit(sandbox, edit))
    with pytest.raises((CheckFailed, pulumi.RunError)) as failed:
        stack.up(skip_preview=True)
    assert "the elastic-access stack config has problems:" in str(failed.value)
    assert message in str(failed.value)
    assert api_writes(kibana, cloud) == []
    assert stack.resources() == {}


def test_faults_during_up_converge_without_loss_or_duplicates(
    sandbox: Sandbox, kibana: Controls, cloud: Controls, deployment: Callable[..., Stack]
) -> None:
    kibana.fault(r"^/api/security/role/", "PUT", status=503, count=3)
    kibana.fault(r"^/api/security/role/", "PUT", status="drop", count=1)
    cloud.fault(r"/invitations$", "POST", status=429, count=2, retry_after=1)
    cloud.fault(r"/invitations$", "POST", status="drop", count=1)
    with contextlib.suppress(ProviderError):  # a clean failure: what was done is in the state
        deployment(sandbox).up()
    deployment(sandbox).up()
    assert deployment(sandbox).up().changed() == {}
    emails = [i["email"] for i in cloud_list(sandbox, "invitations")]
    assert sorted(emails) == ["alice@example.com", "bob@example.com", "carol@example.com"]
    declared = local_config(sandbox)
    assert len(deployment(sandbox).resources()) == len(declared["roles"]) + 4 + len(
        declared["spaces"]
    )


def test_a_member_invited_accepted_given_a_role_then_removed(
    sandbox: Sandbox, cloud: Controls, deployment: Callable[..., Stack]
) -> None:
    config = local_config(sandbox)
    config["roles"] = {}
    config["members"] = {"dana@example.com": {"organization": "billing-admin"}}
    deployment(sandbox, config).up()
    assert [i["email"] for i in cloud_list(sandbox, "invitations")] == ["dana@example.com"]
    cloud.accept_invitation("dana@example.com")
    config["members"]["dana@example.com"]["projects"] = {"security": {"all": "security-editor"}}
    assert deployment(sandbox, config).up().changed() == {"dana@example.com": "update"}
    dana = next(m for m in cloud_list(sandbox, "members") if m["email"] == "dana@example.com")
    assert dana["role_assignments"]["project"]["security"][0]["role_id"] == "security-editor"
    config["members"] = {}
    assert deployment(sandbox, config).up().changed() == {"dana@example.com": "delete"}
    assert [m["email"] for m in cloud_list(sandbox, "members")] == ["owner@sandbox.example"]


def test_destroy_leaves_the_sandbox_as_it_started_and_state_holds_no_credential(
    sandbox: Sandbox, deployment: Callable[..., Stack]
) -> None:
    start_roles, start_members = roles(sandbox), cloud_list(sandbox, "members")
    stack = deployment(sandbox)
    stack.up()
    assert SECRET not in stack.saved_text()
    deployment(sandbox).refresh()
    assert SECRET not in stack.saved_text()
    deployment(sandbox).destroy()
    assert roles(sandbox) == start_roles
    assert cloud_list(sandbox, "members") == start_members
    assert cloud_list(sandbox, "invitations") == []
    assert deployment(sandbox).resources() == {}


def test_after_a_kibana_upgrade_up_moves_each_role_to_the_new_cases_ids(
    new_stack: StackFactory, tmp_path: Path
) -> None:
    world = tmp_path / "sandbox.json"
    config: dict[str, Any] = {
        "roles": {
            "soc": {"spaces": ["soc"], "cases": {"security": "all"}},
            "monitoring": {"elasticsearch": {"cluster": ["monitor"]}},
        }
    }

    def on(sandbox: Sandbox) -> Stack:
        stack = {**config, "kibana": {"url": sandbox.kibana_url}}
        return new_stack(stack, secrets={"kibanaApiKey": SECRET})

    with Sandbox(profile="8.17.0", api_key=SECRET, state_file=world) as old:
        on(old).up()
        assert roles(old)["soc"]["kibana"][0]["feature"] == {"securitySolutionCasesV2": ["all"]}
    with Sandbox(profile="9.1.0", api_key=SECRET, state_file=world) as new:
        assert on(new).preview().changed() == {"soc": "update"}
        on(new).up()
        assert roles(new)["soc"]["kibana"][0]["feature"] == {"securitySolutionCasesV3": ["all"]}
        assert on(new).preview().changed() == {}
