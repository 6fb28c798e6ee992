"""An organization member as the user writes it under ``elastic-access:members`` (keyed by email).

Emails are compared by ``email_key``: Elastic Cloud does not distinguish case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from ..durations import duration_seconds
from ..model import ConfigModel
from ..problems import echo
from ..versions import ProjectType

# local@domain with a dot inside the domain. Possessive, so linear in the length (the plain
# ``[^@\s]+\.[^@\s]+`` backtracks quadratically: 20 s for a 40,000-character key, issue 10 §7).
EMAIL = re.compile(r"^[^@\s]++@[^@\s][^@\s.]*+\.[^@\s]+$")


def email_key(email: str) -> str:
    """The form an email is compared, indexed and named in (Pulumi names, roster keys): lower
    case, since Elastic Cloud treats ``Bob@Example.com`` and ``bob@example.com`` as one person."""
    return email.lower()


def _role_shorthand(value: Any) -> Any:
    """``abc123: observability-editor`` is short for ``abc123: {role: observability-editor}``."""
    if isinstance(value, str):
        return {"role": value}
    if not isinstance(value, Mapping):
        raise ValueError(
            f"must be a role id or a mapping of role/applicationRoles (got {echo(value)})"
        )
    return value


class RoleGrant(ConfigModel):
    """A Cloud role id, optionally with application (stack) roles inside the target."""

    role: str | None = None
    application_roles: list[str] | None = Field(default=None, alias="applicationRoles")


GrantSpec = Annotated[RoleGrant, BeforeValidator(_role_shorthand)]


class DeploymentRoles(ConfigModel):
    """``deployments``: one role for ``all`` deployments, or roles per deployment id (not both)."""

    all: GrantSpec | None = None
    deployments: dict[str, GrantSpec] | None = None


class ProjectRoles(ConfigModel):
    """``projects.<type>``: one role for ``all`` projects of the type, or roles per project id
    (never both)."""

    all: GrantSpec | None = None
    projects: dict[str, GrantSpec] | None = None


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class MemberSpec(ConfigModel):
    """One entry of ``elastic-access:members``, keyed by email."""

    organization: Annotated[
        list[Literal["organization-admin", "billing-admin"]], BeforeValidator(_listify)
    ] = Field(default_factory=list)
    deployments: DeploymentRoles | None = None
    projects: dict[ProjectType, ProjectRoles] = Field(default_factory=dict)
    # Contract section 5: take over a member (or invitation) that already exists with other
    # roles; without it, creating one is refused unless its live roles equal the declaration.
    adopt: bool = False


EXPIRY_FORMS = 'write whole hours or days with the unit, such as "7d" or "72h"'


class CloudSettings(ConfigModel):
    """``elastic-access:cloud``: the Elastic Cloud organization and how members are managed."""

    url: str | None = None
    organization_id: str | None = Field(default=None, alias="organizationId")
    invite_expires_in: str = Field(default="7d", alias="inviteExpiresIn")
    authoritative: bool = False
    protect: list[str] = Field(default_factory=list)

    @field_validator("organization_id", mode="before")
    @classmethod
    def _organization_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("invite_expires_in")
    @classmethod
    def _expiry(cls, value: str) -> str:
        # Whole hours or days, as Elastic Cloud's expires_in takes them.
        seconds = duration_seconds(value, units="hd", bare=False)
        if seconds is None or "." in value:
            raise ValueError(f"{value!r} is not a duration: {EXPIRY_FORMS}")
        if not seconds:
            raise ValueError(f"{value!r} is no time at all: an invitation must last 1h or more")
        return value

    @field_validator("protect")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for email in value:
            if not EMAIL.match(email):
                raise ValueError(f"{email!r} is not an email address")
        return [email_key(e) for e in value]
