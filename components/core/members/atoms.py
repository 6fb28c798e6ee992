"""Elastic Cloud role assignments as atoms, and the smallest change between two sets of them.

An atom is one (scope, project type, role, target) grant, with its application roles: the
API's ``RoleAssignments`` blob is a grouping of atoms, and POST / DELETE add and remove atoms
(../shared/reference/cloud-org.md sections 3, 6 and 10). Diffing atoms, not entries, is what
keeps one hidden deployment id from blocking every change (terraform-provider-ec#1041) and lets
us add before we remove, so nobody is without access in between (#957).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..cloud_catalog import ORGANIZATION_ADMIN, Scope, viewer_role
from .spec import MemberSpec, RoleGrant

ALL = "all"
SCOPES: tuple[Scope, ...] = ("organization", "deployment", "project")


@dataclass(frozen=True, order=True)
class Atom:
    """One grant: ``target`` is ``all``, a deployment or project id, or the organization id.

    ``application_roles`` is None when absent; an empty tuple means Cloud-console-only access.
    """

    scope: Scope
    project_type: str
    role_id: str
    target: str
    application_roles: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        """``{scope, role, target, type?, applicationRoles?}``: the atom as Pulumi outputs and
        reports show it."""
        out: dict[str, Any] = {"scope": self.scope, "role": self.role_id, "target": self.target}
        if self.project_type:
            out["type"] = self.project_type
        if self.application_roles is not None:
            out["applicationRoles"] = list(self.application_roles)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Atom:
        """The atom ``as_dict`` wrote (``KeyError`` when scope, role or target is missing)."""
        roles = data.get("applicationRoles")
        return cls(
            scope=data["scope"],
            project_type=data.get("type", ""),
            role_id=data["role"],
            target=data["target"],
            application_roles=None if roles is None else tuple(sorted(set(roles))),
        )

    def describe(self) -> str:
        """``<role> on <where>`` in words (``deployment-viewer on all deployments``)."""
        where = {
            "organization": "the organization",
            "deployment": "all deployments" if self.target == ALL else f"deployment {self.target}",
            "project": (
                f"all {self.project_type} projects"
                if self.target == ALL
                else f"{self.project_type} project {self.target}"
            ),
        }[self.scope]
        apps = ""
        if self.application_roles is not None:
            apps = f" with application roles [{', '.join(self.application_roles)}]"
        return f"{self.role_id} on {where}{apps}"


Atoms = frozenset[Atom]


def config_path(email: str, atom: Atom) -> str:
    """Where ``members.<email>`` declares ``atom`` (``members.bob@example.com.deployments.
    deployments.d-2002``), so that a message can say which line to change."""
    base = f"members.{email}"
    if atom.scope == "organization":
        return f"{base}.organization"
    if atom.scope == "deployment":
        where = f"{base}.deployments"
        return f"{where}.all" if atom.target == ALL else f"{where}.deployments.{atom.target}"
    where = f"{base}.projects.{atom.project_type}"
    return f"{where}.all" if atom.target == ALL else f"{where}.projects.{atom.target}"


def describe_all(atoms: Iterable[Atom]) -> str:
    """``a; b; c``: each atom in words, sorted."""
    return "; ".join(a.describe() for a in sorted(atoms))


def _application_roles(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(sorted(set(value)))


# ---------------------------------------------------------------- config -> atoms


def _grant_atoms(
    grant: RoleGrant, scope: Scope, project_type: str, target: str, default_role: str | None
) -> Atom:
    role = grant.role or default_role or ""
    return Atom(scope, project_type, role, target, _application_roles(grant.application_roles))


def member_atoms(spec: MemberSpec, organization_id: str) -> Atoms:
    """The atoms a member's config grants."""
    atoms: set[Atom] = {
        Atom("organization", "", role, organization_id) for role in spec.organization
    }
    deployments = spec.deployments
    if deployments is not None:
        if deployments.all is not None:
            atoms.add(_grant_atoms(deployments.all, "deployment", "", ALL, None))
        for deployment_id, grant in (deployments.deployments or {}).items():
            atoms.add(_grant_atoms(grant, "deployment", "", deployment_id, None))
    for project_type, roles in spec.projects.items():
        viewer = viewer_role(project_type)
        if roles.all is not None:
            atoms.add(_grant_atoms(roles.all, "project", project_type, ALL, viewer))
        for project_id, grant in (roles.projects or {}).items():
            atoms.add(_grant_atoms(grant, "project", project_type, project_id, viewer))
    return frozenset(atoms)


# ---------------------------------------------------------------- API <-> atoms


def atoms_from_api(assignments: Mapping[str, Any] | None) -> Atoms:
    """Atoms of an API ``RoleAssignments`` (nulls, absent ``all`` and split entries accepted)."""
    if not assignments:
        return frozenset()
    atoms: set[Atom] = set()
    for entry in assignments.get("organization") or ():
        atoms.add(Atom("organization", "", entry["role_id"], str(entry["organization_id"])))
    for entry in assignments.get("deployment") or ():
        atoms.update(_entry_atoms(entry, "deployment", "", "deployment_ids"))
    for project_type, entries in (assignments.get("project") or {}).items():
        for entry in entries or ():
            atoms.update(_entry_atoms(entry, "project", project_type, "project_ids"))
    return frozenset(atoms)


def _entry_atoms(
    entry: Mapping[str, Any], scope: Scope, project_type: str, ids_key: str
) -> Iterator[Atom]:
    roles = _application_roles(entry.get("application_roles"))
    if entry.get("all"):
        yield Atom(scope, project_type, entry["role_id"], ALL, roles)
    for target in entry.get(ids_key) or ():
        yield Atom(scope, project_type, entry["role_id"], str(target), roles)


def to_api(atoms: Iterable[Atom], organization_id: str) -> dict[str, Any]:
    """Group atoms into a ``RoleAssignments`` body: one entry per role, all or sorted ids."""
    body: dict[str, Any] = {}
    groups: dict[tuple[Scope, str, str, bool, tuple[str, ...] | None], list[str]] = defaultdict(
        list
    )
    for atom in sorted(atoms):
        if atom.scope == "organization":
            body.setdefault("organization", []).append(
                {"role_id": atom.role_id, "organization_id": atom.target}
            )
            continue
        key = (
            atom.scope,
            atom.project_type,
            atom.role_id,
            atom.target == ALL,
            atom.application_roles,
        )
        groups[key].append(atom.target)
    for (scope, project_type, role_id, for_all, roles), targets in sorted(
        groups.items(), key=lambda item: repr(item[0])
    ):
        entry: dict[str, Any] = {"role_id": role_id, "organization_id": organization_id}
        ids_key = "deployment_ids" if scope == "deployment" else "project_ids"
        if for_all:
            entry["all"] = True
        else:
            entry["all"] = False
            entry[ids_key] = sorted(targets)
        if roles is not None:
            entry["application_roles"] = list(roles)
        if scope == "deployment":
            body.setdefault("deployment", []).append(entry)
        else:
            body.setdefault("project", {}).setdefault(project_type, []).append(entry)
    return body


def as_dicts(atoms: Iterable[Atom]) -> list[dict[str, Any]]:
    """Atoms as sorted plain data (Pulumi outputs, render output, reports)."""
    return [a.as_dict() for a in sorted(atoms)]


def as_keyed(atoms: Iterable[Atom]) -> dict[str, dict[str, Any]]:
    """Atoms keyed by their description (``{"deployment-viewer on all deployments": {...}}``):
    a member resource's ``assignments``. The engine diffs a list by position, so in a list one
    added grant would show as every later grant changing; keyed, a preview shows exactly the
    grants added and removed."""
    return {a.describe(): a.as_dict() for a in sorted(atoms)}


def from_dicts(
    items: Iterable[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]] | None,
) -> Atoms:
    """The atoms of ``as_keyed`` output, or of ``as_dicts`` (a list: the form states saved by
    versions before the keyed one hold; None: no atom)."""
    values = items.values() if isinstance(items, Mapping) else items
    return frozenset(Atom.from_dict(item) for item in values or ())


# ---------------------------------------------------------------- change


@dataclass(frozen=True)
class AssignmentChange:
    """What to POST (first) and then DELETE to go from ``current`` to ``desired``."""

    added: Atoms
    removed: Atoms

    @property
    def empty(self) -> bool:
        """Whether nothing is added or removed."""
        return not self.added and not self.removed


def plan_change(current: Iterable[Atom], desired: Iterable[Atom]) -> AssignmentChange:
    """The smallest change: only atoms that appear, only atoms that disappear."""
    now, wanted = frozenset(current), frozenset(desired)
    return AssignmentChange(added=wanted - now, removed=now - wanted)


def is_organization_admin(atoms: Iterable[Atom]) -> bool:
    """Whether the atoms grant ``organization-admin``."""
    return any(a.scope == "organization" and a.role_id == ORGANIZATION_ADMIN for a in atoms)
