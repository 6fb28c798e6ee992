"""Who is a member, who is invited, and who may be removed or demoted."""

from __future__ import annotations

from components.core.members.atoms import Atom, plan_change
from components.core.members.decisions import demotion_refusal, removal_refusal, undeclared
from components.core.members.roster import roster_of

ORG = "1000000001"
ADMIN = {"organization": [{"role_id": "organization-admin", "organization_id": ORG}]}
BILLING = {"organization": [{"role_id": "billing-admin", "organization_id": ORG}]}


def member(email: str, user_id: str, assignments: dict) -> dict:
    return {"email": email, "user_id": user_id, "role_assignments": assignments}


def invitation(email: str, token: str, expired: bool = False, at: str = "2026-12-01") -> dict:
    return {
        "email": email,
        "token": token,
        "expired": expired,
        "expires_at": at,
        "role_assignments": BILLING,
    }


def test_emails_are_indexed_lower_cased_and_membership_wins_over_invitation() -> None:
    roster = roster_of(
        [member("Owner@Example.com", "1", ADMIN)],
        [invitation("owner@example.com", "t0"), invitation("New@Example.com", "t1")],
    )
    assert roster["owner@example.com"].status == "active"
    assert roster["owner@example.com"].user_id == "1"
    assert roster["new@example.com"].status == "pending"
    assert roster["new@example.com"].atoms == {Atom("organization", "", "billing-admin", ORG)}


def test_of_two_invitations_the_one_expiring_last_counts() -> None:
    roster = roster_of(
        [],
        [
            invitation("x@example.com", "new", at="2026-12-09"),
            invitation("x@example.com", "old", expired=True, at="2026-11-01"),
        ],
    )
    assert roster["x@example.com"].token == "new"
    assert roster["x@example.com"].status == "pending"


def test_the_last_organization_admin_cannot_be_removed_but_a_second_one_can() -> None:
    alone = roster_of([member("a@example.com", "1", ADMIN)], [])
    assert "last organization-admin" in (removal_refusal("a@example.com", alone, []) or "")
    two = roster_of([member("a@example.com", "1", ADMIN), member("b@example.com", "2", ADMIN)], [])
    assert removal_refusal("A@example.com", two, []) is None


def test_protected_members_are_never_removed_or_demoted() -> None:
    roster = roster_of(
        [member("a@example.com", "1", ADMIN), member("b@example.com", "2", ADMIN)], []
    )
    assert "cloud.protect" in (removal_refusal("b@example.com", roster, ["B@example.com"]) or "")
    change = plan_change(roster["b@example.com"].atoms, set())
    refusal = demotion_refusal("b@example.com", change, roster, ["b@example.com"])
    assert refusal is not None and "organization-admin on the organization" in refusal
    adding = plan_change(
        roster["b@example.com"].atoms, roster["b@example.com"].atoms | BILLING_ATOM
    )
    assert demotion_refusal("b@example.com", adding, roster, ["b@example.com"]) is None


BILLING_ATOM = frozenset({Atom("organization", "", "billing-admin", ORG)})


def test_dropping_the_last_admin_role_is_refused_but_swapping_others_is_not() -> None:
    roster = roster_of([member("a@example.com", "1", ADMIN)], [])
    change = plan_change(roster["a@example.com"].atoms, BILLING_ATOM)
    assert "last organization-admin" in (
        demotion_refusal("a@example.com", change, roster, []) or ""
    )


def test_undeclared_leaves_out_declared_and_protected_case_insensitively() -> None:
    roster = roster_of(
        [member("a@example.com", "1", ADMIN), member("b@example.com", "2", BILLING)],
        [invitation("c@example.com", "t"), invitation("d@example.com", "u", expired=True)],
    )
    assert undeclared(roster, ["B@example.com"], ["a@example.com"]) == [
        "c@example.com",
        "d@example.com",
    ]


def test_an_accepted_invitation_of_someone_since_removed_is_not_a_pending_member() -> None:
    accepted = {**invitation("gone@example.com", "t"), "accepted_at": "2026-11-01T00:00:00Z"}
    assert "gone@example.com" not in roster_of([], [accepted])
