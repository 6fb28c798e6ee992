"""Pulumi resources for Elastic Cloud organization members: one ``CloudMember`` per email,
and in authoritative mode one ``CloudRoster`` that removes whoever is not declared.

Each member's Pulumi name is its email (``email_key``: lower-cased), so URNs stay stable and
every line of ``pulumi preview`` names a person the reader knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

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
    assignments: pulumi.Output[list[dict[str, Any]]]

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
        )
        super().__init__(CloudMemberProvider(), key, props, opts)


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
        child = pulumi.ResourceOptions(parent=self)
        self.members = {
            email_key(email): CloudMember(email, spec, cloud, child)
            for email, spec in sorted(members.items())
        }
        self.roster = CloudRoster(list(self.members), cloud, child) if cloud.authoritative else None
        self.statuses = pulumi.Output.all(*(m.status for m in self.members.values())).apply(
            lambda states: dict(zip(self.members, states, strict=True))
        )
        self.register_outputs({"members": self.statuses})
