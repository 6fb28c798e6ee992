"""Pulumi resources for Elastic Cloud organization members: one ``CloudMember`` per email,
and in authoritative mode one ``CloudRoster`` that removes whoever is not declared.

Each member's Pulumi name is its email (``email_key``: lower-cased), so URNs stay stable and
every line of ``pulumi preview`` names a person the reader knows.

Order: the members whose config grants organization-admin go first, the other members and the
roster after them, so that in one ``up`` a promotion lands before a demotion or removal it
makes safe (the organization always keeps an admin). Warnings: preview names each create that
adopts a member already there, and every run names the roles Cloud keeps (hidden deployments
and projects).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .core.cloud_catalog import ORGANIZATION_ADMIN
from .core.members.spec import CloudSettings, MemberSpec, email_key
from .providers.cloud_member import CloudMemberProvider
from .providers.cloud_roster import CloudRosterProvider
from .providers.props import MemberProps, RosterProps

ROSTER_NAME = "organization-roster"


def member_inputs(spec: MemberSpec) -> dict[str, Any]:
    """A member's config as resource input: what the user wrote, defaults left out."""
    inputs: dict[str, Any] = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return inputs


class CloudMember(pulumi.dynamic.Resource, module="cloud", name="Member"):
    """One organization member or invitee, managed through the Elastic Cloud API."""

    status: pulumi.Output[str]
    # Keyed by description (atoms.as_keyed); a list in states saved before that form. Typed
    # Any: the SDK would refuse to read an old state's list into a dict type.
    assignments: pulumi.Output[Any]
    adopts: pulumi.Output[dict[str, Any] | None]
    kept: pulumi.Output[list[dict[str, Any]] | None]

    def __init__(
        self,
        email: str,
        spec: MemberSpec,
        cloud: CloudSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        key = email_key(email)
        props = MemberProps(
            email=key,
            member=member_inputs(spec),
            organizationId=cloud.organization_id,
            inviteExpiresIn=cloud.invite_expires_in,
            protected=key in cloud.protect,
            assignments=None,
            status=None,
            userId=None,
            expiresAt=None,
            adopts=None,
            kept=None,
        )
        super().__init__(CloudMemberProvider(), key, props, opts)
        self.adopts.apply(self._say_adopts)
        self.kept.apply(self._say_kept)

    def _say_adopts(self, adopts: dict[str, Any] | None) -> None:
        # Only a create's checked inputs carry ``adopts``, and preview is where the user decides.
        if not adopts or not pulumi.runtime.is_dry_run():
            return
        say = pulumi.log.warn if adopts.get("removes") else pulumi.log.info
        say(str(adopts.get("message")), resource=self)

    def _say_kept(self, kept: list[dict[str, Any]] | None) -> None:
        for atom in kept or ():
            pulumi.log.warn(str(atom.get("reason")), resource=self)


class CloudRoster(pulumi.dynamic.Resource, module="cloud", name="Roster"):
    """Authoritative mode: lists (preview) and removes (up) undeclared members and invitees."""

    undeclared: pulumi.Output[list[str]]

    def __init__(
        self,
        declared: list[str],
        cloud: CloudSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = RosterProps(
            organizationId=cloud.organization_id,
            declared=sorted(email_key(e) for e in declared),
            protect=sorted(cloud.protect),
            undeclared=None,
            removed=None,
        )
        super().__init__(CloudRosterProvider(), ROSTER_NAME, props, opts)


class CloudMembers(pulumi.ComponentResource):
    """Every member of ``elastic-access:members`` (and the roster in authoritative mode)."""

    def __init__(
        self,
        name: str,
        members: Mapping[str, MemberSpec],
        cloud: CloudSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("elastic-access:cloud:Members", name, None, opts)
        specs = {email_key(email): spec for email, spec in sorted(members.items())}
        admins = {e: s for e, s in specs.items() if ORGANIZATION_ADMIN in s.organization}
        first = {
            e: CloudMember(e, s, cloud, pulumi.ResourceOptions(parent=self))
            for e, s in admins.items()
        }
        after = pulumi.ResourceOptions(parent=self, depends_on=list(first.values()))
        self.members = {
            e: first.get(e) or CloudMember(e, s, cloud, after) for e, s in specs.items()
        }
        self.roster = CloudRoster(list(self.members), cloud, after) if cloud.authoritative else None
        self.statuses = pulumi.Output.all(*(m.status for m in self.members.values())).apply(
            lambda states: dict(zip(self.members, states, strict=True))
        )
        self.register_outputs({"members": self.statuses})
