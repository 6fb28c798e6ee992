"""Pulumi resources for Kibana roles: one ``KibanaRole`` per role, grouped by ``KibanaRoles``.

Each role's Pulumi name is its Kibana role name, so URNs stay stable and every line of
``pulumi preview`` names a role the reader knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .core.roles.spec import RoleSpec
from .providers.kibana_role import KibanaRoleProvider
from .providers.props import RoleProps


def role_inputs(spec: RoleSpec) -> dict[str, Any]:
    """A role's config as resource input: what the user wrote, defaults left out."""
    inputs: dict[str, Any] = spec.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, exclude={"adopt"}
    )
    return inputs


class KibanaRole(pulumi.dynamic.Resource, module="kibana", name="Role"):
    """One Kibana role, managed through ``PUT/GET/DELETE /api/security/role/{name}``."""

    body: pulumi.Output[dict[str, Any]]
    kibana_version: pulumi.Output[str]

    def __init__(
        self,
        role_name: str,
        spec: RoleSpec,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = RoleProps(
            name=role_name,
            role=role_inputs(spec),
            adopt=spec.adopt,
            body=None,
            kibanaVersion=None,
            flavor=None,
            project=None,
        )
        super().__init__(KibanaRoleProvider(), role_name, props, opts)


class KibanaRoles(pulumi.ComponentResource):
    """Every role of ``elastic-access:roles``."""

    def __init__(
        self,
        name: str,
        roles: Mapping[str, RoleSpec],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("elastic-access:kibana:Roles", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.roles = {role: KibanaRole(role, spec, child) for role, spec in sorted(roles.items())}
        self.role_names = sorted(self.roles)
        self.register_outputs({"roleNames": self.role_names})
