"""The organization as the Cloud API shows it: who is a member and who is invited.

Pure: built from the ``GET members`` and ``GET invitations`` payloads. Emails are keyed by
``email_key`` (Elastic Cloud does not distinguish case). Who may go or be demoted is decided in
``decisions``.
"""

from __future__ import annotations

import threading
from collections.abc import ItemsView, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .atoms import Atoms, atoms_from_api, is_organization_admin
from .spec import email_key

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


class Roster(Mapping[str, LiveMember]):
    """Every member and invitation of one organization, by email (any case finds it).

    A write's record (``put``, ``drop``) costs the same whatever the size of the organization,
    and so does asking for its organization admins (``admins``); iterating is over a snapshot.
    Thread-safe: the provider host runs four operations at once on one roster.
    """

    def __init__(self, entries: Iterable[LiveMember] = ()) -> None:
        self._lock = threading.Lock()
        self._by_email: dict[str, LiveMember] = {}
        self._admins: set[str] = set()
        for live in entries:
            self.put(live)

    def __getitem__(self, email: str) -> LiveMember:
        return self._by_email[email_key(email)]

    def __contains__(self, email: object) -> bool:
        return isinstance(email, str) and email_key(email) in self._by_email

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._by_email))

    def __len__(self) -> int:
        return len(self._by_email)

    def items(self) -> ItemsView[str, LiveMember]:
        """A snapshot of ``(email, standing)`` pairs (safe while others write)."""
        with self._lock:
            return dict(self._by_email).items()

    def __repr__(self) -> str:
        return f"Roster({len(self)} members and invitations)"

    def put(self, live: LiveMember) -> None:
        """Record ``live`` as the standing of its email (replacing what was there)."""
        key = email_key(live.email)
        with self._lock:
            self._by_email[key] = live
            if live.status == "active" and is_organization_admin(live.atoms):
                self._admins.add(key)
            else:
                self._admins.discard(key)

    def drop(self, email: str) -> None:
        """Record that ``email`` is neither a member nor invited any more."""
        key = email_key(email)
        with self._lock:
            self._by_email.pop(key, None)
            self._admins.discard(key)

    def admins(self) -> list[str]:
        """The active organization admins, sorted."""
        with self._lock:
            return sorted(self._admins)


def roster_of(
    members: Iterable[Mapping[str, Any]], invitations: Iterable[Mapping[str, Any]]
) -> Roster:
    """Index by lower-cased email; a membership wins over an invitation for the same email, of
    several invitations the one expiring last counts, and accepted invitations do not count."""
    found: dict[str, LiveMember] = {}
    for invitation in sorted(invitations, key=lambda i: str(i.get("expires_at") or "")):
        email = email_key(str(invitation.get("email") or ""))
        if not email or invitation.get("accepted_at"):
            continue  # an accepted invitation is history: the membership (if any) counts
        found[email] = LiveMember(
            email=email,
            status="expired" if invitation.get("expired") else "pending",
            atoms=atoms_from_api(invitation.get("role_assignments")),
            token=str(invitation.get("token") or ""),
            expires_at=invitation.get("expires_at"),
        )
    for member in members:
        email = email_key(str(member.get("email") or ""))
        if not email:
            continue
        found[email] = LiveMember(
            email=email,
            status="active",
            atoms=atoms_from_api(member.get("role_assignments")),
            user_id=str(member["user_id"]),
        )
    return Roster(found.values())
