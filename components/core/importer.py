"""Existing Kibana roles and Cloud members as stack config (``elastic-access import``).

Roles: a GET answer becomes an ``elastic-access:roles`` entry that uses the shorthands only
where they say exactly what the role grants on the target Kibana (``shorthand.flatten``) and
raw ``kibana`` / ``elasticsearch`` entries otherwise. The guarantee, checked here for every
role, is that rendering the entry gives back the live role (``same_role``); should the
shorthands ever miss it, the role is written with raw entries only. Built-in roles are skipped.

Members: a member's (or invitation's) ``role_assignments`` become an ``elastic-access:members``
entry whose atoms (``assignments.member_atoms``) are the live ones, wherever the config can say
so; what it cannot say (two roles for one target) is reported as a note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from .assignments import ALL, Atom
from .cloud_catalog import viewer_role
from .config import RoleSpec
from .kibana_role import Body, is_reserved, normalise, read_warnings
from .roster import roster_of
from .shorthand import expand, flatten
from .versions import KibanaTarget, ProjectType


@dataclass
class Imported:
    """Config entries keyed by role name or email, plus notes for the user."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- roles


def importable_body(role: Mapping[str, Any]) -> Body:
    """The part of a GET answer the config can hold: metadata keys starting ``_`` are dropped
    (Elasticsearch refuses them on write; they mark built-in roles)."""
    metadata = {k: v for k, v in (role.get("metadata") or {}).items() if not str(k).startswith("_")}
    return normalise({**role, "metadata": metadata})


def role_config(
    role: Mapping[str, Any], target: KibanaTarget, *, adopt: bool = True
) -> dict[str, Any]:
    """One role's config entry (YAML-ready), rendering back to ``importable_body(role)``."""
    body = importable_body(role)
    entry = flatten(body, target)
    if not _renders_to(entry, body, target):
        entry = _raw_config(body)
    if adopt:
        entry["adopt"] = True
    return entry


def import_roles(
    roles: Iterable[Mapping[str, Any]], target: KibanaTarget, *, adopt: bool = True
) -> Imported:
    """Config entries for every role that is not built in, keyed by role name (sorted).

    ``adopt`` (default true) marks each entry ``adopt: true``: the roles exist already, so
    ``pulumi up`` must take them over rather than create them.
    """
    result = Imported()
    for role in sorted(roles, key=lambda r: str(r.get("name") or "")):
        name = str(role.get("name") or "")
        if is_reserved(role):
            result.notes.append(f"skipped reserved role {name}: built-in roles are not managed")
            continue
        result.notes += [f"role {name}: {warning}" for warning in read_warnings(role)]
        result.entries[name] = role_config(role, target, adopt=adopt)
    return result


def _renders_to(entry: Mapping[str, Any], body: Body, target: KibanaTarget) -> bool:
    try:
        spec = RoleSpec.model_validate(dict(entry))
    except ValueError:
        return False
    return normalise(expand(spec, target)) == body


def _raw_config(body: Body) -> dict[str, Any]:
    """The role with raw entries only (no shorthand)."""
    entry: dict[str, Any] = {}
    if body["description"]:
        entry["description"] = body["description"]
    if body["kibana"]:
        entry["kibana"] = [
            {k: v for k, v in e.items() if v or k == "spaces"} for e in body["kibana"]
        ]
    es = {k: v for k, v in body["elasticsearch"].items() if v}
    if es:
        entry["elasticsearch"] = es
    if body["metadata"]:
        entry["metadata"] = body["metadata"]
    return entry


# ---------------------------------------------------------------- members


def import_members(
    members: Iterable[Mapping[str, Any]],
    invitations: Iterable[Mapping[str, Any]],
    organization_id: str,
) -> Imported:
    """Config entries for the organization's members and pending invitations, keyed by email.

    A membership wins over an invitation for the same email; expired invitations are left out
    (with a note), since they grant nothing until re-issued.
    """
    result = Imported()
    for email, live in sorted(roster_of(members, invitations).items()):
        if live.status == "expired":
            result.notes.append(f"skipped {email}: their invitation has expired")
            continue
        entry, notes = member_config(live.atoms, organization_id, email)
        result.entries[email] = entry
        result.notes += notes
    return result


def member_config(
    atoms: Iterable[Atom], organization_id: str, email: str = "member"
) -> tuple[dict[str, Any], list[str]]:
    """A member's config entry whose ``member_atoms`` are ``atoms``, and notes on what the
    config cannot hold (roles in other organizations, several roles for one target)."""
    notes: list[str] = []
    organization: list[str] = []
    deployments: dict[str, list[Atom]] = defaultdict(list)
    projects: dict[str, dict[str, list[Atom]]] = defaultdict(lambda: defaultdict(list))
    for atom in sorted(atoms):
        if atom.scope == "organization":
            if atom.target == organization_id:
                organization.append(atom.role_id)
            else:
                notes.append(
                    f"members.{email}: left out {atom.role_id} of organization {atom.target} "
                    f"(importing organization {organization_id})"
                )
        elif atom.scope == "deployment":
            deployments[atom.target].append(atom)
        else:
            projects[atom.project_type][atom.target].append(atom)
    entry: dict[str, Any] = {}
    if organization:
        entry["organization"] = organization[0] if len(organization) == 1 else organization
    if deployments:
        entry["deployments"] = _scope_config(
            deployments, "deployments", None, f"members.{email}.deployments", notes
        )
    for project_type in sorted(projects):
        where = f"members.{email}.projects.{project_type}"
        viewer = viewer_role(cast(ProjectType, project_type))
        entry.setdefault("projects", {})[project_type] = _scope_config(
            projects[project_type], "projects", viewer, where, notes
        )
    return entry, notes


def _scope_config(
    by_target: Mapping[str, list[Atom]],
    ids_key: str,
    viewer: str | None,
    where: str,
    notes: list[str],
) -> dict[str, Any]:
    """``{all: grant}`` and/or ``{<ids_key>: {id: grant}}`` (both only when Cloud has both,
    which ``validate`` then reports: the Cloud console's rule)."""
    out: dict[str, Any] = {}
    for target, atoms in sorted(by_target.items()):
        kept = atoms[0]
        if len(atoms) > 1:
            others = ", ".join(a.role_id for a in atoms[1:])
            path = f"{where}.{'all' if target == ALL else f'{ids_key}.{target}'}"
            notes.append(
                f"{path}: Cloud grants several roles here; the config holds one: kept "
                f"{kept.role_id}, left out {others}"
            )
        grant = _grant(kept, viewer)
        if target == ALL:
            out["all"] = grant
        else:
            out.setdefault(ids_key, {})[target] = grant
    return out


def _grant(atom: Atom, viewer: str | None) -> Any:
    """``role``, or ``{role, applicationRoles}``; a project's viewer role with application
    roles is written as ``{applicationRoles}`` alone, as the contract spells custom roles."""
    if atom.application_roles is None:
        return atom.role_id
    roles = list(atom.application_roles)
    if viewer is not None and atom.role_id == viewer:
        return {"applicationRoles": roles}
    return {"role": atom.role_id, "applicationRoles": roles}
