"""The member decision table: keep, change, invite or re-invite, and when a change is refused."""

from __future__ import annotations

from components.core.members.atoms import Atom
from components.core.members.decisions import decide_member
from components.core.members.roster import LiveMember, Roster

ORG = "1000000001"
ADMIN = frozenset({Atom("organization", "", "organization-admin", ORG)})
BILLING = frozenset({Atom("organization", "", "billing-admin", ORG)})
VIEWER = frozenset({Atom("deployment", "", "deployment-viewer", "all")})


def active(email: str, atoms: frozenset[Atom]) -> LiveMember:
    return LiveMember(email, "active", atoms, user_id=email.split("@")[0])


def invited(email: str, atoms: frozenset[Atom], expired: bool = False) -> LiveMember:
    return LiveMember(email, "expired" if expired else "pending", atoms, token="t")


def test_nobody_yet_is_invited() -> None:
    decision = decide_member("new@example.com", None, BILLING, Roster())
    assert (decision.action, decision.refusal) == ("invite", None)


def test_an_active_member_with_the_declared_roles_is_kept() -> None:
    bob = active("bob@example.com", BILLING)
    decision = decide_member("bob@example.com", bob, BILLING, Roster([bob]))
    assert (decision.action, decision.change.empty, decision.refusal) == ("keep", True, None)


def test_an_active_member_gets_the_smallest_change() -> None:
    bob = active("bob@example.com", BILLING | VIEWER)
    decision = decide_member("bob@example.com", bob, VIEWER | ADMIN, Roster([bob]))
    assert decision.action == "change"
    assert (decision.change.added, decision.change.removed) == (ADMIN, BILLING)


def test_a_pending_invitation_that_says_the_same_is_kept() -> None:
    bob = invited("bob@example.com", BILLING)
    assert decide_member("bob@example.com", bob, BILLING, Roster([bob])).action == "keep"


def test_a_changed_or_expired_invitation_is_issued_again() -> None:
    changed = invited("bob@example.com", BILLING)
    expired = invited("bob@example.com", BILLING, expired=True)
    assert decide_member("bob@example.com", changed, VIEWER, Roster([changed])).action == "reinvite"
    assert (
        decide_member("bob@example.com", expired, BILLING, Roster([expired])).action == "reinvite"
    )


def test_demoting_the_last_admin_is_refused_but_not_with_another_admin() -> None:
    owner = active("owner@example.com", ADMIN)
    alone = decide_member("owner@example.com", owner, BILLING, Roster([owner]))
    assert alone.refusal is not None and "last organization-admin" in alone.refusal
    other = active("other@example.com", ADMIN)
    assert (
        decide_member("owner@example.com", owner, BILLING, Roster([owner, other])).refusal is None
    )


def test_a_protected_member_is_never_demoted() -> None:
    bob = active("bob@example.com", BILLING | VIEWER)
    decision = decide_member("bob@example.com", bob, VIEWER, Roster([bob]), ["Bob@Example.com"])
    assert decision.refusal is not None and "cloud.protect" in decision.refusal


def test_the_roster_records_writes_by_email_and_keeps_its_admins_current() -> None:
    owner, bob = active("owner@example.com", ADMIN), invited("Bob@Example.com", BILLING)
    roster = Roster([owner, bob])
    assert roster.get("BOB@example.com") == bob and roster.admins() == ["owner@example.com"]
    roster.put(active("bob@example.com", ADMIN))
    assert roster.admins() == ["bob@example.com", "owner@example.com"]
    roster.drop("OWNER@example.com")
    assert roster.admins() == ["bob@example.com"] and "owner@example.com" not in roster
    assert sorted(roster) == ["bob@example.com"]
