"""The `local` stack under the real engine: no-op runs, drift, and edits applied exactly."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.e2e.conftest import SECRET, local_config, local_stack, writes
from tests.support.deploy import CheckFailed
from tests.support.engine import UnexpectedChanges

AUTH = {"Authorization": f"ApiKey {SECRET}"}


def live_role(sandbox: Sandbox, name: str) -> dict[str, object] | None:
    response = requests.get(
        f"{sandbox.kibana_url}/api/security/role/{name}", headers=AUTH, timeout=5
    )
    return response.json() if response.status_code == 200 else None


def member(sandbox: Sandbox, email: str) -> dict[str, object]:
    url = f"{sandbox.cloud_url}/api/v1/organizations/1000000001/members"
    members = requests.get(url, headers=AUTH, timeout=5).json()["members"]
    return next(m for m in members if m["email"] == email)


def test_a_second_up_sends_no_write_and_preview_expects_no_changes(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path
) -> None:
    stack = local_stack(sandbox, tmp_path)
    assert set(stack.up().changed().values()) == {"create"}
    created = len(writes(kibana))
    declared = local_config(sandbox)
    # 3 invitations (the owner is adopted) and a POST per space
    assert created == len(declared["roles"]) + 3 + len(declared["spaces"])

    assert stack.up().changed() == {}
    stack.preview(expect_no_changes=True)
    stack.preview(refresh=True, expect_no_changes=True)
    assert len(writes(kibana)) == created


def test_drift_fails_the_drift_check_naming_it_and_up_refresh_restores_it(
    sandbox: Sandbox, kibana: Controls, cloud: Controls, tmp_path: Path
) -> None:
    stack = local_stack(sandbox, tmp_path)
    stack.up()
    cloud.accept_invitation("bob@example.com")
    role = live_role(sandbox, "stack-cases-viewer")
    assert role is not None
    role["kibana"][0]["feature"]["generalCasesV3"] = ["all"]  # type: ignore[index]
    kibana.edit_role("stack-cases-viewer", role)
    cloud.set_assignments(str(member(sandbox, "bob@example.com")["user_id"]), {})

    with pytest.raises(UnexpectedChanges):  # `preview --refresh --expect-no-changes` fails
        stack.preview(refresh=True, expect_no_changes=True)
    shown = "\n".join(stack.output)
    assert "stack-cases-viewer" in shown
    assert "bob@example.com" in shown
    assert {k: v for k, v in stack.refresh(preview_only=True).changed().items()} == {
        "bob@example.com": "drift",
        "stack-cases-viewer": "drift",
    }

    kibana.clear_requests()
    assert stack.up(refresh=True).changed() == {
        "bob@example.com": "update",
        "stack-cases-viewer": "update",
    }
    assert live_role(sandbox, "stack-cases-viewer")["kibana"][0]["feature"] == {  # type: ignore[index]
        "generalCasesV3": ["read"]
    }
    assert member(sandbox, "bob@example.com")["role_assignments"]
    stack.preview(refresh=True, expect_no_changes=True)


def test_edits_are_previewed_and_applied_exactly(
    sandbox: Sandbox, kibana: Controls, cloud: Controls, tmp_path: Path
) -> None:
    config = local_config(sandbox)
    local_stack(sandbox, tmp_path, config).up()
    cloud.accept_invitation("carol@example.com")
    local_stack(sandbox, tmp_path, config).refresh()

    edited = copy.deepcopy(config)
    roles = edited["roles"]
    roles["security-cases-viewer"]["cases"] = {"security": "all"}  # Cases access
    roles["soc-assignees"] = roles.pop("security-cases-assignee")  # a rename
    del roles["stack-cases-revoked"]  # a removal
    carol = edited["members"]["carol@example.com"]
    carol["projects"]["elasticsearch"]["projects"]["es-7001"] = "elasticsearch-viewer"
    expected = {
        "security-cases-viewer": "update",
        "soc-assignees": "create",
        "security-cases-assignee": "delete",
        "stack-cases-revoked": "delete",
        "carol@example.com": "update",
    }
    kibana.clear_requests()
    assert local_stack(sandbox, tmp_path, edited).preview().changed() == expected
    assert writes(kibana) == []

    assert local_stack(sandbox, tmp_path, edited).up().changed() == expected
    carol_id = member(sandbox, "carol@example.com")["user_id"]
    sent = sorted(writes(kibana))
    assert sent == sorted(
        [
            ("PUT", "/api/security/role/security-cases-viewer"),
            ("PUT", "/api/security/role/soc-assignees"),
            ("DELETE", "/api/security/role/security-cases-assignee"),
            ("DELETE", "/api/security/role/stack-cases-revoked"),
            ("POST", f"/api/v1/users/{carol_id}/role_assignments"),
            ("DELETE", f"/api/v1/users/{carol_id}/role_assignments"),
        ]
    )
    assert live_role(sandbox, "security-cases-assignee") is None
    assert live_role(sandbox, "soc-assignees") is not None
    assert local_stack(sandbox, tmp_path, edited).preview().changed() == {}


def test_up_without_a_preview_refuses_an_invalid_config_before_any_write(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path
) -> None:
    """`pulumi up --skip-preview` (the automation API, pulumi/actions) checks as the
    resources register: an invalid role must still stop the run before any write."""
    config = local_config(sandbox)
    config["roles"]["r"] = {"cases": {"stack": {"access": "all", "deny": ["cases_delet"]}}}
    stack = local_stack(sandbox, tmp_path, config)
    with pytest.raises(CheckFailed) as failed:
        stack.up(skip_preview=True)
    assert failed.value.failures["program"][0].splitlines() == [
        "the elastic-access stack config has problems:",
        "roles.r.cases.stack.deny[0]: 'cases_delet' is not a sub-feature privilege of "
        "generalCasesV3; allowed: cases_delete, cases_settings, create_comment, case_reopen, "
        "cases_assign",
    ]
    assert writes(kibana) == []
    assert stack.resources() == {}
