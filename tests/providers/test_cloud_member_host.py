"""The organization member provider through the real provider host against the sandbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from components.providers.cloud_roster import CloudRosterProvider
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.providers.conftest import MEMBER, ORG, cloud_host, count, member_props
from tests.support.provider_host import ProviderError, ProviderHost, provider_blob

ROSTER = "pulumi-python:dynamic/cloud:Roster"
BOB = "bob@example.com"
THREE: dict[str, Any] = {
    "projects": {
        "observability": {
            "projects": {
                "abc123": "observability-editor",
                "def456": "observability-editor",
                "ghi789": "observability-editor",
            }
        }
    }
}


def cloud_get(sandbox: Sandbox, path: str, key: str = "sandbox") -> Any:
    response = requests.get(
        f"{sandbox.cloud_url}/api/v1/organizations/{ORG}/{path}",
        headers={"Authorization": f"ApiKey {key}"},
        timeout=5,
    )
    response.raise_for_status()
    return response.json()


def member_of(sandbox: Sandbox, email: str) -> dict[str, Any] | None:
    members = cloud_get(sandbox, "members")["members"]
    return next((m for m in members if m["email"].lower() == email.lower()), None)


def invitations_of(sandbox: Sandbox, email: str, key: str = "sandbox") -> list[dict[str, Any]]:
    found = cloud_get(sandbox, "invitations", key)["invitations"]
    return [i for i in found if i["email"].lower() == email.lower()]


def up(host: ProviderHost, email: str, member: dict[str, Any], olds: Any = None, **kw: Any) -> Any:
    """Check, then create (no olds) or diff + update: returns (checked, outputs, changed)."""
    checked, failures = host.check(MEMBER, email, olds or {}, member_props(email, member, **kw))
    assert failures == []
    if olds is None:
        return checked, host.create(MEMBER, email, checked)[1], True
    diff = host.diff(MEMBER, email, email, olds, checked)
    if not diff.changes:
        return checked, olds, False
    return checked, host.update(MEMBER, email, email, olds, checked), True


def list_requests(controls: Controls) -> tuple[int, int]:
    """How many times the organization's members and its invitations were listed so far."""
    organization = f"/api/v1/organizations/{ORG}"
    return (
        count(controls, "GET", f"{organization}/members"),
        count(controls, "GET", f"{organization}/invitations"),
    )


def assignment_writes(controls: Controls, method: str) -> list[dict[str, Any]]:
    return [
        r
        for r in controls.requests()
        if r["method"] == method and r["path"].endswith("/role_assignments")
    ]


def test_invite_accept_then_change_roles_by_the_smallest_atoms(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    with cloud_host(sandbox) as host:
        _, outs, _ = up(host, BOB, THREE)
        assert outs["status"] == "pending" and outs.get("userId") is None
        assert outs["expiresAt"]
        (invitation,) = invitations_of(sandbox, BOB)
        assert "token" not in json.dumps(outs) and invitation["token"] not in json.dumps(outs)

    cloud_controls.accept_invitation(BOB)
    with cloud_host(sandbox) as host:
        _, read_outs, _ = host.read(MEMBER, BOB, BOB, outs)
        assert read_outs["status"] == "active" and read_outs["userId"]
        _, same, changed = up(host, BOB, THREE, olds=read_outs)
        assert not changed

        before_posts = len(assignment_writes(cloud_controls, "POST"))
        with_security = {
            **THREE,
            "projects": {**THREE["projects"], "security": {"all": "security-viewer"}},
        }
        _, outs, changed = up(host, BOB, with_security, olds=same)
        assert changed
    posts = assignment_writes(cloud_controls, "POST")[before_posts:]
    assert len(posts) == 1 and assignment_writes(cloud_controls, "DELETE") == []
    live = member_of(sandbox, BOB)["role_assignments"]["project"]
    assert {e["role_id"] for e in live["security"]} == {"security-viewer"}

    two = {"projects": {"observability": {"projects": {"abc123": "observability-editor",
                                                       "ghi789": "observability-editor"}},
                        "security": {"all": "security-viewer"}}}  # fmt: skip
    with cloud_host(sandbox) as host:
        _, outs, _ = up(host, BOB, two, olds=outs)
    deletes = assignment_writes(cloud_controls, "DELETE")
    assert len(deletes) == 1
    ids = sorted(
        i for e in member_of(sandbox, BOB)["role_assignments"]["project"]["observability"]
        for i in e.get("project_ids") or []
    )  # fmt: skip
    assert ids == ["abc123", "ghi789"]


def test_switching_a_type_from_individual_to_all_and_changing_application_roles(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    user_id = cloud_controls.seed_member(BOB, {})
    with cloud_host(sandbox) as host:
        _, outs, _ = up(host, BOB, {**THREE, "adopt": True})
        assert outs["status"] == "active" and outs["userId"] == user_id
        everything = {"projects": {"observability": {"all": "observability-viewer"}}}
        _, outs, _ = up(host, BOB, everything, olds=outs)
        custom = {
            "projects": {
                "observability": {
                    "all": {"role": "observability-viewer", "applicationRoles": ["logs_reader"]}
                }
            }
        }
        _, outs, changed = up(host, BOB, custom, olds=outs)
        assert changed
    (entry,) = member_of(sandbox, BOB)["role_assignments"]["project"]["observability"]
    assert entry["all"] is True and entry["application_roles"] == ["logs_reader"]


def test_a_hidden_project_id_gives_a_message_naming_it(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    cloud_controls.seed_member(BOB, {})
    cloud_controls.hide_ids(["ghi789"])
    with cloud_host(sandbox) as host:
        checked, _ = host.check(MEMBER, BOB, {}, member_props(BOB, {**THREE, "adopt": True}))
        with pytest.raises(ProviderError) as refused:
            host.create(MEMBER, BOB, checked)
    assert "ghi789" in refused.value.message
    assert "unauthorized_role_assignments" in refused.value.message


def test_a_pending_member_whose_roles_change_is_invited_again(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    with cloud_host(sandbox) as host:
        _, outs, _ = up(host, BOB, THREE)
        first = invitations_of(sandbox, BOB)[0]["token"]
        _, outs, changed = up(host, BOB, {"organization": "billing-admin"}, olds=outs)
    assert changed and outs["status"] == "pending"
    (again,) = invitations_of(sandbox, BOB)
    assert again["token"] != first
    assert again["role_assignments"]["organization"][0]["role_id"] == "billing-admin"


def test_an_expired_invitation_is_drift_and_is_issued_again(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    with cloud_host(sandbox) as host:
        _, outs, _ = up(host, BOB, THREE, expires="1d")
    cloud_controls.advance_clock(2 * 86400)
    with cloud_host(sandbox) as host:
        _, read_outs, _ = host.read(MEMBER, BOB, BOB, outs)
        assert read_outs["status"] == "expired"
        _, outs, changed = up(host, BOB, THREE, olds=read_outs, expires="1d")
    assert changed and outs["status"] == "pending"
    (fresh,) = invitations_of(sandbox, BOB)
    assert fresh["expired"] is False


def test_delete_removes_invitation_or_membership_but_never_a_protected_member(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    with cloud_host(sandbox) as host:
        _, pending, _ = up(host, BOB, THREE)
        host.delete(MEMBER, BOB, BOB, pending)
        assert invitations_of(sandbox, BOB) == []

        cloud_controls.seed_member("carol@example.com", {})
        billing = {"organization": "billing-admin", "adopt": True}
        _, active, _ = up(host, "carol@example.com", billing)
        host.delete(MEMBER, "carol@example.com", "carol@example.com", active)
        assert member_of(sandbox, "carol@example.com") is None

        owner = "owner@sandbox.example"
        _, kept, _ = up(host, owner, {"organization": "organization-admin"}, protected=True)
        host.delete(MEMBER, owner, owner, kept)  # forgotten by the stack, still a member
        assert member_of(sandbox, owner) is not None
        with pytest.raises(ProviderError) as refused:
            host.delete(MEMBER, owner, owner, {**kept, "protected": False})
        assert "last organization-admin" in refused.value.message

        _, failures = host.check(
            MEMBER, owner, kept, member_props(owner, {"organization": "billing-admin"}, True)
        )
        assert failures and "never demotes" in failures[0][1]
        unprotected = member_props(owner, {"organization": "billing-admin"})
        _, failures = host.check(MEMBER, owner, kept, unprotected)
        assert failures == [
            (
                "member",
                "members.owner@sandbox.example: this up would leave organization 1000000001 "
                "without an organization-admin, so nobody could manage its members and billing: "
                "owner@sandbox.example loses it (members.owner@sandbox.example.organization no "
                "longer grants organization-admin). Any one of these resolves it: keep "
                "organization-admin in members.owner@sandbox.example.organization; give "
                "organization-admin to another active member under members.",
            )
        ]
    assert member_of(sandbox, owner) is not None


def test_authoritative_mode_lists_then_removes_the_undeclared_but_not_the_protected(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    cloud_controls.seed_member("stranger@example.com", {})
    cloud_controls.seed_invitation("invitee@example.com", {})
    props = {
        "__provider": provider_blob(CloudRosterProvider()),
        "organizationId": ORG,
        "declared": ["bob@example.com"],
        "protect": ["owner@sandbox.example"],
    }
    with cloud_host(sandbox) as host:
        checked, failures = host.check(ROSTER, "organization-roster", {}, props)
        assert failures == []
        assert checked["undeclared"] == ["invitee@example.com", "stranger@example.com"]
        _, outs = host.create(ROSTER, "organization-roster", checked)
        assert outs["removed"] == ["invitee@example.com", "stranger@example.com"]
    with cloud_host(sandbox) as host:
        again, _ = host.check(ROSTER, "organization-roster", outs, props)
        assert again["undeclared"] == []
        assert host.diff(ROSTER, "organization-roster", ORG, outs, again).changes is False
    assert member_of(sandbox, "stranger@example.com") is None
    assert member_of(sandbox, "owner@sandbox.example") is not None


def test_invitation_rate_limit_is_waited_out(sandbox: Sandbox, cloud_controls: Controls) -> None:
    cloud_controls.fault(r"/invitations$", "POST", status=429, count=1, retry_after=1)
    with cloud_host(sandbox) as host:
        _, outs, _ = up(host, BOB, THREE)
    assert outs["status"] == "pending"
    assert len(invitations_of(sandbox, BOB)) == 1


def test_refreshing_many_members_costs_two_list_requests(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    emails = [f"user{i}@example.com" for i in range(6)]
    with cloud_host(sandbox) as host:
        created = {e: up(host, e, {"organization": "billing-admin"})[1] for e in emails}
    before = list_requests(cloud_controls)
    with cloud_host(sandbox) as host:
        for email in emails:
            assert host.read(MEMBER, email, email, created[email])[1]["status"] == "pending"
    after = list_requests(cloud_controls)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


def test_no_credential_or_token_in_outputs() -> None:
    secret = "s3cr3t-cloud-key"
    with Sandbox(controls=True, api_key=secret) as sandbox, cloud_host(sandbox, key=secret) as h:
        _, outs, _ = up(h, BOB, THREE)
        (invitation,) = invitations_of(sandbox, BOB, key=secret)
    dumped = json.dumps(outs)
    assert secret not in dumped and invitation["token"] not in dumped


def test_a_wrong_cloud_key_is_a_check_failure_that_says_what_to_do(sandbox: Sandbox) -> None:
    with cloud_host(sandbox, key="wr0ng-cloud-key") as host:
        _, failures = host.check(MEMBER, BOB, {}, member_props(BOB, THREE))
    ((_, reason),) = failures
    assert "401 Unauthorized" in reason and "Check the API key" in reason
    assert "wr0ng-cloud-key" not in reason


def test_shuffled_members_and_ids_read_back_with_no_diff() -> None:
    with Sandbox(controls=True, shuffle=True) as sandbox:
        controls = Controls(sandbox.cloud_url)
        controls.seed_member(BOB, {})
        with cloud_host(sandbox) as host:
            checked, outs, _ = up(host, BOB, {**THREE, "adopt": True})
        for _ in range(3):
            with cloud_host(sandbox) as host:
                _, read_outs, _ = host.read(MEMBER, BOB, BOB, outs)
                assert host.diff(MEMBER, BOB, BOB, read_outs, checked).changes is False


def test_a_hidden_id_that_stays_does_not_block_other_changes(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    """terraform-provider-ec#1041: only the atoms that change are sent, so a shut-down
    deployment still in the member's assignments is never named in a request."""
    cloud_controls.seed_member(BOB, {})
    with cloud_host(sandbox) as host:
        _, outs, _ = up(host, BOB, {**THREE, "adopt": True})
    cloud_controls.hide_ids(["ghi789"])
    fewer = {
        "projects": {
            "observability": {
                "projects": {"abc123": "observability-viewer", "ghi789": "observability-editor"}
            }
        }
    }
    with cloud_host(sandbox) as host:
        _, outs, changed = up(host, BOB, fewer, olds=outs)
    assert changed
    live = member_of(sandbox, BOB)["role_assignments"]["project"]["observability"]
    held = sorted((e["role_id"], i) for e in live for i in e.get("project_ids") or [])
    assert held == [("observability-editor", "ghi789"), ("observability-viewer", "abc123")]


def test_an_existing_member_can_be_imported_from_its_email_alone(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    cloud_controls.seed_member(
        BOB, {"organization": [{"role_id": "billing-admin", "organization_id": ORG}]}
    )
    with cloud_host(sandbox) as host:
        props = {"__provider": member_props(BOB, {})["__provider"]}
        id_, outs, inputs = host.read(MEMBER, BOB, BOB, props)
    assert id_ == BOB and outs["status"] == "active"
    assert outs["assignments"] == {
        "billing-admin on the organization": {
            "role": "billing-admin",
            "scope": "organization",
            "target": ORG,
        }
    }
    assert inputs is not None and inputs["organizationId"] == ORG


def test_an_authoritative_refresh_lists_members_and_invitations_once_for_both_providers(
    sandbox: Sandbox, cloud_controls: Controls
) -> None:
    emails = [f"user{i}@example.com" for i in range(3)]
    with cloud_host(sandbox) as host:
        created = {e: up(host, e, {"organization": "billing-admin"})[1] for e in emails}
    roster = {
        "__provider": provider_blob(CloudRosterProvider()),
        "organizationId": ORG,
        "declared": emails,
        "protect": ["owner@sandbox.example"],
        "undeclared": [],
    }
    before = list_requests(cloud_controls)
    with cloud_host(sandbox) as host:
        for email in emails:
            host.read(MEMBER, email, email, created[email])
        assert host.read(ROSTER, "organization-roster", ORG, roster)[1]["undeclared"] == []
    after = list_requests(cloud_controls)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
