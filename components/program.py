"""The Pulumi program behind ``__main__.py``: read the stack config, build the components."""

from __future__ import annotations

import json
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from .cloud_members import CloudMembers
from .core.limits import MAX_DEPTH
from .core.problems import Problem, errors
from .core.stack import (
    SECRET_KEYS,
    StackConfig,
    config_values,
    parse_sections,
    plaintext_secret,
    refusals,
)
from .core.stack_file import NAMESPACE
from .core.target import configured_target
from .kibana_roles import KibanaRoles
from .kibana_spaces import KibanaSpaces


def engine_config(config: pulumi.Config) -> tuple[dict[str, Any], list[Problem]]:
    """Every config key the engine passed (any namespace: a mistyped one is worth a message),
    the values of ``elastic-access`` keys parsed as ``Config.get_object`` does (text that is
    not JSON stays text), credentials left out; a credential set as plain text is a warning."""
    keys = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret = set(runtime_config.get_config_secret_keys_env())
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    for key in keys:
        namespace, _, name = str(key).partition(":")
        ours = namespace == NAMESPACE
        plain = key not in secret and not runtime_config.is_config_secret(key)
        if ours and name in SECRET_KEYS and keys[key] not in (None, "") and plain:
            problems.append(plaintext_secret(name))
        if namespace != NAMESPACE or name in SECRET_KEYS:
            raw[key] = None
            continue
        text = config.get(name)
        try:
            raw[key] = json.loads(text) if text is not None else None
        except ValueError:
            raw[key] = text
        except RecursionError:  # json recurses: a value nested about 1,000 deep
            raw[key] = None
            problems.append(Problem(name, f"is nested more than {MAX_DEPTH} levels deep"))
    return raw, problems


def stack_config(config: pulumi.Config) -> StackConfig:
    """The ``elastic-access`` config of the stack, checked as ``elastic-access validate`` checks
    it (secrets are not read here). Raises ``pulumi.RunError`` naming every problem that
    ``refusals`` says holds for whatever Kibana the stack targets, before any resource is
    declared: ``pulumi up --skip-preview`` writes nothing for a config that cannot apply."""
    raw, problems = engine_config(config)
    values, found = config_values(raw)
    loaded = parse_sections(values)
    for problem in problems + found:
        if problem.severity == "warning":
            pulumi.log.warn(str(problem).removeprefix("warning: "))
    refused = refusals(loaded.config, loaded.left_out)
    blocking = sorted(errors(problems + found + loaded.problems) + refused)
    if blocking:
        lines = "\n".join(str(p) for p in blocking)
        note = _release_note(loaded.config) if refused else ""
        raise pulumi.RunError(f"{HEADER}{note}:\n{lines}")
    return loaded.config


HEADER = "the elastic-access stack config has problems"


def _release_note(config: StackConfig) -> str:
    """Without ``kibana.version``, the lines name the release ``validate`` assumes, although
    they hold for every one: say so, lest a reader think the stack targets that release."""
    if config.kibana.version or config.kibana.flavor == "serverless":
        return ""
    return (
        f" whatever Kibana release it meets (kibana.version is not set; the lines name "
        f"{configured_target(config.kibana)}, the newest elastic-access knows)"
    )


def build(config: pulumi.Config | None = None) -> None:
    """Declare every space, role and member of the stack and export what a reader wants to
    see."""
    stack = stack_config(config or pulumi.Config())
    spaces = KibanaSpaces("kibana-spaces", stack.spaces) if stack.spaces else None
    if spaces is not None:
        pulumi.export("spaces", spaces.space_ids)
    if stack.roles:
        roles = KibanaRoles("kibana-roles", stack.roles, spaces=spaces.spaces if spaces else None)
        pulumi.export("roles", roles.role_names)
    if stack.members or stack.cloud.authoritative:
        members = CloudMembers("cloud-members", stack.members, stack.cloud)
        pulumi.export("members", members.statuses)
