"""The Pulumi program behind ``__main__.py``: read the stack config, build the components."""

from __future__ import annotations

from typing import Any

import pulumi

from .cloud_members import CloudMembers
from .core.problems import InvalidConfig
from .core.stack import CONFIG_KEYS, SECRET_KEYS, StackConfig, parse_config
from .kibana_roles import KibanaRoles


def stack_config(config: pulumi.Config) -> StackConfig:
    """The ``elastic-access`` config of the stack, shape-checked (secrets are not read here)."""
    values: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        if key not in SECRET_KEYS:
            value = config.get_object(key)
            if value is not None:
                values[key] = value
    try:
        return parse_config(values)
    except InvalidConfig as error:
        raise pulumi.RunError(f"the elastic-access stack config has problems:\n{error}") from None


def build(config: pulumi.Config | None = None) -> None:
    """Declare every role and member of the stack and export what a reader wants to see."""
    stack = stack_config(config or pulumi.Config())
    if stack.roles:
        roles = KibanaRoles("kibana-roles", stack.roles)
        pulumi.export("roles", roles.role_names)
    if stack.members or stack.cloud.authoritative:
        members = CloudMembers("cloud-members", stack.members, stack.cloud)
        pulumi.export("members", members.statuses)
