"""Issue 10 sections 1, 2 and 6 and issue 11 section 2 through the real provider host (its four
worker threads) against the sandbox, with the sandbox's own last-admin refusal switched off:
the organization always keeps an admin, members are not taken over without ``adopt``, a write
whose outcome is unknown is checked against a fresh list, and hidden deployments do not block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from components.providers.cloud_roster import CloudRosterProvider
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.providers.conftest import KEY, MEMBER, ORG, count, member_props
from tests.support.organization import admins as organization_admins
from tests.support.organization import listed as organization_list
from tests.support.provider_host import ProviderError, ProviderHost, provider_blob

ROSTER = "pulumi-python:dynamic/cloud:Roster"
OWNER, OWNER_ID = "owner@sandbox.example", "2000000001"
ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"
BILLING = {"organization": "billing-admin"}
ADMIN = {"organization": "organization-admin"}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True) as running:
        Controls(running.cloud_url).server_guards(last_admin=False)  # our guard, not the sandbox's
        yield running


@pytest.fixture
def cloud(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.cloud_url)


def host(sandbox: Sandbox, members: dict[str, Any] | None = None, **cloud: Any) -> ProviderHost:
    """A provider host configured as the engine would: the stack's cloud settings and members."""
    config: dict[str, Any] = {
        "cloud": {"url": sandbox.cloud_url, "organizationId": ORG, **cloud},
        "cloudApiKey": KEY,
    }
    if members is not None:
        config["members"] = members
    return ProviderHost(config, secret_keys=("cloudApiKey",))


def listed(sandbox: Sandbox, what: str, organization: str = ORG) -> list[dict[str, Any]]:
    return organization_list(sandbox, what, KEY, organization)


def admins(sandbox: Sandbox) -> list[str]:
    return organization_admins(sandbox, KEY)


def roles_of(sandbox: Sandbox, email: str) -> dict[str, Any]:
    member = next(m for m in listed(sandbox, "members") if m["email"] == email)
    return dict(member["role_assignments"])


def create(h: ProviderHost, email: str, member: dict[str, Any]) -> dict[str, Any]:
    checked, failures = h.check(MEMBER, email, {}, member_props(email, member))
    assert failures == []
    return h.create(MEMBER, email, checked)[1]


def said(error: BaseException | None) -> str:
    """What ``pulumi up`` shows of a refusal: the message alone (no traceback, no class)."""
    assert isinstance(error, ProviderError)
    assert "Traceback" not in error.details
    return error.details


def at_once(*calls: Callable[[], Any]) -> list[BaseException | None]:
    """Run the calls at the same time; each one's exception (or None)."""

    def run(call: Callable[[], Any]) -> BaseException | None:
        try:
            call()
        except ProviderError as error:
            return error
        return None

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def two_admins(cloud: Controls, *more: str) -> None:
    """Alice and Bob (and ``more``) are the organization admins; the owner is billing-admin."""
    for email in (ALICE, BOB, *more):
        cloud.seed_member(email, ["organization-admin"])
    cloud.set_assignments(OWNER_ID, ["billing-admin"])
    cloud.latency(0.05)  # every request takes a while: the writes overlap


# ---------------------------------------------------------------- the last organization admin


def test_preview_refuses_an_up_that_demotes_both_admins(sandbox: Sandbox, cloud: Controls) -> None:
    two_admins(cloud)
    config = {ALICE: BILLING, BOB: BILLING}
    with host(sandbox, config) as h:
        outs = {e: create(h, e, ADMIN) for e in (ALICE, BOB)}
        for email in (ALICE, BOB):
            _, failures = h.check(MEMBER, email, outs[email], member_props(email, BILLING))
            assert failures == [
                (
                    "member",
                    f"members.{email}: this up would leave organization 1000000001 without an "
                    "organization-admin, so nobody could manage its members and billing: "
                    "alice@example.com loses it (members.alice@example.com.organization no "
                    "longer grants organization-admin); bob@example.com loses it "
                    "(members.bob@example.com.organization no longer grants organization-admin). "
                    "Any one of these resolves it: keep organization-admin in "
                    "members.alice@example.com.organization; keep organization-admin in "
                    "members.bob@example.com.organization; give organization-admin to another "
                    "active member under members.",
                )
            ]
    assert admins(sandbox) == [ALICE, BOB]


def test_two_demotions_at_once_on_a_stale_list_keep_the_last_admin(
    sandbox: Sandbox, cloud: Controls
) -> None:
    two_admins(cloud, CAROL)
    with host(sandbox, {ALICE: BILLING, BOB: BILLING}) as h:
        outs = {e: create(h, e, ADMIN) for e in (ALICE, BOB)}
        checked = {}
        for email in (ALICE, BOB):  # carol is admin at preview: both may go
            checked[email], failures = h.check(
                MEMBER, email, outs[email], member_props(email, BILLING)
            )
            assert failures == []
        cloud.set_assignments(user_id_of(sandbox, CAROL), ["billing-admin"])
        failed = at_once(
            *(
                lambda e=email: h.update(MEMBER, e, e, outs[e], checked[e])  # type: ignore[misc]
                for email in (ALICE, BOB)
            )
        )
    (refused,) = [f for f in failed if f is not None]
    (kept,) = admins(sandbox)
    assert said(refused) == (
        f"{kept} is the last organization-admin of "
        "organization 1000000001: taking organization-admin from it would leave nobody able to "
        "manage the organization's members and billing. Make another member organization-admin "
        "first (an invited one counts once they accept), or keep organization-admin in "
        f"members.{kept}.organization."
    )


def user_id_of(sandbox: Sandbox, email: str) -> str:
    return str(next(m for m in listed(sandbox, "members") if m["email"] == email)["user_id"])


def test_destroying_both_admins_at_once_keeps_one(sandbox: Sandbox, cloud: Controls) -> None:
    two_admins(cloud)
    with host(sandbox, {ALICE: ADMIN, BOB: ADMIN}) as h:
        outs = {e: create(h, e, ADMIN) for e in (ALICE, BOB)}
    with host(sandbox, {ALICE: ADMIN, BOB: ADMIN}) as h:  # destroy: a fresh host, no check
        failed = at_once(*(lambda e=e: h.delete(MEMBER, e, e, outs[e]) for e in (ALICE, BOB)))
    (refused,) = [f for f in failed if f is not None]
    (kept,) = admins(sandbox)
    assert said(refused) == (
        f"{kept} is the last organization-admin of "
        "organization 1000000001: removing it would leave nobody able to manage the "
        "organization's members and billing, so elastic-access keeps it. Make another member "
        "organization-admin first (an invited one counts once they accept), or add "
        f"{kept} to cloud.protect: the stack then forgets it and leaves it in the organization."
    )
    assert {m["email"] for m in listed(sandbox, "members")} == {OWNER, kept}


def test_a_member_in_cloud_protect_is_only_forgotten_even_when_its_state_predates_it(
    sandbox: Sandbox, cloud: Controls
) -> None:
    cloud.seed_member(ALICE, ["billing-admin"])
    with host(sandbox, {ALICE: BILLING}) as h:
        outs = create(h, ALICE, BILLING)
    assert outs["protected"] is False
    with host(sandbox, {}, protect=[ALICE]) as h:  # dropped from members, added to protect
        h.delete(MEMBER, ALICE, ALICE, outs)
    assert ALICE in {m["email"] for m in listed(sandbox, "members")}


def roster_props(declared: list[str], protect: list[str]) -> dict[str, Any]:
    return {
        "__provider": provider_blob(CloudRosterProvider()),
        "organizationId": ORG,
        "declared": declared,
        "protect": protect,
    }


def test_authoritative_mode_refuses_at_preview_to_remove_both_undeclared_admins(
    sandbox: Sandbox, cloud: Controls
) -> None:
    cloud.seed_member(ALICE, ["organization-admin"])  # the owner is the other admin
    with host(sandbox, {CAROL: BILLING}, authoritative=True) as h:
        _, failures = h.check(ROSTER, "organization-roster", {}, roster_props([CAROL], []))
    assert failures == [
        (
            "cloud",
            "cloud.authoritative: this up would leave organization 1000000001 without an "
            "organization-admin, so nobody could manage its members and billing: "
            "alice@example.com is removed (not declared under members, and cloud.authoritative "
            "removes undeclared members); owner@sandbox.example is removed (not declared under "
            "members, and cloud.authoritative removes undeclared members). Any one of these "
            "resolves it: add alice@example.com to cloud.protect or declare it with "
            "organization: organization-admin; add owner@sandbox.example to cloud.protect or "
            "declare it with organization: organization-admin; give organization-admin to "
            "another active member under members.",
        )
    ]
    assert admins(sandbox) == [ALICE, OWNER]


def test_authoritative_removal_on_a_stale_preview_keeps_the_last_admin(
    sandbox: Sandbox, cloud: Controls
) -> None:
    cloud.seed_member(ALICE, ["organization-admin"])
    carol = cloud.seed_member(CAROL, ["organization-admin"])
    cloud.seed_member("dana@example.com", ["billing-admin"])
    with host(sandbox, {CAROL: ADMIN}, authoritative=True) as h:
        checked, failures = h.check(ROSTER, "organization-roster", {}, roster_props([CAROL], []))
        assert failures == [] and checked["undeclared"] == [ALICE, "dana@example.com", OWNER]
        cloud.set_assignments(carol, ["billing-admin"])  # carol stops being admin meanwhile
        with pytest.raises(ProviderError) as refused:
            h.create(ROSTER, "organization-roster", checked)
    assert said(refused.value) == (
        "authoritative mode removed alice@example.com, "
        "dana@example.com, but kept owner@sandbox.example is the last organization-admin of "
        "organization 1000000001: removing it would leave nobody able to manage the "
        "organization's members and billing, so elastic-access keeps it. Make another member "
        "organization-admin first (an invited one counts once they accept), or add "
        "owner@sandbox.example to cloud.protect: the stack then forgets it and leaves it in the "
        "organization."
    )
    assert admins(sandbox) == [OWNER]


# ---------------------------------------------------------------- adoption


VETERAN = "veteran@example.com"
VIEWER_ALL = {"deployments": {"all": "deployment-viewer"}}


def seed_veteran(cloud: Controls) -> None:
    cloud.seed_member(VETERAN, ["organization-admin", "deployment-admin", "security-admin"])


def test_a_create_over_an_existing_member_is_refused_without_adopt(
    sandbox: Sandbox, cloud: Controls
) -> None:
    seed_veteran(cloud)
    with host(sandbox, {VETERAN: VIEWER_ALL}) as h:
        checked, failures = h.check(MEMBER, VETERAN, {}, member_props(VETERAN, VIEWER_ALL))
        assert failures == [
            (
                "member",
                "members.veteran@example.com: veteran@example.com is already a member in "
                "organization 1000000001 with other roles than members.veteran@example.com "
                "declares: taking it over would remove deployment-admin on all deployments; "
                "organization-admin on the organization; security-admin on all security "
                "projects and add deployment-viewer on all deployments. Set adopt: true under "
                "members.veteran@example.com to take it over with the declared roles, or "
                "declare the roles it holds (elastic-access import --cloud-org prints them).",
            )
        ]
        with pytest.raises(ProviderError) as refused:  # up --skip-preview: create refuses too
            h.create(MEMBER, VETERAN, checked)
    assert "Set adopt: true under members.veteran@example.com" in refused.value.message
    assert roles_of(sandbox, VETERAN)["deployment"][0]["role_id"] == "deployment-admin"


def test_with_adopt_preview_says_what_the_create_takes_over(
    sandbox: Sandbox, cloud: Controls
) -> None:
    seed_veteran(cloud)
    adopting = {**VIEWER_ALL, "adopt": True}
    with host(sandbox, {VETERAN: adopting}) as h:
        checked, failures = h.check(MEMBER, VETERAN, {}, member_props(VETERAN, adopting))
        assert failures == []
        assert checked["adopts"]["message"] == (
            "adopts veteran@example.com, already a member in organization 1000000001 (adopt: "
            "true): up removes deployment-admin on all deployments; organization-admin on the "
            "organization; security-admin on all security projects and adds deployment-viewer "
            "on all deployments"
        )
        outs = h.create(MEMBER, VETERAN, checked)[1]
    assert "adopts" not in outs  # said at preview only: a later run shows nothing again
    assert roles_of(sandbox, VETERAN) == {
        "deployment": [{"role_id": "deployment-viewer", "organization_id": ORG, "all": True}]
    }


# ---------------------------------------------------------------- two runs, lost answers


def test_an_invitation_another_run_just_sent_with_the_same_roles_counts_as_done(
    sandbox: Sandbox, cloud: Controls
) -> None:
    with host(sandbox) as first, host(sandbox) as second:
        a, _ = first.check(MEMBER, CAROL, {}, member_props(CAROL, BILLING))
        b, _ = second.check(MEMBER, CAROL, {}, member_props(CAROL, BILLING))  # lists: nobody
        first.create(MEMBER, CAROL, a)
        outs = second.create(MEMBER, CAROL, b)[1]
    assert outs["status"] == "pending"
    assert [i["email"] for i in listed(sandbox, "invitations")] == [CAROL]
    posts = [r for r in cloud.requests() if r["method"] == "POST"]
    assert [r["status"] for r in posts] == [201, 400]


def test_an_invitation_another_run_sent_with_other_roles_is_named(
    sandbox: Sandbox, cloud: Controls
) -> None:
    with host(sandbox) as first, host(sandbox) as second:
        a, _ = first.check(MEMBER, CAROL, {}, member_props(CAROL, BILLING))
        b, _ = second.check(MEMBER, CAROL, {}, member_props(CAROL, VIEWER_ALL))
        first.create(MEMBER, CAROL, a)
        with pytest.raises(ProviderError) as refused:
            second.create(MEMBER, CAROL, b)
    assert said(refused.value) == (
        "carol@example.com is already invited in "
        "organization 1000000001 with other roles than members.carol@example.com declares: "
        "taking it over would remove billing-admin on the organization and add "
        "deployment-viewer on all deployments. Set adopt: true under members.carol@example.com "
        "to take it over with the declared roles, or declare the roles it holds "
        "(elastic-access import --cloud-org prints them)."
    )


@pytest.mark.parametrize(
    ("fault", "posts"),
    [
        ({"status": 503}, [503, 201]),  # refused: sent again
        ({"status": "drop"}, [None, 201]),  # no answer, not applied: sent again
        ({"status": 503, "applied": True}, [503]),  # applied, answer lost: not sent again
        ({"status": "drop", "applied": True}, [None]),
    ],
)
def test_an_invitation_whose_outcome_is_unknown_is_listed_then_sent_only_if_missing(
    sandbox: Sandbox, cloud: Controls, fault: dict[str, Any], posts: list[int | None]
) -> None:
    cloud.fault(r"/invitations$", "POST", **fault)
    with host(sandbox) as h:
        outs = create(h, CAROL, BILLING)
    assert outs["status"] == "pending"
    (invitation,) = listed(sandbox, "invitations")
    assert invitation["role_assignments"]["organization"][0]["role_id"] == "billing-admin"
    assert [r["status"] for r in cloud.requests() if r["method"] == "POST"] == posts


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_role_change_whose_answer_was_lost_is_checked_not_repeated_blindly(
    sandbox: Sandbox, cloud: Controls, method: str
) -> None:
    cloud.seed_member(CAROL, ["billing-admin"])
    with host(sandbox) as h:
        outs = create(h, CAROL, BILLING)
        cloud.fault(r"/role_assignments$", method, status=500, applied=True)
        checked, _ = h.check(MEMBER, CAROL, outs, member_props(CAROL, VIEWER_ALL))
        outs = h.update(MEMBER, CAROL, CAROL, outs, checked)
    assert count(cloud, "GET", f"/api/v1/organizations/{ORG}/members") == 2  # listed again
    assert roles_of(sandbox, CAROL) == {
        "deployment": [{"role_id": "deployment-viewer", "organization_id": ORG, "all": True}]
    }


# ---------------------------------------------------------------- hidden deployments (#1040)


def test_a_dropped_hidden_deployment_is_kept_reported_and_the_member_converges(
    sandbox: Sandbox, cloud: Controls
) -> None:
    both = {"deployments": {"deployments": {"d-1001": "deployment-viewer", "d-2002": "deployment-viewer"}}}  # fmt: skip
    one = {"deployments": {"deployments": {"d-1001": "deployment-viewer"}}}
    held = {"role_id": "deployment-viewer", "organization_id": ORG, "all": False}
    cloud.seed_member(BOB, {"deployment": [{**held, "deployment_ids": ["d-1001", "d-2002"]}]})
    with host(sandbox) as h:
        outs = create(h, BOB, both)
    cloud.hide_ids(["d-2002"])
    with host(sandbox) as h:
        checked, failures = h.check(MEMBER, BOB, outs, member_props(BOB, one))
        assert failures == [] and h.diff(MEMBER, BOB, BOB, outs, checked).changes
        outs = h.update(MEMBER, BOB, BOB, outs, checked)
        assert outs["kept"] == [
            {
                "scope": "deployment",
                "role": "deployment-viewer",
                "target": "d-2002",
                "reason": "kept: d-2002 is hidden by Cloud (a shut-down or deleted deployment), "
                "which refuses any change naming it, even to an organization owner's key, so "
                "deployment-viewer on deployment d-2002 stays and elastic-access no longer "
                "counts it as a change (or the API key may not revoke it)",
            }
        ]
        assert h.diff(MEMBER, BOB, BOB, outs, checked).changes is False  # converged
    deletes = [r for r in cloud.requests() if r["method"] == "DELETE"]
    assert [r["status"] for r in deletes] == [403]  # once, alone; never again
    with host(sandbox) as h:  # refresh keeps it while it is live; still no change
        _, read_outs, _ = h.read(MEMBER, BOB, BOB, outs)
        assert read_outs["kept"] == outs["kept"]
        assert h.diff(MEMBER, BOB, BOB, read_outs, checked).changes is False
        none = {"organization": "billing-admin"}
        checked, _ = h.check(MEMBER, BOB, read_outs, member_props(BOB, none))
        outs = h.update(MEMBER, BOB, BOB, read_outs, checked)  # d-1001 goes, d-2002 stays
    assert [a["target"] for a in outs["kept"]] == ["d-2002"]
    ids = roles_of(sandbox, BOB)["deployment"][0]["deployment_ids"]
    assert ids == ["d-2002"]
    assert [r["status"] for r in cloud.requests() if r["method"] == "DELETE"] == [403, 200]


def test_a_hidden_deployment_the_config_still_grants_says_what_to_do_instead(
    sandbox: Sandbox, cloud: Controls
) -> None:
    cloud.seed_member(BOB, ["billing-admin"])
    with host(sandbox) as h:
        outs = create(h, BOB, BILLING)
    cloud.hide_ids(["d-2002"])
    wanted = {**BILLING, "deployments": {"deployments": {"d-1001": "deployment-viewer", "d-2002": "deployment-editor"}}}  # fmt: skip
    with host(sandbox) as h:
        checked, _ = h.check(MEMBER, BOB, outs, member_props(BOB, wanted))
        with pytest.raises(ProviderError) as refused:
            h.update(MEMBER, BOB, BOB, outs, checked)
    assert said(refused.value) == (
        "Elastic Cloud refused to give bob@example.com "
        "deployment-editor on deployment d-2002 (403 "
        "role_assignments.unauthorized_role_assignments: You are not authorised to add the "
        "specified RoleAssignments: no access to deployments or projects [d-2002]). Cloud "
        "answers this for deployments and projects it hides (shut down or deleted), even to an "
        "organization owner's key, and for roles the API key may not grant. If d-2002 was shut "
        "down or deleted, remove it from "
        "members.bob@example.com.deployments.deployments.d-2002; otherwise use an API key with "
        "organization-admin on organization 1000000001."
    )
    assert roles_of(sandbox, BOB)["deployment"][0]["deployment_ids"] == ["d-1001"]  # rest added


# ---------------------------------------------------------------- another organization


def test_another_organization_replaces_the_member_and_an_unreachable_old_one_is_named(
    sandbox: Sandbox, cloud: Controls
) -> None:
    with host(sandbox) as h:
        outs = create(h, CAROL, BILLING)
        moved = {**member_props(CAROL, BILLING), "organizationId": "1000000002"}
        diff = h.diff(MEMBER, CAROL, CAROL, outs, moved)
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == (
        True,
        ["organizationId"],
        True,
    )
    cloud.fault(rf"/organizations/{ORG}/", None, status=403, count=10)
    with host(sandbox, organizationId="1000000002") as h, pytest.raises(ProviderError) as failed:
        h.delete(MEMBER, CAROL, CAROL, outs)
    assert said(failed.value).startswith(
        "could not remove carol@example.com from "
        "organization 1000000001, where this stack put it before cloud.organizationId became "
        "1000000002: Elastic Cloud GET /api/v1/organizations/1000000001/members returned 403 "
        "Forbidden"
    )
    assert said(failed.value).endswith(
        "The member stays in the stack's state: give the API key access to organization "
        "1000000001 and run pulumi up again, or leave it there with `pulumi state delete` on "
        "its URN."
    )
