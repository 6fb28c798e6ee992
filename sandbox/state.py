"""The sandbox's world: custom roles, spaces, organization members, invitations and the clock.

Everything here is plain data, saved as JSON (``World.save``: temp file + rename) so that two
runs with the same ``--state`` file see the same world. Faults, the request log and counters
are not part of it (see ``context.Runtime``).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

ORG_ID = "1000000001"
ORG_NAME = "Sandbox organization"
OWNER_EMAIL = "owner@sandbox.example"
OWNER_ID = "2000000001"
STATE_VERSION = 1


class Atom(NamedTuple):
    """One Cloud grant: scope, project type ("" outside projects), role id, target ("all", a
    deployment/project id, or the organization id), application roles (None when absent)."""

    scope: str
    project_type: str
    role_id: str
    target: str
    application_roles: tuple[str, ...] | None = None

    def to_json(self) -> list[Any]:
        roles = None if self.application_roles is None else list(self.application_roles)
        return [self.scope, self.project_type, self.role_id, self.target, roles]

    @classmethod
    def from_json(cls, data: list[Any]) -> Atom:
        scope, project_type, role_id, target, roles = data
        return cls(scope, project_type, role_id, target, None if roles is None else tuple(roles))


@dataclass
class Member:
    user_id: str
    email: str
    name: str
    member_since: float
    atoms: set[Atom] = field(default_factory=set)
    organization_id: str = ORG_ID


@dataclass
class Invitation:
    token: str
    email: str
    created_at: float
    expires_at: float
    atoms: set[Atom] = field(default_factory=set)
    organization_id: str = ORG_ID


def new_cluster_uuid() -> str:
    """A cluster uuid as Elasticsearch makes them (``UUIDs.randomBase64UUID``: 22 characters
    of URL-safe base64)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode()


def default_space() -> dict[str, Any]:
    """The stored form of the ``default`` space every Kibana starts with."""
    return {
        "name": "Default",
        "description": "This is your default space!",
        "color": "#00bfb3",
        "disabledFeatures": [],
        "_reserved": True,
    }


def iso(timestamp: float) -> str:
    """An RFC 3339 UTC timestamp with milliseconds, as Elastic Cloud writes them."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class World:
    """Everything a sandbox keeps. ``spaces``: the stored form of each space by id (``default``
    included); ``saved_objects``: what the sandbox keeps in each space (seeded through the
    controls; deleting the space drops them); ``organizations``: name by id (``1000000001``,
    and any the controls add); each member and invitation belongs to one of them."""

    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    spaces: dict[str, dict[str, Any]] = field(default_factory=lambda: {"default": default_space()})
    saved_objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=lambda: {ORG_ID: ORG_NAME})
    members: dict[str, Member] = field(default_factory=dict)
    invitations: dict[str, Invitation] = field(default_factory=dict)
    hidden_ids: set[str] = field(default_factory=set)
    clock_offset: float = 0.0
    next_user: int = int(OWNER_ID) + 1
    # The Elasticsearch cluster behind Kibana (GET /api/stats): kept across resets and runs.
    cluster_uuid: str = field(default_factory=new_cluster_uuid)

    @classmethod
    def initial(cls) -> World:
        world = cls()
        world.members[OWNER_ID] = Member(
            user_id=OWNER_ID,
            email=OWNER_EMAIL,
            name="Sandbox Owner",
            member_since=world.now(),
            atoms={Atom("organization", "", "organization-admin", ORG_ID)},
        )
        return world

    def now(self) -> float:
        """The sandbox clock: wall time plus whatever ``advance_clock`` added."""
        return time.time() + self.clock_offset

    def new_user_id(self) -> str:
        user_id = str(self.next_user)
        self.next_user += 1
        return user_id

    def member_by_email(self, email: str) -> Member | None:
        wanted = email.lower()
        return next((m for m in self.members.values() if m.email.lower() == wanted), None)

    # ------------------------------------------------------------ persistence

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "roles": self.roles,
            "spaces": self.spaces,
            "saved_objects": self.saved_objects,
            "organizations": self.organizations,
            "members": [
                {
                    "user_id": m.user_id,
                    "email": m.email,
                    "name": m.name,
                    "member_since": m.member_since,
                    "atoms": sorted(a.to_json() for a in m.atoms),
                    "organization_id": m.organization_id,
                }
                for m in self.members.values()
            ],
            "invitations": [
                {
                    "token": i.token,
                    "email": i.email,
                    "created_at": i.created_at,
                    "expires_at": i.expires_at,
                    "atoms": sorted(a.to_json() for a in i.atoms),
                    "organization_id": i.organization_id,
                }
                for i in self.invitations.values()
            ],
            "hidden_ids": sorted(self.hidden_ids),
            "clock_offset": self.clock_offset,
            "next_user": self.next_user,
            "cluster_uuid": self.cluster_uuid,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> World:
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported sandbox state version {data.get('version')!r}")
        world = cls(
            roles=dict(data.get("roles") or {}),
            organizations=dict(data.get("organizations") or {ORG_ID: ORG_NAME}),
            spaces={"default": default_space(), **(data.get("spaces") or {})},
            saved_objects=dict(data.get("saved_objects") or {}),
            hidden_ids=set(data.get("hidden_ids") or ()),
            clock_offset=float(data.get("clock_offset") or 0.0),
            next_user=int(data.get("next_user") or int(OWNER_ID) + 1),
        )
        if data.get("cluster_uuid"):
            world.cluster_uuid = str(data["cluster_uuid"])
        for item in data.get("members") or ():
            world.members[item["user_id"]] = Member(
                user_id=item["user_id"],
                email=item["email"],
                name=item.get("name", ""),
                member_since=float(item["member_since"]),
                atoms={Atom.from_json(a) for a in item.get("atoms") or ()},
                organization_id=item.get("organization_id") or ORG_ID,
            )
        for item in data.get("invitations") or ():
            world.invitations[item["token"]] = Invitation(
                token=item["token"],
                email=item["email"],
                created_at=float(item["created_at"]),
                expires_at=float(item["expires_at"]),
                atoms={Atom.from_json(a) for a in item.get("atoms") or ()},
                organization_id=item.get("organization_id") or ORG_ID,
            )
        return world

    @classmethod
    def load(cls, path: Path) -> World:
        """The world saved in ``path``, or a fresh one when the file does not exist."""
        if not path.exists():
            return cls.initial()
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        """Write atomically: a temp file in the same folder, then rename over ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.to_json(), handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
