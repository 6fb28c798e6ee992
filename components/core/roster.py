"""The organization as the Cloud API shows it: who is a member, who is invited, who may go.

Pure: built from the ``GET members`` and ``GET invitations`` payloads. Emails are compared
lower-cased everywhere (Elastic Cloud does not distinguish case).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .assignments import AssignmentChange, Atoms, atoms_from_api, is_organization_admin

Status = Literal["active", "pending", "expired"]


@dataclass(frozen=True)
class LiveMember:
    """One email's standing: a member (``user_id``) or an invitation (``token``, never output)."""

    email: str
    status: Status
    atoms: Atoms
    user_id: str | None = None
    token: str | None = None
    expires_at: str | None = None


Roster = dict[str, LiveMember]


def roster_of(
    members: Iterable[Mapping[str, Any]], invitations: Iterable[Mapping[str, Any]]
) -> Roster:
    """Index by lower-cased email; a membership wins over an invitation for the same email, of
    several invitations the one expiring last counts, and accepted invitations do not count."""
    roster: Roster = {}
    for invitation in sorted(invitations, key=lambda i: str(i.get("expires_at") or "")):
        email = str(invitation.get("email") or "").lower()
        if not email or invitation.get("accepted_at"):
            continue  # an accepted invitation is history: the membership (if any) counts
        roster[email] = LiveMember(
            email=email,
            status="expired" if invitation.get("expired") else "pending",
            atoms=atoms_from_api(invitation.get("role_assignments")),
            token=str(invitation.get("token") or ""),
            expires_at=invitation.get("expires_at"),
        )
    for member in members:
        email = str(member.get("email") or "").lower()
        if not email:
            continue
        roster[email] = LiveMember(
            email=email,
            status="active",
            atoms=atoms_from_api(member.get("role_assignments")),
            user_id=str(member["user_id"]),
        )
    return roster


def other_admins(roster: Roster, email: str) -> list[str]:
    """Active organization admins other than ``email``."""
    return sorted(
        m.email
        for m in roster.values()
        if m.email != email.lower() and m.status == "active" and is_organization_admin(m.atoms)
    )


def removal_refusal(email: str, roster: Roster, protect: Iterable[str]) -> str | None:
    """Why ``email`` may not leave the organization, or None."""
    email = email.lower()
    if email in {p.lower() for p in protect}:
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
    email = email.lower()
    dropped = ", ".join(a.describe() for a in sorted(change.removed))
    if email in {p.lower() for p in protect}:
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
    keep = {e.lower() for e in declared} | {p.lower() for p in protect}
    return sorted(email for email in roster if email not in keep)
