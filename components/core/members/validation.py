"""Every rule a member's config must pass before anything is sent to Elastic Cloud: role ids
per scope and project type (``cloud_catalog``), and the Cloud console's all-or-individual rule
per type (../shared/reference/cloud-org.md section 4)."""

from __future__ import annotations

from ..cloud_catalog import DEPLOYMENT_ROLES, PROJECT_ROLES
from ..problems import Problem, one_of
from ..versions import PROJECT_TYPES, ProjectType
from .atoms import member_atoms
from .spec import GrantSpec, MemberSpec


def validate_member(email: str, spec: MemberSpec) -> list[Problem]:
    """Role ids per scope and type, and the all-or-individual rule per type."""
    path = f"members.{email}"
    problems: list[Problem] = []
    deployments = spec.deployments
    if deployments is not None:
        where = f"{path}.deployments"
        if deployments.all is not None and deployments.deployments:
            problems.append(Problem(where, _all_or_individual("deployments", "deployments")))
        if deployments.all is not None:
            problems += _grant_problems(deployments.all, f"{where}.all", DEPLOYMENT_ROLES, None)
        for deployment_id, grant in (deployments.deployments or {}).items():
            problems += _grant_problems(
                grant, f"{where}.deployments.{deployment_id}", DEPLOYMENT_ROLES, None
            )
    for project_type, roles in spec.projects.items():
        where = f"{path}.projects.{project_type}"
        allowed = PROJECT_ROLES[project_type]
        if roles.all is not None and roles.projects:
            problems.append(
                Problem(where, _all_or_individual(f"{project_type} projects", "projects"))
            )
        if roles.all is None and roles.projects is None:
            problems.append(Problem(where, "set all (one role for every project) or projects"))
        if roles.all is not None:
            problems += _grant_problems(roles.all, f"{where}.all", allowed, project_type)
        for project_id, grant in (roles.projects or {}).items():
            problems += _grant_problems(
                grant, f"{where}.projects.{project_id}", allowed, project_type
            )
    if not member_atoms(spec, "organization"):
        problems.append(Problem(path, "grants no role; give at least one role", "warning"))
    return problems


def _all_or_individual(what: str, field: str) -> str:
    return (
        f"set either all (one role for all {what}, present and future) or {field} (roles per "
        f'id), not both: individual roles need the Cloud console\'s "Role for all" set to None'
    )


def _grant_problems(
    grant: GrantSpec, path: str, allowed: tuple[str, ...], project_type: ProjectType | None
) -> list[Problem]:
    role = grant.role
    if role is None:
        if project_type is None or grant.application_roles is None:
            return [Problem(path, f"needs a role; {one_of(allowed)}")]
        return []
    if role in allowed:
        return []
    owner = next((t for t in PROJECT_TYPES if role in PROJECT_ROLES[t]), None)
    kind = f"{project_type} projects" if project_type else "deployments"
    if owner is not None and owner != project_type:
        reason = f"{role!r} is a role of {owner} projects, not of {kind}"
    elif role in DEPLOYMENT_ROLES and project_type:
        reason = f"{role!r} is a deployment role, not a role of {kind}"
    else:
        reason = f"{role!r} is not a role of {kind}"
    return [Problem(path, f"{reason}; {one_of(allowed)}")]


def organization_required(organization_id: str | None) -> list[Problem]:
    """Members need the organization they belong to."""
    if organization_id:
        return []
    return [Problem("cloud.organizationId", "is required when members are declared")]
