"""A whole stack config: its schema, loading it from a stack file, its problems, its rendering.

Shape errors come back as ``Problem`` objects naming the field path the user wrote
(``roles.obs-triage.cases.observability.access``) and the allowed values. Rules of one role
live in ``roles``, of one member in ``members``. The CLI reads the stack file
(``stack_file``); the Pulumi program gets the same values from the engine: both go through
``config_values`` and ``parse_sections``, and ``refusals`` is what both refuse before any write.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError

from .es_privileges import Names
from .limits import MAX_DEPTH, too_deep
from .members.atoms import as_dicts, member_atoms, to_api
from .members.spec import EMAIL, CloudSettings, MemberSpec, email_key
from .members.validation import organization_required, validate_member
from .model import ConfigModel
from .problems import (
    InvalidConfig,
    Problem,
    Severity,
    close_matches,
    did_you_mean,
    errors,
    field_path,
    one_of,
    problems_from,
    shorten,
)
from .roles.body import put_body
from .roles.expand import render
from .roles.spec import RoleSpec
from .roles.validation import validate_role
from .spaces.expand import create_body
from .spaces.spec import SpaceSpec
from .spaces.validation import validate_space
from .stack_file import NAMESPACE as NAMESPACE
from .stack_file import read_stack_document
from .target import KibanaSettings, configured_target
from .versions import NEWEST, PROJECT_TYPES, KibanaTarget, Version

SECRET_KEYS = ("kibanaApiKey", "kibanaUsername", "kibanaPassword", "cloudApiKey")
CONFIG_KEYS = ("kibana", "cloud", "roles", "members", "spaces", *SECRET_KEYS)
# The keys of a Pulumi stack file (pulumi/pulumi sdk/go/common/workspace/project.go,
# ProjectStack); the CLI ignores any other.
STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")


class StackConfig(ConfigModel):
    """Everything under the ``elastic-access`` namespace, secrets left out."""

    kibana: KibanaSettings = Field(default_factory=KibanaSettings)
    cloud: CloudSettings = Field(default_factory=CloudSettings)
    roles: dict[str, RoleSpec] = Field(default_factory=dict)
    members: dict[str, MemberSpec] = Field(default_factory=dict)
    spaces: dict[str, SpaceSpec] = Field(default_factory=dict)


@dataclass(frozen=True)
class LoadedConfig:
    """A stack config read as far as it goes, so that one mistake hides nothing else:
    ``config`` holds every part valid in shape (a role with a shape error is left out),
    ``problems`` the shape errors and warnings found on the way."""

    config: StackConfig
    problems: list[Problem] = field(default_factory=list)
    # Field paths of values given but left out for a shape error (``cloud.organizationId``,
    # ``roles.r``): later rules must not report them missing, since they are not.
    left_out: frozenset[str] = frozenset()


# ---------------------------------------------------------------- loading


def _named(name: str) -> str:
    return f"{NAMESPACE}:{name}"


def stack_values(
    document: Any, source: str = "the stack file"
) -> tuple[dict[str, Any], list[Problem]]:
    """The ``elastic-access`` values of a Pulumi stack file's document and the problems of its
    layout: keys outside ``config:`` (which Pulumi ignores), a ``config:`` that is not a
    mapping, then ``config_values``. ``source`` names the file in messages."""
    if document is None:
        document = {}
    if not isinstance(document, Mapping):
        return {}, [Problem(source, "must be a YAML mapping with a config: section")]
    problems: list[Problem] = []
    for key in document:
        if key in STACK_FILE_KEYS:
            continue
        name = str(key).removeprefix(f"{NAMESPACE}:")
        if name in CONFIG_KEYS:
            problems.append(
                Problem(
                    str(key),
                    f"is outside config:, where Pulumi ignores it: indent it under config: "
                    f"as {_named(name)}",
                )
            )
        else:
            problems.append(
                Problem(
                    str(key),
                    f"is not a key of a Pulumi stack file{did_you_mean(str(key), STACK_FILE_KEYS)}"
                    f", and Pulumi ignores it; {one_of(STACK_FILE_KEYS)}",
                    "warning",
                )
            )
    raw = document.get("config") or {}
    if not isinstance(raw, Mapping):
        return {}, [*problems, Problem("config", "must be a mapping of config keys")]
    values, found = config_values(raw, source)
    if errors(problems):  # "nothing found" says no more than the keys outside config: do
        found = [p for p in found if p.path != source]
    return values, sorted([*problems, *found])


def config_values(
    raw: Mapping[str, Any], source: str = "config"
) -> tuple[dict[str, Any], list[Problem]]:
    """The ``elastic-access`` values of a stack's config keys (``elastic-access:roles`` or, as
    Pulumi reads a key without a namespace in this project, ``roles``), secrets left out.

    Problems: an unknown key of the namespace or a namespace that looks mistyped (naming the
    likely key), one key under two spellings, a value nested too deep, and no key of the
    namespace at all (named ``source``: nothing would be managed).
    """
    values: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    problems: list[Problem] = []
    ours = False
    for key, value in raw.items():
        namespace, colon, name = str(key).partition(":")
        if not colon:
            namespace, name = NAMESPACE, namespace
        if namespace != NAMESPACE:
            if _looks_like_ours(namespace):
                meant = next(
                    (k for k in CONFIG_KEYS if k.lower() == name.lower()),
                    (close_matches(name, CONFIG_KEYS) or [name])[0],
                )
                problems.append(
                    Problem(
                        str(key),
                        f"is not in the {NAMESPACE} namespace (did you mean {_named(meant)}?); "
                        "elastic-access never reads it",
                    )
                )
            continue
        ours = True
        if name not in CONFIG_KEYS:
            problems.append(Problem(str(key), _unknown_key(name, value)))
            continue
        if name in spelled:
            problems.append(
                Problem(
                    _named(name),
                    f"is given twice, as {spelled[name]} and as {key}; Pulumi reads one and "
                    "ignores the other: keep one",
                )
            )
            continue
        spelled[name] = str(key)
        if name in SECRET_KEYS and value is not None and not _encrypted(value):
            problems.append(plaintext_secret(name))
        if name in SECRET_KEYS or value is None:  # an empty section declares nothing
            continue
        deep = too_deep(value)
        if deep is not None:
            where = field_path((name, *deep[: MAX_DEPTH // 8]))
            problems.append(
                Problem(name, f"is nested more than {MAX_DEPTH} levels deep (at {where}...)")
            )
            continue
        values[name] = value
    if not ours and not problems:
        keys = ", ".join(_named(k) for k in CONFIG_KEYS)
        problems.append(
            Problem(
                source,
                f"has no {NAMESPACE} settings: nothing to check or manage. Its config: section "
                f"takes {keys}",
            )
        )
    return values, problems


def _encrypted(value: Any) -> bool:
    """A stack file's secret: ``{secure: v1:...}``, as ``pulumi config set --secret`` writes it."""
    return isinstance(value, Mapping) and list(value) == ["secure"]


def plaintext_secret(name: str) -> Problem:
    """A credential key (``SECRET_KEYS``) set as plain text: a warning naming the key and the
    command that encrypts it; never the value (contract section 4)."""
    key = _named(name)
    return Problem(
        key,
        "is a credential in plain text, readable by anyone who reads the stack file or its "
        f"history; set it as a secret instead: pulumi config set --secret {key}",
        "warning",
    )


def _looks_like_ours(namespace: str) -> bool:
    """A mistyped ``elastic-access`` (``elastic_access``, ``Elastic-Access``), and not another
    provider's namespace such as ``elasticstack`` (whose keys share the stack file)."""
    ratio = difflib.SequenceMatcher(None, namespace.lower(), NAMESPACE).ratio()
    return ratio >= 0.85  # elasticstack: 0.69, elastic_access: 0.93


def _unknown_key(name: str, value: Any) -> str:
    """An unknown config key: the key it looks like, or where it would belong."""
    message = f"unknown config key{did_you_mean(name, CONFIG_KEYS)}; {one_of(CONFIG_KEYS)}"
    for section, info in StackConfig.model_fields.items():
        entry = _entry_model(info.annotation)
        if entry is None and name in _field_names(info.annotation):
            return f"{message}; {name} is a field of {_named(section)}: is it indented too little?"
        if entry is not None and isinstance(value, Mapping) and value and _valid(entry, value):
            what = section.removesuffix("s")
            return (
                f"{message}; it reads as a {what}: is it indented too little, under "
                f"{_named(section)}?"
            )
    return message


def _entry_model(annotation: Any) -> type[BaseModel] | None:
    """``RoleSpec`` for ``dict[str, RoleSpec]``: the model of each entry of a keyed section."""
    if get_origin(annotation) is dict:
        entry = get_args(annotation)[1]
        if isinstance(entry, type) and issubclass(entry, BaseModel):
            return entry
    return None


def _field_names(model: Any) -> tuple[str, ...]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return _model_field_names(model)
    return ()


@cache  # asked once per role and member
def _model_field_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(info.alias or name for name, info in model.model_fields.items())


def _valid(model: type[BaseModel], value: Any) -> bool:
    try:
        model.model_validate(value)
    except ValidationError:
        return False
    return True


def parse_sections(values: Mapping[str, Any]) -> LoadedConfig:
    """Shape-check the sections; when one has an error, each role and member on its own, so
    that one invalid entry leaves the others checked: their warnings and errors are not
    hidden."""
    try:
        config = StackConfig.model_validate(dict(values))
    except ValidationError:
        return _parse_each(values)
    problems = [
        problem
        for section, model in _keyed_sections()
        for name in getattr(config, section)
        for problem in _misplaced(section, name, model, [])
    ]
    return LoadedConfig(config, sorted(problems + _member_key_problems(config)))


def _keyed_sections() -> list[tuple[str, type[BaseModel]]]:
    """``(roles, RoleSpec)``...: the sections keyed by name, and the model of an entry."""
    found = []
    for name, info in StackConfig.model_fields.items():
        entry = _entry_model(info.annotation)
        if entry is not None:
            found.append((info.alias or name, entry))
    return found


def _parse_each(values: Mapping[str, Any]) -> LoadedConfig:
    problems: list[Problem] = []
    left_out: set[str] = set()
    good: dict[str, Any] = {}
    for name, info in StackConfig.model_fields.items():
        key = info.alias or name
        if key not in values:
            continue
        value = values[key]
        entry = _entry_model(info.annotation)
        if entry is None or not isinstance(value, Mapping):
            kept, found, dropped = _section(key, value)
            problems += found
            left_out |= dropped
            if kept is not None:
                good[key] = kept
            continue
        good[key] = {}
        for entry_name, body in value.items():
            parsed, found = _entry(key, entry_name, body, entry)
            problems += found
            if parsed is not None:
                good[key][entry_name] = parsed
            else:
                left_out.add(f"{key}.{entry_name}")
    config = StackConfig.model_validate(good)  # parsed entries are not validated again
    problems += _member_key_problems(config)
    return LoadedConfig(config, sorted(problems), frozenset(left_out))


def _section(key: str, value: Any) -> tuple[Any, list[Problem], set[str]]:
    """A section that is not keyed by name (``kibana``, ``cloud``): its value less the fields
    with errors (so that a bad ``inviteExpiresIn`` leaves ``organizationId`` read), their
    problems, and the paths left out. The whole section is left out when it is not a mapping
    or its fields fail together."""
    try:
        StackConfig.model_validate({key: value})
    except ValidationError as error:
        found = problems_from(error, StackConfig)
        failing = {loc[1] for loc in (e["loc"] for e in error.errors()) if len(loc) > 1}
        if isinstance(value, Mapping) and failing:
            kept = {k: v for k, v in value.items() if k not in failing}
            if _valid(StackConfig, {key: kept}):
                return kept, found, {f"{key}.{k}" for k in failing}
        given = value if isinstance(value, Mapping) else {}
        return None, found, {key, *(f"{key}.{k}" for k in given)}
    return value, [], set()


def _entry(
    section: str, name: Any, body: Any, model: type[BaseModel]
) -> tuple[BaseModel | None, list[Problem]]:
    """One role or member: parsed (None when it has errors) and its problems."""
    if not isinstance(name, str):  # YAML keys are text; plain data may hold other keys
        written = str(name).lower() if isinstance(name, bool) else str(name)
        return None, [
            Problem(
                f"{section}.{written}",
                f'the name {written} is not text: names are text: quote it: "{written}":',
            )
        ]
    misplaced = name in _field_names(model)  # a field indented one level too little
    try:
        return model.model_validate(body), _misplaced(section, name, model, [])
    except ValidationError as error:
        found = problems_from(error, model, (section, name), hints=not misplaced)
    return None, found + _misplaced(section, name, model, found)


def _misplaced(
    section: str, name: str, model: type[BaseModel], found: list[Problem]
) -> list[Problem]:
    """An entry named like a field of an entry: a field indented one level too little (an
    error when the entry has errors, else a warning: it may be a role named ``alerts``)."""
    if name not in _field_names(model):
        return []
    what = section.removesuffix("s")
    severity: Severity = "error" if found else "warning"
    return [
        Problem(
            f"{section}.{name}",
            f"{name} is a field of a {what}, not a {what} name: is it indented too little? "
            f"A {what}'s fields go under its name",
            severity,
        )
    ]


def parse_config(values: Mapping[str, Any]) -> StackConfig:
    """Validate the shape of the config values; raise ``InvalidConfig`` naming every mistake."""
    loaded = parse_sections(values)
    if errors(loaded.problems):
        raise InvalidConfig(errors(loaded.problems))
    return loaded.config


def _member_key_problems(config: StackConfig) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for email in config.members:
        path = f"members.{email}"
        if not EMAIL.match(email):
            problems.append(Problem(path, f"{shorten(repr(email))} is not an email address"))
        previous = seen.setdefault(email_key(email), email)
        if previous != email:
            problems.append(
                Problem(path, f"same address as members.{previous} (emails ignore case)")
            )
    return problems


def read_stack_file(path: str | Path, name: str | None = None) -> LoadedConfig:
    """Read a Pulumi stack config file (``stacks/Pulumi.<stack>.yaml``) as far as it goes.

    ``name`` is the file's name in messages. Raises ``InvalidConfig`` when the file is not a
    YAML document Pulumi would read (``stack_file``) or holds no elastic-access settings;
    other problems come back in ``LoadedConfig.problems``. ``OSError`` when it cannot be read.
    """
    shown = name or str(path)
    document = read_stack_document(Path(path), shown)
    values, problems = stack_values(document, shown)
    if not values and errors(problems):
        raise InvalidConfig(problems)
    loaded = parse_sections(values)
    return LoadedConfig(loaded.config, sorted(problems + loaded.problems), loaded.left_out)


def load_stack_file(path: str | Path) -> StackConfig:
    """Read and validate a Pulumi stack config file; ``InvalidConfig`` naming every error."""
    loaded = read_stack_file(path)
    if errors(loaded.problems):
        raise InvalidConfig(errors(loaded.problems))
    return loaded.config


def summary(config: StackConfig) -> str:
    """``1 role and 3 members``: how many entries each keyed section declares, in words (the
    empty sections left out; ``no roles, members or spaces`` when all are)."""
    sections = [section for section, _ in _keyed_sections()]
    parts = [
        counted(len(getattr(config, section)), section.removesuffix("s"))
        for section in sections
        if getattr(config, section)
    ]
    if not parts:
        return f"no {', '.join(sections[:-1])} or {sections[-1]}"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def counted(number: int, noun: str) -> str:
    """``no roles``, ``1 role``, ``2 roles``."""
    if number == 0:
        return f"no {noun}s"
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# ---------------------------------------------------------------- checking and rendering

ORGANIZATION_PLACEHOLDER = "<cloud.organizationId>"


def validate_stack(
    config: StackConfig,
    target: KibanaTarget,
    *,
    es_names: Names | None = None,
    live_features: bool = False,
    left_out: Collection[str] = (),
) -> list[Problem]:
    """Every problem of the config for this target, errors and warnings, sorted by path
    (``es_names``, ``live_features``: what the live Kibana settles, see ``validate_role``).

    ``left_out`` (``LoadedConfig.left_out``): paths of values given but left out for a shape
    error; no rule here reports them missing or absent (the shape error says what is wrong).
    """
    problems: list[Problem] = []
    for name, role in config.roles.items():
        problems += validate_role(name, role, target, es_names, live_features=live_features)
    for email, member in config.members.items():
        problems += validate_member(email, member)
    for space_id, space in config.spaces.items():
        problems += validate_space(space_id, space, target)
    members = {email_key(m) for m in config.members} | {
        email_key(path.removeprefix("members.")) for path in left_out if path.startswith("members.")
    }
    if members and not {"cloud", "cloud.organizationId"} & set(left_out):
        problems += organization_required(config.cloud.organization_id)
    for i, email in enumerate(config.cloud.protect):
        if email not in members and not config.cloud.authoritative:
            problems.append(
                Problem(
                    f"cloud.protect[{i}]",
                    f"{email} is not declared in members; protect matters for declared members "
                    "and for authoritative mode",
                    "warning",
                )
            )
    hidden = set(left_out)
    return sorted(p for p in problems if not hidden & _ancestors(p.path))


# The catalog describes Kibana from 8.0 (its oldest rows) to NEWEST; 8.19 is the last 8.x minor.
_LAST_MINOR = {8: 19}


def covered_targets(settings: KibanaSettings) -> list[KibanaTarget]:
    """Every Kibana the stack may run against as far as its config says (``kibana.version``,
    ``kibana.flavor``; what is not set may be anything the catalog covers): the stateful
    releases from 8.0 and one newer than the catalog, and serverless for each project type. The
    first is the one offline commands assume (``configured_target``)."""
    first = configured_target(settings)
    if settings.version:
        stateful = [KibanaTarget(Version.parse(settings.version))]
    else:
        stateful = [
            KibanaTarget(Version(major, minor))
            for major in range(8, NEWEST.major + 1)
            for minor in range(_LAST_MINOR.get(major, NEWEST.minor) + 1)
        ]
        # A release newer than the catalog: its rules leave to the live Kibana what they
        # cannot know there, and every newer release reads alike.
        stateful.append(KibanaTarget(Version(NEWEST.major, NEWEST.minor + 1)))
    serverless = [KibanaTarget(NEWEST, "serverless", p) for p in (None, *PROJECT_TYPES)]
    chosen = {"stateful": stateful, "serverless": serverless}.get(
        settings.flavor or "", stateful + serverless
    )
    return [first, *(t for t in chosen if t != first)]


def refusals(config: StackConfig, left_out: Collection[str] = ()) -> list[Problem]:
    """What the program refuses before it declares any resource, so that ``pulumi up
    --skip-preview`` writes nothing for a config that cannot apply (issue 10): the errors of
    ``validate_stack`` for the first of ``covered_targets`` (as ``validate`` words them), when
    every covered target has errors too. Where the config leaves the version or flavor to the
    live Kibana, a config that one covered release would take is left to the providers' check
    against the live Kibana: never a refusal a live Kibana would not make. ``left_out`` as for
    ``validate_stack``."""
    targets = covered_targets(config.kibana)
    found = errors(validate_stack(config, targets[0], left_out=left_out))
    if not found:
        return []
    # Roles and spaces depend on the target; members do not. Checking again just the roles
    # with errors (and every space) may leave a config to the providers, never refuse a good one.
    failing = {name for name in config.roles if any(_under(p.path, f"roles.{name}") for p in found)}
    narrowed = config.model_copy(update={"roles": {n: config.roles[n] for n in failing}})
    for target in targets[1:]:
        if not errors(validate_stack(narrowed, target, left_out=left_out)):
            return []
    return found


def _ancestors(path: str) -> set[str]:
    """``roles.r.kibana[0]`` -> itself, ``roles.r.kibana``, ``roles.r``, ``roles``."""
    cuts = [i for i, c in enumerate(path) if c in ".["]
    return {path, *(path[:i] for i in cuts)}


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))


def render_stack(config: StackConfig, target: KibanaTarget) -> dict[str, Any]:
    """``{"roles": {name: PUT body}, "members": {email: role_assignments}}``, and ``"spaces":
    {id: POST body}`` when the config declares spaces; deterministic."""
    organization = config.cloud.organization_id or ORGANIZATION_PLACEHOLDER
    spaces = {"spaces": {i: create_body(i, s) for i, s in sorted(config.spaces.items())}}
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
