"""The inputs and outputs of each dynamic resource, shared by the component that declares it
and the provider that serves it (so that no key is spelt twice)."""

from __future__ import annotations

from typing import Any, TypedDict


class RoleProps(TypedDict, total=False):
    """A Kibana role: ``name`` (the Kibana role name), ``role`` (its config, as under
    ``elastic-access:roles``), ``adopt``; check adds ``body`` (the rendered, normalised Kibana
    body); outputs add the release it was written for (``kibanaVersion``, ``flavor``,
    ``project``) and where it lives (``target``: ``{url, cluster}``)."""

    name: str
    role: dict[str, Any]
    adopt: bool
    body: dict[str, Any] | None
    target: dict[str, str] | None
    kibanaVersion: str | None
    flavor: str | None
    project: str | None


ROLE_INPUTS = ("name", "role", "adopt")


class MemberProps(TypedDict, total=False):
    """An organization member: ``email``, ``member`` (its config, as under
    ``elastic-access:members``), ``organizationId``, ``inviteExpiresIn``, ``protected``; check
    adds ``assignments`` (the atoms the config grants; after create, update and read the live
    atoms), and ``adopts`` on a create that takes over a member who exists already
    (``{message, removes, adds}``: what preview warns about); outputs add ``status`` (active,
    pending or expired), ``userId``, ``expiresAt`` and ``kept`` (roles Cloud refuses to remove,
    each an atom with its ``reason``)."""

    email: str
    member: dict[str, Any]
    organizationId: str | None
    inviteExpiresIn: str
    protected: bool
    assignments: dict[str, dict[str, Any]] | list[dict[str, Any]] | None
    status: str | None
    userId: str | None
    expiresAt: str | None
    adopts: dict[str, Any] | None
    kept: list[dict[str, Any]] | None


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


class SpaceProps(TypedDict, total=False):
    """A Kibana space: ``spaceId``, ``space`` (its config, as under ``elastic-access:spaces``,
    without ``adopt`` and ``allowDelete``), ``adopt``, ``allowDelete``; check adds ``body`` (the
    normalised body the config stands for); outputs add the body as last written or read, and
    where the space lives (``target``) and the release it was written for (``kibanaVersion``,
    ``flavor``, ``project``)."""

    spaceId: str
    space: dict[str, Any]
    adopt: bool
    allowDelete: bool
    body: dict[str, Any] | None
    target: dict[str, str] | None
    kibanaVersion: str | None
    flavor: str | None
    project: str | None


SPACE_INPUTS = ("spaceId", "space", "adopt", "allowDelete")
