"""An Elastic Cloud organization as the providers and the live commands see it.

The roster (members and invitations) is listed once per process and organization, whichever
provider asks (the member and the roster providers share it: two list requests per refresh),
with the two lists fetched together. A successful write records what it did in the roster
(no re-list, and no cost that grows with the organization); a failed one makes the next read
list again, since what happened is unknown. Thread-safe: the host runs four operations at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import Any

from ..clients.cloud import CloudClient
from ..clients.connection import CloudConnection, RetryPolicy
from ..clients.errors import InvalidRequest, NotFound, UnauthorizedRoleAssignments
from ..core.members.atoms import AssignmentChange, Atom, to_api
from ..core.members.roster import LiveMember, Roster, roster_of
from ..core.members.spec import CloudSettings
from .cache import FetchedOnce, together
from .errors import MissingSetting, Refused
from .service import LiveService
from .settings import cloud_connection, lookup_from, section

ALREADY_BELONGS = "organization.user_organization_already_belongs"


class AlreadyBelongs(Exception):
    """Cloud refused an invitation: the person is a member already (here, or elsewhere)."""

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(email)


class LiveCloud(LiveService[CloudClient]):
    """One Elastic Cloud API (or none: ``missing`` then says what to configure)."""

    service = "Elastic Cloud"

    def __init__(
        self,
        settings: CloudSettings,
        connection: CloudConnection | None,
        missing: str = "",
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        super().__init__(CloudClient(connection, retry=retry) if connection else None, missing)
        self._rosters: FetchedOnce[str, Roster] = FetchedOnce()

    # ------------------------------------------------------------ reads

    def roster(self, organization: str) -> Roster:
        """Every member and invitation of the organization, from one pair of list calls."""

        def fetch() -> Roster:
            members, invitations = together(
                partial(self.client.list_members, organization),
                partial(self.client.list_invitations, organization),
            )
            return roster_of(members, invitations)

        return self._rosters.get(organization, fetch)

    def member(self, organization: str, email: str) -> LiveMember | None:
        """The standing of ``email`` in the organization (None: neither member nor invited)."""
        return self.roster(organization).get(email)

    def _forget(self, organization: str) -> None:
        self._rosters.forget(organization)

    def _record(self, organization: str, email: str, live: LiveMember | None) -> None:
        roster = self._rosters.known(organization)
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
        live = roster_of([], created).get(email)
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


# ---------------------------------------------------------------- one per process

_shared: dict[tuple[str, CloudConnection | None], LiveCloud] = {}
_shared_lock = threading.Lock()


def shared_cloud(
    settings: CloudSettings, connection: CloudConnection | None, missing: str = ""
) -> LiveCloud:
    """The process's ``LiveCloud`` for these settings and connection: every provider class that
    is configured alike (member, roster) shares one, and so one roster per organization."""
    with _shared_lock:
        key = (settings.model_dump_json(), connection)
        if key not in _shared:
            _shared[key] = LiveCloud(settings, connection, missing)
        return _shared[key]


def cloud_from_config(config: Any) -> LiveCloud:
    """The organization API of a provider's ``configure()`` config, shared by every provider
    configured alike in this process. ``SetupError`` for unusable values; without a key, a
    ``LiveCloud`` that says what to set once it is needed."""
    get = lookup_from(config)
    settings: CloudSettings = section(CloudSettings, "cloud", get("cloud"))
    try:
        connection = cloud_connection(settings, api_key=get("cloudApiKey"))
    except MissingSetting as missing:
        return shared_cloud(settings, None, missing.how)
    return shared_cloud(settings, connection)
