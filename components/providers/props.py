"""The inputs and outputs of each dynamic resource, shared by the component that declares it
and the provider that serves it (so that no key is spelt twice)."""

from __future__ import annotations

from typing import Any, TypedDict


class RoleProps(TypedDict, total=False):
    """A Kibana role: ``name`` (the Kibana role name), ``role`` (its config, as under
    ``elastic-access:roles``), ``adopt``; check adds ``body`` (the rendered, normalised Kibana
    body); outputs add the target it was written for (``kibanaVersion``, ``flavor``,
    ``project``)."""

    name: str
    role: dict[str, Any]
    adopt: bool
    body: dict[str, Any] | None
    kibanaVersion: str | None
    flavor: str | None
    project: str | None


ROLE_INPUTS = ("name", "role", "adopt")


class MemberProps(TypedDict, total=False):
    """An organization member: ``email``, ``member`` (its config, as under
    ``elastic-access:members``), ``organizationId``, ``inviteExpiresIn``, ``protected``; check
    adds ``assignments`` (the atoms the config grants; after create, update and read the live
    atoms); outputs add ``status`` (active, pending or expired), ``userId``, ``expiresAt``."""

    email: str
    member: dict[str, Any]
    organizationId: str | None
    inviteExpiresIn: str
    protected: bool
    assignments: list[dict[str, Any]] | None
    status: str | None
    userId: str | None
    expiresAt: str | None


MEMBER_INPUTS = ("email", "member", "organizationId", "inviteExpiresIn", "protected", "assignments")


class RosterProps(TypedDict, total=False):
    """Authoritative mode: ``organizationId``, ``declared`` and ``protect`` (emails); check adds
    ``undeclared`` (whom up removes); outputs add ``removed``."""

    organizationId: str | None
    declared: list[str]
    protect: list[str]
    undeclared: list[str] | None
    removed: list[str] | None


ROSTER_INPUTS = ("organizationId", "declared", "protect", "undeclared")
