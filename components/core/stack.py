"""A whole stack config: its schema, loading it from a stack file, its problems, its rendering.

Shape errors come back as ``Problem`` objects naming the field path the user wrote
(``roles.obs-triage.cases.observability.access``) and the allowed values. Rules of one role
live in ``roles``, of one member in ``members``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from .es_privileges import Names
from .members.atoms import as_dicts, member_atoms, to_api
from .members.spec import EMAIL, CloudSettings, MemberSpec, email_key
from .members.validation import organization_required, validate_member
from .model import ConfigModel
from .problems import InvalidConfig, Problem, one_of, problems_from
from .roles.body import put_body
from .roles.expand import render
from .roles.spec import RoleSpec
from .roles.validation import validate_role
from .spaces.spec import SpaceSpec, space_body
from .target import KibanaSettings
from .versions import KibanaTarget

NAMESPACE = "elastic-access"
SECRET_KEYS = ("kibanaApiKey", "kibanaUsername", "kibanaPassword", "cloudApiKey")
CONFIG_KEYS = ("kibana", "cloud", "roles", "members", "spaces", *SECRET_KEYS)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: ~4x faster


class StackConfig(ConfigModel):
    """Everything under the ``elastic-access`` namespace, secrets left out."""

    kibana: KibanaSettings = Field(default_factory=KibanaSettings)
    cloud: CloudSettings = Field(default_factory=CloudSettings)
    roles: dict[str, RoleSpec] = Field(default_factory=dict)
    members: dict[str, MemberSpec] = Field(default_factory=dict)
    spaces: dict[str, SpaceSpec] = Field(default_factory=dict)


# ---------------------------------------------------------------- loading


def stack_values(document: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The ``elastic-access:*`` values of a Pulumi stack file (``config:`` section)."""
    raw = document.get("config") or {}
    if not isinstance(raw, Mapping):
        return {}, [Problem("config", "must be a mapping of config keys")]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        namespace, _, name = str(key).partition(":")
        if namespace != NAMESPACE:
            continue
        if name not in CONFIG_KEYS:
            problems.append(Problem(str(key), f"unknown config key; {one_of(CONFIG_KEYS)}"))
            continue
        if name not in SECRET_KEYS:
            values[name] = value
    return values, problems


def parse_config(values: Mapping[str, Any]) -> StackConfig:
    """Validate the shape of the config values; raise ``InvalidConfig`` naming every mistake."""
    try:
        config = StackConfig.model_validate(dict(values))
    except ValidationError as error:
        raise InvalidConfig(problems_from(error, StackConfig)) from None
    problems = _member_key_problems(config)
    if problems:
        raise InvalidConfig(problems)
    return config


def _member_key_problems(config: StackConfig) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for email in config.members:
        path = f"members.{email}"
        if not EMAIL.match(email):
            problems.append(Problem(path, f"{email!r} is not an email address"))
        previous = seen.setdefault(email_key(email), email)
        if previous != email:
            problems.append(
                Problem(path, f"same address as members.{previous} (emails ignore case)")
            )
    return problems


def load_stack_file(path: str | Path) -> StackConfig:
    """Read and validate a Pulumi stack config file (``stacks/Pulumi.<stack>.yaml``)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = yaml.load(text, Loader=_Loader) or {}
    except yaml.YAMLError as error:
        raise InvalidConfig([Problem(str(path), f"is not valid YAML: {error}")]) from None
    if not isinstance(document, Mapping):
        raise InvalidConfig([Problem(str(path), "must be a YAML mapping with a config: section")])
    values, problems = stack_values(document)
    if problems:
        raise InvalidConfig(problems)
    return parse_config(values)


# ---------------------------------------------------------------- checking and rendering

ORGANIZATION_PLACEHOLDER = "<cloud.organizationId>"


def validate_stack(
    config: StackConfig,
    target: KibanaTarget,
    *,
    es_names: Names | None = None,
    live_features: bool = False,
) -> list[Problem]:
    """Every problem of the config for this target, errors and warnings, sorted by path
    (``es_names``, ``live_features``: what the live Kibana settles, see ``validate_role``)."""
    problems: list[Problem] = []
    for name, role in config.roles.items():
        problems += validate_role(name, role, target, es_names, live_features=live_features)
    for email, member in config.members.items():
        problems += validate_member(email, member)
    if config.members:
        problems += organization_required(config.cloud.organization_id)
    for i, email in enumerate(config.cloud.protect):
        if email not in {email_key(m) for m in config.members} and not config.cloud.authoritative:
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
    spaces = {"spaces": {i: space_body(i, s) for i, s in sorted(config.spaces.items())}}
    return (spaces if config.spaces else {}) | {
        "roles": {
            name: put_body(render(role, target), normalised=True)
            for name, role in sorted(config.roles.items())
        },
        "members": {
            email_key(email): to_api(member_atoms(member, organization), organization)
            for email, member in sorted(config.members.items())
        },
    }


def member_summary(config: StackConfig) -> dict[str, list[dict[str, Any]]]:
    """Each member's atoms as plain data (reports)."""
    organization = config.cloud.organization_id or ORGANIZATION_PLACEHOLDER
    return {
        email_key(email): as_dicts(member_atoms(member, organization))
        for email, member in sorted(config.members.items())
    }
