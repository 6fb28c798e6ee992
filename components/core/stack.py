"""A whole stack config: the target it is checked for, its problems, its rendering."""

from __future__ import annotations

from typing import Any

from .assignments import as_dicts, member_atoms, to_api, validate_member
from .config import StackConfig
from .kibana_role import put_body
from .problems import Problem
from .role_validation import validate_role
from .shorthand import render
from .versions import KibanaTarget

ORGANIZATION_PLACEHOLDER = "<cloud.organizationId>"


def target_of(
    config: StackConfig, version: str | None = None, flavor: str | None = None
) -> KibanaTarget:
    """The target named by the command line, else by ``kibana.version``/``flavor``, else newest."""
    return KibanaTarget.of(version or config.kibana.version, flavor or config.kibana.flavor)


def organization_required(organization_id: str | None) -> list[Problem]:
    """Members need the organization they belong to."""
    if organization_id:
        return []
    return [Problem("cloud.organizationId", "is required when members are declared")]


def validate_stack(config: StackConfig, target: KibanaTarget) -> list[Problem]:
    """Every problem of the config for this target, errors and warnings, sorted by path."""
    problems: list[Problem] = []
    for name, role in config.roles.items():
        problems += validate_role(name, role, target)
    for email, member in config.members.items():
        problems += validate_member(email, member)
    if config.members:
        problems += organization_required(config.cloud.organization_id)
    for i, email in enumerate(config.cloud.protect):
        if email not in {m.lower() for m in config.members} and not config.cloud.authoritative:
            problems.append(
                Problem(
                    f"cloud.protect[{i}]",
                    f"{email} is not declared in members; protect matters for declared members "
                    "and for authoritative mode",
                    "warning",
                )
            )
    return sorted(problems)


def render_stack(config: StackConfig, target: KibanaTarget) -> dict[str, Any]:
    """``{"roles": {name: PUT body}, "members": {email: role_assignments}}``, deterministic."""
    organization = config.cloud.organization_id or ORGANIZATION_PLACEHOLDER
    return {
        "roles": {
            name: put_body(render(role, target)) for name, role in sorted(config.roles.items())
        },
        "members": {
            email.lower(): to_api(member_atoms(member, organization), organization)
            for email, member in sorted(config.members.items())
        },
    }


def member_summary(config: StackConfig) -> dict[str, list[dict[str, Any]]]:
    """Each member's atoms as plain data (reports)."""
    organization = config.cloud.organization_id or ORGANIZATION_PLACEHOLDER
    return {
        email.lower(): as_dicts(member_atoms(member, organization))
        for email, member in sorted(config.members.items())
    }
