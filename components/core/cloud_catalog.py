"""Elastic Cloud organization role ids, per scope and project type.

Source: ../shared/reference/cloud-org.md section 4 (docs-content ``user-roles.md``,
terraform-provider-ec ``mapper_roles.go`` / ``schema.go``). Role ids are the wire ids of
``RoleAssignments``; the Security specialist ids are known from terraform-provider-ec only.
"""

from __future__ import annotations

from typing import Literal

from .versions import ProjectType

Scope = Literal["organization", "deployment", "project"]

ORGANIZATION_ROLES: tuple[str, ...] = ("organization-admin", "billing-admin")
ORGANIZATION_ADMIN = "organization-admin"
DEPLOYMENT_ROLES: tuple[str, ...] = ("deployment-admin", "deployment-editor", "deployment-viewer")

_SECURITY_SPECIALISTS = (
    "t1-analyst",
    "t2-analyst",
    "t3-analyst",
    "threat-intel-analyst",
    "rule-author",
    "soc-manager",
    "endpoint-operations-analyst",
    "platform-engineer",
    "detections-admin",
    "endpoint-policy-manager",
)
PROJECT_ROLES: dict[ProjectType, tuple[str, ...]] = {
    "elasticsearch": ("elasticsearch-admin", "elasticsearch-developer", "elasticsearch-viewer"),
    "observability": ("observability-admin", "observability-editor", "observability-viewer"),
    "security": (
        "security-admin",
        "security-editor",
        "security-viewer",
        *(f"security-{r}" for r in _SECURITY_SPECIALISTS),
    ),
}


def viewer_role(project_type: ProjectType) -> str:
    """The role id custom (application) roles are sent with for a project type."""
    return f"{project_type}-viewer"


# The Elasticsearch / Kibana role each Cloud role signs its holder in with: deployment roles
# and the organization owner map to the stack roles superuser, editor and viewer (DOCS-roles
# mapping table); a project role to the predefined role of that name inside the project, with
# underscores (the project_roles/{es,oblt,security}/roles.yml of Kibana's serverless config;
# reference/cloud-org.md §4, which also notes threat-intel-analyst → threat_intelligence_analyst).
_STACK_ROLES = {
    "organization-admin": "superuser",
    "deployment-admin": "superuser",
    "deployment-editor": "editor",
    "deployment-viewer": "viewer",
    "security-threat-intel-analyst": "threat_intelligence_analyst",
}


def stack_role(role_id: str) -> str | None:
    """The stack role a Cloud role id gives inside deployments or projects (``viewer``,
    ``t2_analyst``, ``superuser``), or None for ``billing-admin`` (no stack access) and ids
    this catalog does not know. Organization admins are superuser in every deployment and
    project."""
    if role_id in _STACK_ROLES:
        return _STACK_ROLES[role_id]
    for project_type, roles in PROJECT_ROLES.items():
        if role_id in roles:
            return role_id.removeprefix(f"{project_type}-").replace("-", "_")
    return None
