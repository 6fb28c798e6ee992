"""Existing Cloud members as stack config (``elastic-access import --cloud-org``).

A member's (or invitation's) ``role_assignments`` become an ``elastic-access:members`` entry
whose atoms (``atoms.member_atoms``) are the live ones, wherever the config can say so. Every
entry that says exactly what Cloud grants is marked ``adopt: true`` (the member exists, contract
§5); what the config cannot say (two roles for one target, roles in another organization) is a
comment above the entry, which then has no ``adopt``: adopting it would remove what it leaves
out, so ``pulumi up`` refuses until the user decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, cast

from ..cloud_catalog import viewer_role
from ..imported import Imported
from ..versions import ProjectType
from .atoms import ALL, Atom
from .roster import Roster


def import_members(roster: Roster, organization_id: str) -> Imported:
    """Config entries for the organization's members and pending invitations, keyed by email.

    A membership wins over an invitation for the same email; expired invitations are left out
    (with a note), since they grant nothing until re-issued.
    """
    result = Imported()
    for email, live in sorted(roster.items()):
        if live.status == "expired":
            result.notes.append(f"skipped {email}: their invitation has expired")
            continue
        entry, notes = member_config(live.atoms, organization_id, email)
        result.entries[email] = entry
        if live.status == "pending":
            expiry = f" (it expires {live.expires_at})" if live.expires_at else ""
            result.comments.setdefault(email, []).append(f"invited, not yet accepted{expiry}")
        for note in notes:
            result.comment(email, note)
        if notes:
            result.comments[email].append(
                "no adopt: true, since adopting this entry would remove what it leaves out; "
                "pulumi up refuses and names it until you add adopt: true or change Cloud"
            )
        else:
            entry["adopt"] = True
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
