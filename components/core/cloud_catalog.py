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
