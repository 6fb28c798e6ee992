"""The member decision table: keep, change, invite or re-invite; when a change is refused
(protection, adoption); what a create adopts; roles Cloud keeps; and the organization-admin
rule on the end state of a whole up."""

from __future__ import annotations

from typing import Any

from components.core.members.atoms import Atom
from components.core.members.decisions import (
    MemberDecision,
    StackMembers,
    admins_after,
    adoption,
    decide_member,
    kept_reason,
    lockout_refusal,
)
from components.core.members.roster import LiveMember, Roster

ORG = "1000000001"
ADMIN = frozenset({Atom("organization", "", "organization-admin", ORG)})
BILLING = frozenset({Atom("organization", "", "billing-admin", ORG)})
VIEWER = frozenset({Atom("deployment", "", "deployment-viewer", "all")})
DEPLOYMENT_ADMIN = frozenset({Atom("deployment", "", "deployment-admin", "all")})
SECURITY_ADMIN = frozenset({Atom("project", "security", "security-admin", "all")})
D1001 = Atom("deployment", "", "deployment-viewer", "d-1001")
D2002 = Atom("deployment", "", "deployment-viewer", "d-2002")


def active(email: str, atoms: frozenset[Atom]) -> LiveMember:
    return LiveMember(email, "active", atoms, user_id=email.split("@")[0])


def invited(email: str, atoms: frozenset[Atom], expired: bool = False) -> LiveMember:
    return LiveMember(email, "expired" if expired else "pending", atoms, token="t")


def decide(
    email: str, live: LiveMember | None, desired: frozenset[Atom], **options: Any
) -> MemberDecision:
    return decide_member(email, live, desired, organization=ORG, **options)


# ---------------------------------------------------------------- keep, change, invite


def test_nobody_yet_is_invited() -> None:
    decision = decide("new@example.com", None, BILLING, creating=True)
    assert (decision.action, decision.refusal) == ("invite", None)


def test_an_active_member_with_the_declared_roles_is_kept() -> None:
    bob = active("bob@example.com", BILLING)
    decision = decide("bob@example.com", bob, BILLING)
    assert (decision.action, decision.change.empty, decision.refusal) == ("keep", True, None)


def test_an_active_member_gets_the_smallest_change() -> None:
    bob = active("bob@example.com", BILLING | VIEWER)
    decision = decide("bob@example.com", bob, VIEWER | ADMIN)
    assert decision.action == "change"
    assert (decision.change.added, decision.change.removed) == (ADMIN, BILLING)
    assert not decision.demotes_admin


def test_a_change_that_drops_organization_admin_demotes_an_admin() -> None:
    bob = active("bob@example.com", ADMIN)
    decision = decide("bob@example.com", bob, BILLING)
    assert decision.demotes_admin and decision.refusal is None


def test_a_pending_invitation_that_says_the_same_is_kept() -> None:
    bob = invited("bob@example.com", BILLING)
    assert decide("bob@example.com", bob, BILLING).action == "keep"


def test_a_changed_or_expired_invitation_is_issued_again() -> None:
    changed = invited("bob@example.com", BILLING)
    expired = invited("bob@example.com", BILLING, expired=True)
    assert decide("bob@example.com", changed, VIEWER).action == "reinvite"
    assert decide("bob@example.com", expired, BILLING).action == "reinvite"


# ---------------------------------------------------------------- adoption (contract section 5)


VETERAN_MESSAGE = (
    "veteran@example.com is already a member in organization 1000000001 with other roles "
    "than members.veteran@example.com declares: taking it over would remove "
    "deployment-admin on all deployments; organization-admin on the organization; "
    "security-admin on all security projects and add deployment-viewer on all deployments. "
    "Set adopt: true under members.veteran@example.com to take it over with the declared "
    "roles, or declare the roles it holds (elastic-access import --cloud-org prints them)."
)


def test_creating_over_a_member_with_other_roles_is_refused_without_adopt() -> None:
    veteran = active("veteran@example.com", ADMIN | DEPLOYMENT_ADMIN | SECURITY_ADMIN)
    decision = decide("veteran@example.com", veteran, VIEWER, creating=True)
    assert decision.refusal == VETERAN_MESSAGE


def test_with_adopt_the_create_takes_the_member_over_by_the_smallest_change() -> None:
    veteran = active("veteran@example.com", ADMIN | DEPLOYMENT_ADMIN)
    decision = decide("veteran@example.com", veteran, VIEWER, creating=True, adopt=True)
    assert (decision.action, decision.refusal) == ("change", None)
    assert decision.change.removed == ADMIN | DEPLOYMENT_ADMIN


def test_creating_over_an_equal_member_or_an_expired_invitation_needs_no_adopt() -> None:
    same = active("bob@example.com", VIEWER)
    assert decide("bob@example.com", same, VIEWER, creating=True).action == "keep"
    expired = invited("bob@example.com", BILLING, expired=True)
    decision = decide("bob@example.com", expired, VIEWER, creating=True)
    assert (decision.action, decision.refusal) == ("reinvite", None)


def test_creating_over_someone_elses_invitation_is_refused_without_adopt() -> None:
    pending = invited("bob@example.com", BILLING)
    refusal = decide("bob@example.com", pending, VIEWER, creating=True).refusal
    assert refusal is not None
    assert refusal.startswith("bob@example.com is already invited in organization 1000000001")
    assert decide("bob@example.com", pending, VIEWER, creating=True, adopt=True).action == (
        "reinvite"
    )


def test_an_update_is_no_adoption() -> None:
    bob = active("bob@example.com", ADMIN | BILLING)
    assert decide("bob@example.com", bob, BILLING).refusal is None


def test_adoption_says_what_a_create_takes_over() -> None:
    veteran = active("veteran@example.com", ADMIN | DEPLOYMENT_ADMIN)
    taken = adoption("veteran@example.com", veteran, VIEWER, ORG)
    assert taken is not None
    assert taken.message == (
        "adopts veteran@example.com, already a member in organization 1000000001 (adopt: true): "
        "up removes deployment-admin on all deployments; organization-admin on the organization "
        "and adds deployment-viewer on all deployments"
    )
    same = adoption("bob@example.com", invited("bob@example.com", VIEWER), VIEWER, ORG)
    assert same is not None and same.message == (
        "adopts bob@example.com, already invited in organization 1000000001 with exactly the "
        "declared roles: nothing changes"
    )
    assert adoption("x@example.com", None, VIEWER, ORG) is None
    assert adoption("x@example.com", invited("x@example.com", BILLING, True), VIEWER, ORG) is None


# ---------------------------------------------------------------- protection


def test_a_protected_member_is_never_demoted() -> None:
    bob = active("bob@example.com", BILLING | VIEWER)
    decision = decide("bob@example.com", bob, VIEWER, protect=["Bob@Example.com"])
    assert decision.refusal == (
        "bob@example.com is in cloud.protect: elastic-access never demotes it, but the config "
        "drops billing-admin on the organization. Keep those roles in members.bob@example.com; "
        "to change them, remove it from cloud.protect (taking organization-admin from the last "
        "admin stays refused: make another member organization-admin first)."
    )


def test_a_protected_member_may_gain_roles_and_its_invitation_may_not_lose_any() -> None:
    bob = active("bob@example.com", VIEWER)
    assert decide("bob@example.com", bob, VIEWER | BILLING, protect=["bob@example.com"]).action == (
        "change"
    )
    pending = invited("bob@example.com", VIEWER | BILLING)
    refused = decide("bob@example.com", pending, VIEWER, protect=["bob@example.com"])
    assert refused.refusal is not None and "cloud.protect" in refused.refusal


# ---------------------------------------------------------------- roles Cloud keeps


def test_kept_atoms_are_never_sent_again_and_alone_are_no_change() -> None:
    bob = active("bob@example.com", frozenset({D1001, D2002}))
    decision = decide("bob@example.com", bob, frozenset({D1001}), kept=frozenset({D2002}))
    assert (decision.action, decision.change.removed) == ("keep", frozenset())
    more = decide("bob@example.com", bob, frozenset(), kept=frozenset({D2002}))
    assert more.change.removed == {D1001}


def test_a_kept_role_says_the_id_is_hidden_by_cloud() -> None:
    assert kept_reason(D2002) == (
        "kept: d-2002 is hidden by Cloud (a shut-down or deleted deployment), which refuses any "
        "change naming it, even to an organization owner's key, so deployment-viewer on "
        "deployment d-2002 stays and elastic-access no longer counts it as a change (or the API "
        "key may not revoke it)"
    )


# ---------------------------------------------------------------- the end state of an up


TWO_ADMINS = Roster([active("alice@example.com", ADMIN), active("bob@example.com", ADMIN)])


def test_an_up_that_demotes_both_admins_is_refused_naming_them() -> None:
    stack = StackMembers.of({"alice@example.com": False, "bob@example.com": False})
    assert admins_after(TWO_ADMINS, stack) == []
    assert lockout_refusal(TWO_ADMINS, stack, ORG) == (
        "this up would leave organization 1000000001 without an organization-admin, so nobody "
        "could manage its members and billing: alice@example.com loses it "
        "(members.alice@example.com.organization no longer grants organization-admin); "
        "bob@example.com loses it (members.bob@example.com.organization no longer grants "
        "organization-admin). Any one of these resolves it: keep organization-admin in "
        "members.alice@example.com.organization; keep organization-admin in "
        "members.bob@example.com.organization; give organization-admin to another active "
        "member under members."
    )


def test_each_fix_the_lockout_refusal_names_resolves_it() -> None:
    # The advice once said "add one to cloud.protect" for a declared admin, which then got
    # "is in cloud.protect: elastic-access never demotes it": every fix named must resolve it.
    demoted = StackMembers.of({"alice@example.com": False, "bob@example.com": False})
    assert lockout_refusal(TWO_ADMINS, demoted, ORG) is not None
    kept = StackMembers.of({"alice@example.com": True, "bob@example.com": False})
    another = StackMembers.of(
        {"alice@example.com": False, "bob@example.com": False, "carol@example.com": True}
    )
    carol = Roster([*(m for _, m in TWO_ADMINS.items()), active("carol@example.com", frozenset())])
    assert lockout_refusal(TWO_ADMINS, kept, ORG) is None
    assert lockout_refusal(carol, another, ORG) is None
    removed = StackMembers.of({"carol@example.com": False}, authoritative=True)
    assert "add alice@example.com to cloud.protect" in (lockout_refusal(carol, removed, ORG) or "")
    protected = StackMembers.of(
        {"carol@example.com": False}, authoritative=True, protect=["alice@example.com"]
    )
    declared = StackMembers.of(
        {"carol@example.com": False, "alice@example.com": True}, authoritative=True
    )
    assert lockout_refusal(carol, protected, ORG) is None
    assert lockout_refusal(carol, declared, ORG) is None


def test_authoritative_removal_of_both_undeclared_admins_is_refused_naming_them() -> None:
    stack = StackMembers.of({"carol@example.com": False}, authoritative=True)
    refusal = lockout_refusal(TWO_ADMINS, stack, ORG)
    assert refusal is not None
    assert (
        "alice@example.com is removed (not declared under members, and cloud.authoritative "
        "removes undeclared members); bob@example.com is removed" in refusal
    )


def test_one_admin_kept_by_config_protection_or_non_authoritative_mode_is_enough() -> None:
    demote_one = StackMembers.of({"alice@example.com": False, "bob@example.com": True})
    assert lockout_refusal(TWO_ADMINS, demote_one, ORG) is None
    protected = StackMembers.of(
        {"alice@example.com": False}, authoritative=True, protect=["Bob@example.com"]
    )
    assert admins_after(TWO_ADMINS, protected) == ["bob@example.com"]
    undeclared_stays = StackMembers.of({"alice@example.com": False})
    assert admins_after(TWO_ADMINS, undeclared_stays) == ["bob@example.com"]


def test_a_promotion_in_the_same_up_counts_but_an_invitation_does_not() -> None:
    roster = Roster(
        [
            active("alice@example.com", ADMIN),
            active("carol@example.com", BILLING),
            invited("dave@example.com", frozenset()),
        ]
    )
    promoted = StackMembers.of({"alice@example.com": False, "carol@example.com": True})
    assert admins_after(roster, promoted) == ["carol@example.com"]
    invitee = StackMembers.of({"alice@example.com": False, "dave@example.com": True})
    refusal = lockout_refusal(roster, invitee, ORG)
    assert refusal is not None and (
        "(dave@example.com: invited as organization-admin, which counts only once they accept)"
        in refusal
    )


def test_an_organization_without_admins_today_is_not_the_ups_doing() -> None:
    roster = Roster([active("carol@example.com", BILLING)])
    assert lockout_refusal(roster, StackMembers.of({"carol@example.com": False}), ORG) is None


def test_a_member_resource_counts_itself_as_declared() -> None:
    stack = StackMembers.of({}).declaring("Alice@example.com", admin=False)
    assert stack.declared == {"alice@example.com"} and stack.admins == frozenset()
    assert StackMembers.of({"a@example.com": True}).declaring("a@example.com", False).admins == (
        frozenset()
    )


def test_the_roster_records_writes_by_email_and_keeps_its_admins_current() -> None:
    owner, bob = active("owner@example.com", ADMIN), invited("Bob@Example.com", BILLING)
    roster = Roster([owner, bob])
    assert roster.get("BOB@example.com") == bob and roster.admins() == ["owner@example.com"]
    roster.put(active("bob@example.com", ADMIN))
    assert roster.admins() == ["bob@example.com", "owner@example.com"]
    roster.drop("OWNER@example.com")
    assert roster.admins() == ["bob@example.com"] and "owner@example.com" not in roster
    assert sorted(roster) == ["bob@example.com"]
