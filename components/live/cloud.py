"""An Elastic Cloud organization as the providers and the live commands see it.

The roster (members and invitations) is listed once per process and organization, whichever
provider asks (the member and the roster providers share it: two list requests per refresh),
with the two lists fetched together; ``roster(..., fresh=True)`` lists again (the writes that
remove or demote an organization admin decide on such a list, one at a time per organization:
``admin_writes``). A successful write records what it did in the roster (no re-list, and no
cost that grows with the organization); a failed one makes the next read list again, since
what happened is unknown. Thread-safe: the host runs four operations at once.

Role assignments that Cloud refuses to remove because they name a deployment or project it
hides (403 ``role_assignments.unauthorized_role_assignments``, even to an owner's key:
terraform-provider-ec#1040, #1041) are isolated per target and come back as ``kept``; the
caller never sends them again (cloud-org.md section 10 item 6).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from ..clients.cloud import CloudClient
from ..clients.connection import CloudConnection, RetryPolicy
from ..clients.errors import (
    ApiError,
    ConnectionFailed,
    InvalidRequest,
    NotFound,
    ServerError,
    UnauthorizedRoleAssignments,
)
from ..core.cloud_catalog import ORGANIZATION_ADMIN
from ..core.members.atoms import ALL, AssignmentChange, Atom, Atoms, config_path, to_api
from ..core.members.decisions import StackMembers
from ..core.members.roster import LiveMember, Roster, roster_of
from ..core.members.spec import CloudSettings
from .cache import FetchedOnce, together
from .errors import MissingSetting, Refused, SetupError
from .service import LiveService
from .settings import cloud_connection, lookup_from, section

ALREADY_BELONGS = "organization.user_organization_already_belongs"
ALREADY_INVITED = "organization.invitation_already_exists"


class AlreadyBelongs(Exception):
    """Cloud refused an invitation: the person is a member already (here, or elsewhere)."""

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(email)


class AlreadyInvited(Exception):
    """Cloud refused an invitation: one for this email exists already (another run may have
    sent it a moment ago); list again and compare."""

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(email)


def may_have_landed(error: Exception) -> bool:
    """Whether a failed write may or may not have been applied and was not retried: a 5xx or a
    connection lost after sending, on a call the HTTP layer does not retry (an invitation's
    POST). List again, then send only what did not land."""
    return isinstance(error, (ServerError, ConnectionFailed)) and not error.gave_up


@dataclass(frozen=True)
class Changed:
    """A role change done: the member now, and the atoms Cloud refused to remove (``kept``)."""

    live: LiveMember
    kept: Atoms = frozenset()


class LiveCloud(LiveService[CloudClient]):
    """One Elastic Cloud API (or none: ``missing`` then says what to configure)."""

    service = "Elastic Cloud"

    def __init__(
        self,
        settings: CloudSettings,
        connection: CloudConnection | None,
        missing: str = "",
        retry: RetryPolicy | None = None,
        *,
        unusable: bool = False,
    ) -> None:
        self.settings = settings
        client = CloudClient(connection, retry=retry) if connection else None
        super().__init__(client, missing, unusable=unusable)
        self._rosters: FetchedOnce[str, Roster] = FetchedOnce()

    # ------------------------------------------------------------ reads

    def roster(self, organization: str, *, fresh: bool = False) -> Roster:
        """Every member and invitation of the organization, from one pair of list calls (made
        now when ``fresh``, else at most once per process)."""

        def fetch() -> Roster:
            members, invitations = together(
                partial(self.client.list_members, organization),
                partial(self.client.list_invitations, organization),
            )
            return roster_of(members, invitations)

        if fresh:
            self._forget(organization)
        return self._rosters.get(organization, fetch)

    def admin_writes(self, organization: str) -> threading.Lock:
        """Held around a write that removes or demotes an organization admin, from the fresh
        list it is decided on to its end: one such write at a time per organization in this
        process, whichever provider sends it."""
        with _shared_lock:
            return _admin_locks[organization]

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
            raise Refused(refused_grant(email, atoms, organization, error)) from None
        except InvalidRequest as error:
            self._forget(organization)
            if error.code == ALREADY_BELONGS:
                raise AlreadyBelongs(email) from None
            if error.code == ALREADY_INVITED:
                raise AlreadyInvited(email) from None
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

    def change(self, organization: str, live: LiveMember, change: AssignmentChange) -> Changed:
        """Added atoms first, then removed ones: nobody is without access in between.

        A 403 ``unauthorized_role_assignments`` is isolated per target: on adding, the
        ``Refused`` names the declared ids Cloud refuses (the rest is added); on removing, the
        atoms of refused deployment or project ids are ``kept`` (hidden by Cloud) and the rest
        is removed, while a refused ``all`` or organization role is a ``Refused``.
        """
        assert live.user_id is not None
        user_id = live.user_id
        kept: Atoms = frozenset()
        try:
            if change.added:
                refused = self._send(
                    change.added,
                    lambda atoms: self.client.add_role_assignments(
                        user_id, to_api(atoms, organization)
                    ),
                )
                if refused:
                    raise Refused(
                        refused_grant(live.email, refused.atoms, organization, refused.error)
                    )
            if change.removed:
                refused = self._send(
                    change.removed,
                    lambda atoms: self.client.remove_role_assignments(
                        user_id, to_api(atoms, organization)
                    ),
                )
                broad = frozenset(
                    a for a in refused.atoms if a.target == ALL or a.scope == "organization"
                )
                if broad:
                    raise Refused(refused_revoke(live.email, broad, organization, refused.error))
                kept = refused.atoms
        except Exception:
            self._forget(organization)
            raise
        changed = replace(live, atoms=(live.atoms | change.added) - (change.removed - kept))
        self._record(organization, live.email, changed)
        return Changed(changed, kept)

    def _send(self, atoms: Atoms, send: Callable[[Atoms], None]) -> _Refusals:
        """``send`` every atom in one request; when Cloud refuses it (403
        ``unauthorized_role_assignments``), once per target, to find which targets it refuses."""
        try:
            send(atoms)
            return _Refusals()
        except UnauthorizedRoleAssignments as error:
            if len({_target(a) for a in atoms}) == 1:
                return _Refusals(atoms, error)
        refused: set[Atom] = set()
        last: UnauthorizedRoleAssignments | None = None
        by_target: dict[tuple[str, str, str], set[Atom]] = defaultdict(set)
        for atom in atoms:
            by_target[_target(atom)].add(atom)
        for _, group in sorted(by_target.items()):
            try:
                send(frozenset(group))
            except UnauthorizedRoleAssignments as error:
                refused |= group
                last = error
        return _Refusals(frozenset(refused), last)


@dataclass(frozen=True)
class _Refusals:
    """Atoms Cloud refused (403 ``unauthorized_role_assignments``) and its last such answer."""

    atoms: Atoms = frozenset()
    error: UnauthorizedRoleAssignments | None = None

    def __bool__(self) -> bool:
        return bool(self.atoms)


def _target(atom: Atom) -> tuple[str, str, str]:
    return (atom.scope, atom.project_type, atom.target)


def _code(error: ApiError | None) -> str:
    detail = f": {error.detail}" if error is not None and error.detail else ""
    return f"403 role_assignments.unauthorized_role_assignments{detail}"


def _ids(atoms: Iterable[Atom]) -> list[str]:
    return sorted({a.target for a in atoms if a.scope != "organization" and a.target != ALL})


def refused_grant(
    email: str, atoms: Iterable[Atom], organization: str, error: ApiError | None
) -> str:
    """The message when Cloud refuses to give ``email`` roles its config declares: which, why
    Cloud says so, and what to do instead (issue 11 section 2)."""
    atoms = sorted(atoms)
    said = "; ".join(a.describe() for a in atoms)
    text = f"Elastic Cloud refused to give {email} {said} ({_code(error)})."
    ids = _ids(atoms)
    if not ids:
        return (
            f"{text} The API key may not grant these roles: use an API key with "
            f"organization-admin on organization {organization}."
        )
    paths = sorted({config_path(email, a) for a in atoms if a.target in ids})
    named = ", ".join(ids)
    return (
        f"{text} Cloud answers this for deployments and projects it hides (shut down or "
        "deleted), even to an organization owner's key, and for roles the API key may not "
        f"grant. If {named} {'was' if len(ids) == 1 else 'were'} shut down or deleted, remove "
        f"{'it' if len(paths) == 1 else 'them'} from {', '.join(paths)}; otherwise use an API "
        f"key with organization-admin on organization {organization}."
    )


def refused_revoke(
    email: str, atoms: Iterable[Atom], organization: str, error: ApiError | None
) -> str:
    """The message when Cloud refuses to remove roles that name no deployment or project id
    (a role on all of them, or of the organization): the key lacks the right."""
    said = "; ".join(a.describe() for a in sorted(atoms))
    return (
        f"Elastic Cloud refused to remove {said} from {email} ({_code(error)}): the API key may "
        f"not revoke it. Use an API key with organization-admin on organization {organization}."
    )


# ---------------------------------------------------------------- one per process

_shared: dict[tuple[str, CloudConnection | None], LiveCloud] = {}
_shared_lock = threading.Lock()
_admin_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


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
    configured alike in this process. Never raises: without a key, a ``LiveCloud`` that says
    what to set once it is needed; with an unusable value, one whose ``setup_problem`` names it
    (the providers' checks report it)."""
    get = lookup_from(config)
    settings = CloudSettings()
    try:
        settings = section(CloudSettings, "cloud", get("cloud"))
        connection = cloud_connection(settings, api_key=get("cloudApiKey"))
    except MissingSetting as missing:
        return shared_cloud(settings, None, missing.how)
    except SetupError as error:
        return LiveCloud(settings, None, str(error), unusable=True)
    return shared_cloud(settings, connection)


def stack_members(config: Any, settings: CloudSettings) -> StackMembers:
    """What the stack config declares about the organization as a whole (the provider's
    ``configure()`` sees the whole stack config): which members the config makes
    organization admins, ``authoritative`` and ``protect``. A member entry that is not a
    mapping counts as declared without roles; its own check reports it."""
    raw = lookup_from(config)("members")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = {}
    admins: dict[str, bool] = {}
    for email, entry in (raw if isinstance(raw, Mapping) else {}).items():
        roles = entry.get("organization") if isinstance(entry, Mapping) else None
        roles = [roles] if isinstance(roles, str) else roles
        admins[str(email)] = isinstance(roles, list) and ORGANIZATION_ADMIN in roles
    return StackMembers.of(admins, authoritative=settings.authoritative, protect=settings.protect)
