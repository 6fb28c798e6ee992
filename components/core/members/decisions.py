"""May this member change run? The decisions the member and roster providers act on, as pure
functions of the live roster and the config.

* ``decide_member``: keep, change the roles of, invite, or withdraw and re-invite one member
  (invitations are immutable: a changed or expired one is issued again), unless the change
  would demote a protected member or the last organization admin.
* ``removal_refusal``: why a member may not leave (protected, or the last organization admin).
* ``undeclared``: whom authoritative mode removes.

Sources: contract section 5; ../shared/reference/cloud-org.md sections 6 and 10.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..members.roster import LiveMember, Roster
from .atoms import AssignmentChange, Atoms, is_organization_admin, plan_change
from .spec import email_key

Action = Literal["keep", "change", "invite", "reinvite"]
NO_CHANGE = AssignmentChange(frozenset(), frozenset())


@dataclass(frozen=True)
class MemberDecision:
    """What bringing one member to its config takes.

    ``keep``: nothing to do. ``change``: POST ``change.added`` then DELETE ``change.removed``
    (an active member). ``invite``: send an invitation. ``reinvite``: withdraw the live
    invitation, then invite. ``refusal``, when set, says why nothing may run.
    """

    action: Action
    change: AssignmentChange = NO_CHANGE
    refusal: str | None = None


def decide_member(
    email: str,
    live: LiveMember | None,
    desired: Atoms,
    roster: Roster,
    protect: Iterable[str] = (),
) -> MemberDecision:
    """The decision table for one member: ``live`` is its standing now (None: unknown to the
    organization), ``desired`` the atoms its config grants, ``protect`` the protected emails."""
    if live is not None and live.status == "active":
        change = plan_change(live.atoms, desired)
        refusal = demotion_refusal(email, change, roster, protect)
        return MemberDecision("keep" if change.empty else "change", change, refusal)
    if live is None:
        return MemberDecision("invite")
    if live.status == "pending" and live.atoms == desired:
        return MemberDecision("keep")  # the invitation already says exactly this
    return MemberDecision("reinvite")


def other_admins(roster: Roster, email: str) -> list[str]:
    """Active organization admins other than ``email``."""
    return [admin for admin in roster.admins() if admin != email_key(email)]


def _protected(email: str, protect: Iterable[str]) -> bool:
    return email_key(email) in {email_key(p) for p in protect}


def removal_refusal(email: str, roster: Roster, protect: Iterable[str]) -> str | None:
    """Why ``email`` may not leave the organization, or None."""
    email = email_key(email)
    if _protected(email, protect):
        return (
            f"{email} is in cloud.protect: elastic-access never removes or demotes it. Remove it "
            "from cloud.protect first if it really should go."
        )
    live = roster.get(email)
    last_admin = live and live.status == "active" and is_organization_admin(live.atoms)
    if last_admin and not other_admins(roster, email):
        return (
            f"{email} is the last organization-admin of the organization; removing it would "
            "leave nobody able to manage it. Make another member organization-admin first."
        )
    return None


def demotion_refusal(
    email: str, change: AssignmentChange, roster: Roster, protect: Iterable[str]
) -> str | None:
    """Why the roles in ``change.removed`` may not be taken from ``email``, or None."""
    if not change.removed:
        return None
    email = email_key(email)
    dropped = ", ".join(a.describe() for a in sorted(change.removed))
    if _protected(email, protect):
        return (
            f"{email} is in cloud.protect: elastic-access never demotes it, but the config drops "
            f"{dropped}. Keep those roles in members.{email}, or remove it from cloud.protect."
        )
    keeps_admin = is_organization_admin(change.added) or not is_organization_admin(change.removed)
    if not keeps_admin and not other_admins(roster, email):
        return (
            f"{email} is the last organization-admin; the config drops it. Make another member "
            "organization-admin first."
        )
    return None


def undeclared(roster: Roster, declared: Iterable[str], protect: Iterable[str]) -> list[str]:
    """Members and invitees that authoritative mode removes: not declared, not protected."""
    keep = {email_key(e) for e in (*declared, *protect)}
    return sorted(email for email in roster if email not in keep)
