"""What one provider-host process knows about the live Elastic Cloud organization.

Members and invitations are listed once per process (two requests, whatever the number of
members) and listed again only after a write; everything is thread-safe because the host runs
up to four operations at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from ..clients import CloudClient, InvalidRequest, NotFound, UnauthorizedRoleAssignments
from ..core.members.atoms import AssignmentChange, Atom, to_api
from ..core.members.roster import LiveMember, Roster, roster_of
from .errors import Refused
from .live import LiveService
from .settings import CloudSetup, cloud_setup, lookup_from

ALREADY_BELONGS = "organization.user_organization_already_belongs"


class AlreadyBelongs(Exception):
    """Cloud refused an invitation: the person is a member already (here, or elsewhere)."""

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(email)


class LiveCloud(LiveService[CloudClient]):
    """An Elastic Cloud organization seen from the provider host."""

    service = "Elastic Cloud"

    def __init__(self, setup: CloudSetup) -> None:
        client = CloudClient(setup.connection) if setup.connection else None
        super().__init__(client, setup.missing)
        self.setup = setup
        self._rosters: dict[str, Roster] = {}

    # ------------------------------------------------------------ reads

    def roster(self, organization: str) -> Roster:
        """Every member and invitation of the organization, from one pair of list calls."""
        with self._lock:
            if organization not in self._rosters:
                members = self.client.list_members(organization)
                invitations = self.client.list_invitations(organization)
                self._rosters[organization] = roster_of(members, invitations)
            return self._rosters[organization]

    def member(self, organization: str, email: str) -> LiveMember | None:
        return self.roster(organization).get(email.lower())

    def _forget(self, organization: str) -> None:
        """After a failed write the organization is listed again: what happened is unknown."""
        with self._lock:
            self._rosters.pop(organization, None)

    def _record(self, organization: str, email: str, live: LiveMember | None) -> None:
        """After a successful write: the cached roster says what the write did (no re-list)."""
        with self._lock:
            roster = self._rosters.get(organization)
            if roster is None:
                return
            if live is None:
                roster.drop(email)
            else:
                roster.put(live)

    # ------------------------------------------------------------ writes

    def invite(
        self, organization: str, email: str, atoms: Iterable[Atom], expires_in: str
    ) -> LiveMember:
        """Invite ``email`` with ``atoms``; returns the pending member (token kept off state)."""
        try:
            created = self.client.create_invitation(
                organization,
                emails=[email],
                expires_in=expires_in,
                role_assignments=to_api(atoms, organization),
            )
        except UnauthorizedRoleAssignments as error:
            self._forget(organization)
            raise Refused(_unauthorized(email, atoms, str(error.detail or ""))) from None
        except InvalidRequest as error:
            self._forget(organization)
            if error.code == ALREADY_BELONGS:
                raise AlreadyBelongs(email) from None
            raise
        except Exception:
            self._forget(organization)
            raise
        live = roster_of([], created).get(email.lower())
        if live is None:
            self._forget(organization)
            raise Refused(f"Elastic Cloud accepted the invitation of {email} but did not return it")
        self._record(organization, email, live)
        return live

    def withdraw(self, organization: str, live: LiveMember) -> None:
        """Delete a pending or expired invitation (gone already counts as done)."""
        if live.token:
            token = live.token
            self._gone(
                organization, live, lambda: self.client.delete_invitations(organization, [token])
            )

    def remove(self, organization: str, live: LiveMember) -> None:
        """End a membership, or withdraw an invitation."""
        user_id = live.user_id
        if user_id is None:
            self.withdraw(organization, live)
        else:
            self._gone(
                organization, live, lambda: self.client.delete_members(organization, [user_id])
            )

    def _gone(self, organization: str, live: LiveMember, delete: Callable[[], None]) -> None:
        try:
            delete()
        except NotFound:
            pass  # already gone: done
        except Exception:
            self._forget(organization)
            raise
        self._record(organization, live.email, None)

    def change(self, organization: str, live: LiveMember, change: AssignmentChange) -> LiveMember:
        """Added atoms first, then removed ones: nobody is without access in between."""
        assert live.user_id is not None
        try:
            if change.added:
                self.client.add_role_assignments(live.user_id, to_api(change.added, organization))
            if change.removed:
                self.client.remove_role_assignments(
                    live.user_id, to_api(change.removed, organization)
                )
        except UnauthorizedRoleAssignments as error:
            self._forget(organization)
            atoms = change.added or change.removed
            raise Refused(_unauthorized(live.email, atoms, str(error.detail or ""))) from None
        except Exception:
            self._forget(organization)
            raise
        changed = replace(live, atoms=(live.atoms | change.added) - change.removed)
        self._record(organization, live.email, changed)
        return changed


def _unauthorized(email: str, atoms: Iterable[Atom], detail: str) -> str:
    targets = sorted({a.target for a in atoms if a.scope != "organization" and a.target != "all"})
    named = f" naming {', '.join(targets)}" if targets else ""
    return (
        f"Elastic Cloud refused the role assignments of {email}{named} "
        f"(role_assignments.unauthorized_role_assignments{': ' + detail if detail else ''}). "
        "The API key may not grant or revoke roles on those deployments or projects: use an "
        "organization-admin key, and drop from members." + email + " the ids of deployments or "
        "projects that were shut down or deleted (Elastic Cloud hides them but keeps them in "
        "assignments)."
    )


class CloudProvider(ResourceProvider):
    """What the member and roster providers share: the organization, configured in the host."""

    serialize_as_secret_always = False
    _live: LiveCloud

    def configure(self, req: ConfigureRequest) -> None:
        self._live = LiveCloud(cloud_setup(lookup_from(req.config)))
