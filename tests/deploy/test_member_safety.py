"""Organization members under both drivers (the real engine with parallel steps, and the
stand-in), against a sandbox whose own last-admin refusal is off: issue 10 sections 1, 2 and 6,
issue 11 sections 1 and 2."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.deploy.conftest import Stack, StackFactory
from tests.support.deploy import CheckFailed
from tests.support.organization import admins as organization_admins
from tests.support.organization import listed as organization_list
from tests.support.provider_host import ProviderError

SECRET = "members-s3cret"
ORG, OTHER_ORG = "1000000001", "1000000002"
OWNER_ID = "2000000001"
OWNER, ALICE, BOB, CAROL = (
    "owner@sandbox.example",
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
)
ADMIN = {"organization": "organization-admin"}
BILLING = {"organization": "billing-admin"}
WRITES = ("PUT", "POST", "DELETE")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET) as running:
        Controls(running.cloud_url).server_guards(last_admin=False)
        yield running


@pytest.fixture
def cloud(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.cloud_url)


def config(sandbox: Sandbox, members: dict[str, Any], **cloud: Any) -> dict[str, Any]:
    settings = {"url": sandbox.cloud_url, "organizationId": ORG, **cloud}
    return {"cloud": settings, "members": members}


def stack(new_stack: StackFactory, stack_config: dict[str, Any]) -> Stack:
    """The stack with this config, its key as a secret, up to 8 steps at once."""
    return new_stack(stack_config, secrets={"cloudApiKey": SECRET}, parallel=8)


def listed(sandbox: Sandbox, what: str, organization: str = ORG) -> list[dict[str, Any]]:
    return organization_list(sandbox, what, SECRET, organization)


def admins(sandbox: Sandbox) -> list[str]:
    return organization_admins(sandbox, SECRET)


def writes(cloud: Controls) -> list[dict[str, Any]]:
    return [
        r
        for r in cloud.requests()
        if r["method"] in WRITES and not r["path"].startswith("/_sandbox")
    ]


def text(error: BaseException) -> str:
    """Everything an error says: the engine's ProviderError keeps its diagnostics in
    ``details`` (its message is the last line, "update failed")."""
    return str(getattr(error, "details", "")) + str(error)


def alice_and_bob_are_the_admins(cloud: Controls) -> None:
    cloud.seed_member(ALICE, ["organization-admin"])
    cloud.seed_member(BOB, ["organization-admin"])
    cloud.set_assignments(OWNER_ID, ["billing-admin"])


# ---------------------------------------------------------------- the last organization admin


def test_an_up_demoting_both_admins_is_refused_at_preview(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory
) -> None:
    alice_and_bob_are_the_admins(cloud)
    stack(new_stack, config(sandbox, {ALICE: ADMIN, BOB: ADMIN})).up()
    demoted = config(sandbox, {ALICE: BILLING, BOB: BILLING})
    before = len(writes(cloud))
    for run in ("preview", "up"):
        with pytest.raises(CheckFailed) as refused:
            getattr(stack(new_stack, demoted), run)()
        # The engine stops at the first refused check; each refusal names both admins.
        assert set(refused.value.failures) - {"program"} in ({ALICE}, {BOB}, {ALICE, BOB})
        assert (
            "this up would leave organization 1000000001 without an organization-admin, so "
            "nobody could manage its members and billing: alice@example.com loses it "
            "(members.alice@example.com.organization no longer grants organization-admin); "
            "bob@example.com loses it" in str(refused.value)
        )
    assert len(writes(cloud)) == before and admins(sandbox) == [ALICE, BOB]


@pytest.mark.parametrize("how", ["destroy", "drop both from members"])
def test_removing_both_admins_keeps_the_last_one_and_the_state_says_so(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory, how: str
) -> None:
    alice_and_bob_are_the_admins(cloud)
    both = config(sandbox, {ALICE: ADMIN, BOB: ADMIN, CAROL: BILLING})
    stack(new_stack, both).up()
    with pytest.raises(ProviderError) as refused:
        if how == "destroy":
            stack(new_stack, both).destroy()
        else:
            stack(new_stack, config(sandbox, {CAROL: BILLING})).up()
    (kept,) = admins(sandbox)
    assert (
        f"{kept} is the last organization-admin of organization 1000000001: removing it would "
        "leave nobody able to manage the organization's members and billing, so "
        f"elastic-access keeps it. Make another member organization-admin first (an invited one "
        f"counts once they accept), or add {kept} to cloud.protect" in text(refused.value)
    )
    left = set(stack(new_stack, both).resources())
    assert kept in left and ({ALICE, BOB} - {kept}).isdisjoint(left)


def test_a_member_dropped_from_members_and_added_to_protect_is_only_forgotten(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory
) -> None:
    cloud.seed_member(ALICE, ["billing-admin"])
    stack(new_stack, config(sandbox, {ALICE: BILLING, CAROL: BILLING})).up()
    protecting = config(sandbox, {CAROL: BILLING}, protect=[ALICE])
    assert stack(new_stack, protecting).up().changed() == {ALICE: "delete"}
    assert ALICE in {m["email"] for m in listed(sandbox, "members")}
    assert set(stack(new_stack, protecting).resources()) == {CAROL}


def test_authoritative_mode_never_removes_both_undeclared_admins(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory, driver: str
) -> None:
    cloud.seed_member(ALICE, ["organization-admin"])  # and the owner: two admins, none declared
    cloud.seed_member(CAROL, ["billing-admin"])
    authoritative = config(sandbox, {CAROL: BILLING}, authoritative=True)
    with pytest.raises(CheckFailed) as refused:
        stack(new_stack, authoritative).preview()
    assert set(refused.value.failures) - {"program"} == {"organization-roster"}
    assert (
        "cloud.authoritative: this up would leave organization 1000000001 without an "
        "organization-admin, so nobody could manage its members and billing: alice@example.com "
        "is removed (not declared under members, and cloud.authoritative removes undeclared "
        "members); owner@sandbox.example is removed" in str(refused.value)
    )
    assert writes(cloud) == [] and admins(sandbox) == [ALICE, OWNER]

    # Preview (and up's own check) see erin, protected, as an admin; by the time of the
    # removal she is not: the removal decides on a fresh list and keeps the last admin.
    erin = cloud.seed_member("erin@example.com", ["billing-admin"])
    stale = listed(sandbox, "members")
    for member in stale:
        if member["user_id"] == erin:
            member["role_assignments"] = {
                "organization": [{"role_id": "organization-admin", "organization_id": ORG}]
            }
    lists = 2 if driver == "engine" else 1  # the engine's preview and up each list once
    cloud.fault(r"/organizations/1000000001/members$", "GET", body={"members": stale}, count=lists)
    protecting = config(sandbox, {CAROL: BILLING}, authoritative=True, protect=["erin@example.com"])
    with pytest.raises(ProviderError) as kept:
        stack(new_stack, protecting).up()
    assert (
        "authoritative mode removed alice@example.com, but kept owner@sandbox.example is the "
        "last organization-admin of organization 1000000001" in text(kept.value)
    )
    assert admins(sandbox) == [OWNER]


# ---------------------------------------------------------------- adoption


VETERAN = "veteran@example.com"
VIEWER_ALL = {"deployments": {"all": "deployment-viewer"}}


def test_a_new_stack_does_not_take_over_a_member_without_adopt(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory
) -> None:
    cloud.seed_member(VETERAN, ["organization-admin", "deployment-admin", "security-admin"])
    with pytest.raises(CheckFailed) as refused:
        stack(new_stack, config(sandbox, {VETERAN: VIEWER_ALL})).preview()
    assert (
        "veteran@example.com is already a member in organization 1000000001 with other roles "
        "than members.veteran@example.com declares: taking it over would remove "
        "deployment-admin on all deployments; organization-admin on the organization; "
        "security-admin on all security projects and add deployment-viewer on all deployments. "
        "Set adopt: true under members.veteran@example.com" in str(refused.value)
    )
    assert writes(cloud) == []

    adopting = config(sandbox, {VETERAN: {**VIEWER_ALL, "adopt": True}})
    assert stack(new_stack, adopting).up().changed() == {VETERAN: "create"}
    (veteran,) = [m for m in listed(sandbox, "members") if m["email"] == VETERAN]
    assert veteran["role_assignments"] == {
        "deployment": [{"role_id": "deployment-viewer", "organization_id": ORG, "all": True}]
    }
    assert stack(new_stack, adopting).preview().changed() == {}


# ---------------------------------------------------------------- two runs, lost answers


def test_an_invitation_sent_meanwhile_by_a_twin_run_counts_as_done(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory, driver: str
) -> None:
    """The twin's invitation lands after this run listed the organization: its POST gets
    ``organization.invitation_already_exists``; a fresh list shows the same roles: done."""
    cloud.seed_invitation(
        CAROL, {"organization": [{"role_id": "billing-admin", "organization_id": ORG}]}
    )
    lists = 2 if driver == "engine" else 1  # the engine's preview and up each list once
    cloud.fault(r"/invitations$", "GET", body={"invitations": []}, count=lists)
    plan = stack(new_stack, config(sandbox, {CAROL: BILLING})).up()
    assert plan.changed() == {CAROL: "create"}
    assert [r["status"] for r in writes(cloud)] == [400]
    assert [i["email"] for i in listed(sandbox, "invitations")] == [CAROL]
    assert stack(new_stack, config(sandbox, {CAROL: BILLING})).preview().changed() == {}


@pytest.mark.parametrize("applied", [False, True])
def test_a_503_on_an_invitation_is_listed_again_and_sent_only_if_missing(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory, applied: bool
) -> None:
    cloud.fault(r"/invitations$", "POST", status=503, count=1, applied=applied)
    members = {ALICE: BILLING, BOB: VIEWER_ALL}
    stack(new_stack, config(sandbox, members)).up()
    assert sorted(i["email"] for i in listed(sandbox, "invitations")) == [ALICE, BOB]
    posts = [r["status"] for r in writes(cloud)]
    assert sorted(posts, key=str) == ([201, 503] if applied else [201, 201, 503])
    assert stack(new_stack, config(sandbox, members)).preview().changed() == {}


# ---------------------------------------------------------------- hidden deployments (#1040)


def test_a_hidden_deployment_dropped_from_config_is_kept_and_the_up_converges(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory
) -> None:
    held = {"role_id": "deployment-viewer", "organization_id": ORG, "all": False}
    cloud.seed_member(BOB, {"deployment": [{**held, "deployment_ids": ["d-1001", "d-2002"]}]})
    both = {"deployments": {"deployments": {"d-1001": "deployment-viewer", "d-2002": "deployment-viewer"}}}  # fmt: skip
    stack(new_stack, config(sandbox, {BOB: both})).up()
    cloud.hide_ids(["d-2002"])
    one = config(sandbox, {BOB: {"deployments": {"deployments": {"d-1001": "deployment-viewer"}}}})
    assert stack(new_stack, one).up().changed() == {BOB: "update"}
    kept = stack(new_stack, one).resources()[BOB]["outputs"]["kept"]
    assert [k["target"] for k in kept] == ["d-2002"]
    assert kept[0]["reason"].startswith("kept: d-2002 is hidden by Cloud")
    assert stack(new_stack, one).preview().changed() == {}
    before = len(writes(cloud))
    assert stack(new_stack, one).up().changed() == {}
    assert len(writes(cloud)) == before
    assert stack(new_stack, one).refresh().changed() == {}


# ---------------------------------------------------------------- another organization


def test_a_new_organization_id_moves_each_member_and_removes_it_from_the_old_one(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory
) -> None:
    cloud.add_organization(OTHER_ORG)
    members = {ALICE: BILLING, BOB: VIEWER_ALL}
    stack(new_stack, config(sandbox, members)).up()
    cloud.accept_invitation(BOB)
    moved = config(sandbox, members, organizationId=OTHER_ORG)
    assert stack(new_stack, moved).preview().changed() == {ALICE: "replace", BOB: "replace"}
    cloud.clear_requests()
    stack(new_stack, moved).up()
    deletes = [r["path"] for r in writes(cloud) if r["method"] == "DELETE"]
    assert len(deletes) == 2 and all(f"/organizations/{ORG}/" in p for p in deletes)
    assert [m["email"] for m in listed(sandbox, "members")] == [OWNER]
    assert listed(sandbox, "invitations") == []
    invited = sorted(i["email"] for i in listed(sandbox, "invitations", OTHER_ORG))
    assert invited == [ALICE, BOB]
    assert stack(new_stack, moved).preview().changed() == {}


def test_an_old_organization_that_cannot_be_reached_fails_the_move_naming_it(
    sandbox: Sandbox, cloud: Controls, new_stack: StackFactory
) -> None:
    cloud.add_organization(OTHER_ORG)
    stack(new_stack, config(sandbox, {ALICE: BILLING})).up()
    cloud.fault(rf"/organizations/{ORG}/", None, status=403, count=50)
    with pytest.raises((ProviderError, CheckFailed)) as failed:
        stack(new_stack, config(sandbox, {ALICE: BILLING}, organizationId=OTHER_ORG)).up()
    assert (
        "could not remove alice@example.com from organization 1000000001, where this stack put "
        "it before cloud.organizationId became 1000000002" in text(failed.value)
    )
    saved = stack(new_stack, config(sandbox, {ALICE: BILLING})).resources()[ALICE]
    assert saved["outputs"]["organizationId"] == ORG  # the state still says where she is
    assert listed(sandbox, "invitations", OTHER_ORG) == []
