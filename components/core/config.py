"""The stack-config schema (contract section 3) and its parsing into typed models.

Shape errors come back as ``Problem`` objects naming the field path the user wrote
(``roles.obs-triage.cases.observability.access``) and the allowed values. Rules that depend on
the target Kibana (which sub-features exist, which solutions have Cases) live in
``role_validation``; rules on members live in ``assignments``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from .feature_catalog import SOLUTIONS, Solution
from .problems import InvalidConfig, Problem, one_of
from .versions import PROJECT_TYPES, ProjectType, Version

NAMESPACE = "elastic-access"
SECRET_KEYS = ("kibanaApiKey", "kibanaUsername", "kibanaPassword", "cloudApiKey")
CONFIG_KEYS = ("kibana", "cloud", "roles", "members", *SECRET_KEYS)
Access = Literal["all", "read", "none"]
ACCESS_LEVELS: tuple[str, ...] = ("all", "read", "none")
_EXPIRY = re.compile(r"^[1-9][0-9]*[hd]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _access_shorthand(value: Any) -> Any:
    """``security: all`` is short for ``security: {access: all}``."""
    if isinstance(value, str):
        return {"access": value}
    if not isinstance(value, Mapping):
        raise ValueError(
            f"must be all, read, none or a mapping of access/allow/deny (got {value!r})"
        )
    return value


class CustomisedAccess(_Model):
    """``all``/``read``/``none``, optionally with sub-feature privileges added or removed."""

    access: Access
    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)

    @property
    def customised(self) -> bool:
        return bool(self.allow or self.deny)


AccessSpec = Annotated[CustomisedAccess, BeforeValidator(_access_shorthand)]


class FieldSecurity(_Model):
    grant: list[str] | None = None
    except_: list[str] | None = Field(default=None, alias="except")


class IndexPrivileges(_Model):
    names: list[str] = Field(min_length=1, max_length=100)
    privileges: list[str] = Field(min_length=1, max_length=100)
    field_security: FieldSecurity | None = None
    query: str | dict[str, Any] | None = None
    allow_restricted_indices: bool | None = None


class RemoteIndexPrivileges(IndexPrivileges):
    clusters: list[str] = Field(min_length=1, max_length=100)


class RemoteClusterPrivileges(_Model):
    privileges: list[str] = Field(min_length=1, max_length=100)
    clusters: list[str] = Field(min_length=1, max_length=100)


class ElasticsearchPrivileges(_Model):
    cluster: list[str] = Field(default_factory=list, max_length=100)
    indices: list[IndexPrivileges] = Field(default_factory=list, max_length=1000)
    remote_indices: list[RemoteIndexPrivileges] = Field(default_factory=list, max_length=1000)
    remote_cluster: list[RemoteClusterPrivileges] = Field(default_factory=list, max_length=100)
    run_as: list[str] = Field(default_factory=list, max_length=100)


class KibanaEntry(_Model):
    """A raw Kibana privilege entry, exactly as the role API takes it."""

    spaces: list[str] = Field(default_factory=lambda: ["*"])
    base: list[str] = Field(default_factory=list, max_length=50)
    feature: dict[str, list[str]] = Field(default_factory=dict)


class RoleSpec(_Model):
    """One entry of ``elastic-access:roles``: shorthands plus raw privileges."""

    description: str = Field(default="", max_length=2048)
    spaces: list[str] = Field(default_factory=lambda: ["*"])
    cases: dict[Solution, AccessSpec] = Field(default_factory=dict)
    connectors: AccessSpec | None = None
    alerts: dict[Solution, Access] = Field(default_factory=dict)
    kibana: list[KibanaEntry] = Field(default_factory=list)
    elasticsearch: ElasticsearchPrivileges = Field(default_factory=ElasticsearchPrivileges)
    metadata: dict[str, Any] = Field(default_factory=dict)
    adopt: bool = False


def _role_shorthand(value: Any) -> Any:
    """``abc123: observability-editor`` is short for ``abc123: {role: observability-editor}``."""
    if isinstance(value, str):
        return {"role": value}
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a role id or a mapping of role/applicationRoles (got {value!r})")
    return value


class RoleGrant(_Model):
    """A Cloud role id, optionally with application (stack) roles inside the target."""

    role: str | None = None
    application_roles: list[str] | None = Field(default=None, alias="applicationRoles")


GrantSpec = Annotated[RoleGrant, BeforeValidator(_role_shorthand)]


class DeploymentRoles(_Model):
    all: GrantSpec | None = None
    deployments: dict[str, GrantSpec] | None = None


class ProjectRoles(_Model):
    all: GrantSpec | None = None
    projects: dict[str, GrantSpec] | None = None


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class MemberSpec(_Model):
    """One entry of ``elastic-access:members``, keyed by email."""

    organization: Annotated[
        list[Literal["organization-admin", "billing-admin"]], BeforeValidator(_listify)
    ] = Field(default_factory=list)
    deployments: DeploymentRoles | None = None
    projects: dict[ProjectType, ProjectRoles] = Field(default_factory=dict)


class KibanaSettings(_Model):
    url: str | None = None
    flavor: Literal["stateful", "serverless"] | None = None
    version: str | None = None
    ca_cert: str | None = Field(default=None, alias="caCert")
    insecure: bool = False

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is not None:
            Version.parse(value)
        return value


class CloudSettings(_Model):
    url: str | None = None
    organization_id: str | None = Field(default=None, alias="organizationId")
    invite_expires_in: str = Field(default="7d", alias="inviteExpiresIn")
    authoritative: bool = False
    protect: list[str] = Field(default_factory=list)

    @field_validator("organization_id", mode="before")
    @classmethod
    def _organization_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("invite_expires_in")
    @classmethod
    def _expiry(cls, value: str) -> str:
        if not _EXPIRY.match(value):
            raise ValueError(f"{value!r} is not a duration; use hours or days such as 72h or 7d")
        return value

    @field_validator("protect")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for email in value:
            if not EMAIL.match(email):
                raise ValueError(f"{email!r} is not an email address")
        return [e.lower() for e in value]


class StackConfig(_Model):
    """Everything under the ``elastic-access`` namespace, secrets left out."""

    kibana: KibanaSettings = Field(default_factory=KibanaSettings)
    cloud: CloudSettings = Field(default_factory=CloudSettings)
    roles: dict[str, RoleSpec] = Field(default_factory=dict)
    members: dict[str, MemberSpec] = Field(default_factory=dict)


# ---------------------------------------------------------------- errors with field paths

# What a mapping's keys may be, by the field holding the mapping.
_ALLOWED_BY_KEY = {"cases": SOLUTIONS, "alerts": SOLUTIONS, "projects": PROJECT_TYPES}


def field_path(loc: tuple[str | int, ...]) -> str:
    """``('roles', 'x', 'cases', 'stack', 'allow', 1)`` -> ``roles.x.cases.stack.allow[1]``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def _unwrap(annotation: Any) -> Any:
    """Look through ``Annotated`` and ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _model_fields(loc: tuple[str | int, ...], model: type[BaseModel]) -> list[str]:
    """The field names allowed where ``loc`` points (for 'unknown field' messages)."""
    annotation: Any = model
    for part in loc[:-1]:
        annotation = _unwrap(annotation)
        if get_origin(annotation) in (dict, list):
            annotation = get_args(annotation)[-1]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = annotation.model_fields
            info = fields.get(str(part)) or next(
                (f for f in fields.values() if f.alias == part), None
            )
            if info is None:
                return []
            annotation = info.annotation
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items()]
    return []


def _problem(error: Any, model: type[BaseModel], prefix: tuple[str | int, ...]) -> Problem:
    loc = tuple(error["loc"])
    path = field_path(prefix + loc)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        allowed = _model_fields(loc, model)
        return Problem(path, f"unknown field; {one_of(allowed)}")
    if "[key]" in loc:
        field = str(loc[loc.index("[key]") - 2])
        return Problem(path, f"{given!r} is not allowed; {one_of(_ALLOWED_BY_KEY.get(field, ()))}")
    if kind in ("literal_error", "enum"):
        expected = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        return Problem(path, f"{given!r} is not allowed; {one_of(expected)}")
    if kind == "too_short":
        return Problem(path, f"must have at least {error['ctx']['min_length']} item(s)")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        message = "is required"
    elif kind.endswith("_type") and given is not None:
        message = f"{message} (got {given!r})"
    return Problem(path, message)


def problems_from(
    error: ValidationError, model: type[BaseModel], prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Turn pydantic's errors into field-path problems, one per mistake."""
    seen: dict[str, Problem] = {}
    for item in error.errors():
        problem = _problem(item, model, prefix)
        seen.setdefault(problem.path + problem.message, problem)
    return sorted(seen.values())


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
        previous = seen.setdefault(email.lower(), email)
        if previous != email:
            problems.append(
                Problem(path, f"same address as members.{previous} (emails ignore case)")
            )
    return problems


def load_stack_file(path: str | Path) -> StackConfig:
    """Read and validate a Pulumi stack config file (``stacks/Pulumi.<stack>.yaml``)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise InvalidConfig([Problem(str(path), f"is not valid YAML: {error}")]) from None
    if not isinstance(document, Mapping):
        raise InvalidConfig([Problem(str(path), "must be a YAML mapping with a config: section")])
    values, problems = stack_values(document)
    if problems:
        raise InvalidConfig(problems)
    return parse_config(values)
