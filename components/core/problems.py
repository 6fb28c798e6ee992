"""A problem found in user input, named by the field path the user wrote.

Also where pydantic's validation errors become such problems (``problems_from``), in words a
person who wrote YAML understands (a number where text is needed: quote it; a field indented one
level too far: say so), the one "did you mean" helper (``close_matches``) every message uses, and
``shorten``: no message echoes a user's value whole (issue 10 §7: 184 messages over 10 KB).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

Severity = Literal["error", "warning"]
MAX_ECHO = 80  # characters of a user's value quoted in a message
MAX_PATH = 1000  # a role name may be 507 characters
MAX_MESSAGE = 4000  # the longest list of allowed values (cluster privileges) is about 1,400
_LONG_RUN = re.compile(r"\S{200,}")


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    """``text``, or its first ``limit`` characters and how many there are in all."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def echo(value: Any) -> str:
    """A user's value as a message quotes it, shortened: text quoted (``'abc'``), numbers as the
    file wrote them, ``true``/``false``/``null`` and lists and mappings as YAML writes them,
    never in Python's spelling (``True``, ``None``)."""
    written = getattr(value, "text", None)
    if isinstance(written, str):
        return shorten(written)
    if isinstance(value, bool) or value is None:
        return "null" if value is None else str(value).lower()
    if isinstance(value, list | dict):
        try:  # JSON is YAML's flow style
            return shorten(json.dumps(value, ensure_ascii=False, default=str))
        except (ValueError, RecursionError):  # a value that cannot be written whole
            return f"a {'list' if isinstance(value, list) else 'mapping'}"
    return shorten(repr(value))


def _shorten_path(path: str) -> str:
    """A path over ``MAX_PATH`` characters with each long part shortened on its own, so that a
    count names the part (``roles.rrr... (1,000 characters)``, not the whole path)."""
    if len(path) <= MAX_PATH:
        return path
    parts = [shorten(part) for part in path.split(".")]
    return shorten(".".join(parts), MAX_PATH)


def _natural(text: str) -> tuple[tuple[int, str | int], ...]:
    """Sort key reading numbers as numbers: ``file:9:5`` before ``file:10:1``, ``[9]`` before
    ``[10]``."""
    parts = re.split(r"([0-9]+)", text)  # ASCII digits only: "²" is a digit int() refuses
    return tuple((0, int(p)) if p[:1] in "0123456789" else (1, p) for p in parts if p)


@total_ordering
@dataclass(frozen=True)
class Problem:
    """One finding: ``path`` is the config field path (``roles.x.cases.stack.allow[1]``) or a
    place in a file (``stacks/Pulumi.dev.yaml:4:7``). Both are cut to a bounded length.
    Problems sort by place, numbers read as numbers."""

    path: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        # A run of 200 characters without a space is a user's value echoed (no id is that
        # long), wherever a message quotes it.
        message = _LONG_RUN.sub(lambda run: shorten(run[0]), self.message)
        object.__setattr__(self, "path", _shorten_path(self.path))
        object.__setattr__(self, "message", shorten(message, MAX_MESSAGE))

    def _key(self) -> tuple[Any, ...]:
        return (_natural(self.path), self.message, self.severity)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{prefix}{self.path}: {self.message}" if self.path else f"{prefix}{self.message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block an apply."""
    return [p for p in problems if p.severity == "error"]


def close_matches(word: str, choices: Iterable[str]) -> list[str]:
    """Up to three of ``choices`` that look like a mistyped ``word``, closest first."""
    if len(word) > MAX_ECHO:  # no id is this long; difflib's cost grows with the length
        return []
    return difflib.get_close_matches(word, sorted(choices), n=3, cutoff=0.7)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean a, b?)`` for a mistyped ``word``, or nothing."""
    found = close_matches(word, choices)
    return f" (did you mean {', '.join(found)}?)" if found else ""


def one_of(values: Iterable[str]) -> str:
    """``allowed: a, b, c`` for messages."""
    listed = ", ".join(values)
    return f"allowed: {listed}" if listed else "nothing is allowed here"


class InvalidConfig(ValueError):
    """Raised when config has errors; ``problems`` holds them, one per line in ``str()``."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# ---------------------------------------------------------------- pydantic errors

# What pydantic appends to a place for a member of a union (``query.str``, ``query.dict[...]``).
_UNION_MEMBER = re.compile(r"^(?:str|int|float|bool|none|list\[.*\]|dict\[.*\]|function-.*)$")
_KIND_WORDS = {"str": "text", "list": "a list", "dict": "a mapping"}


def _allowed_keys(field: str) -> tuple[str, ...]:
    """What a mapping's keys may be, by the field holding the mapping."""
    from .feature_catalog import SOLUTIONS  # the catalog only when a message needs it
    from .versions import PROJECT_TYPES

    return {"cases": SOLUTIONS, "alerts": SOLUTIONS, "projects": PROJECT_TYPES}.get(field, ())


def field_path(loc: tuple[str | int, ...]) -> str:
    """``('roles', 'x', 'cases', 'stack', 'allow', 1)`` -> ``roles.x.cases.stack.allow[1]``; a
    mapping key that is a number (``('members', 5, '[key]')``) stays a key: ``members.5``."""
    path = ""
    for i, part in enumerate(loc):
        if part == "[key]":
            continue
        if isinstance(part, int) and loc[i + 1 : i + 2] != ("[key]",):
            path += f"[{part}]"
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


def _annotation_at(loc: tuple[str | int, ...], model: type[BaseModel]) -> Any:
    """The type of the value at ``loc`` below ``model`` (None when ``loc`` leaves the schema)."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if get_origin(annotation) in (dict, list):
            annotation = get_args(annotation)[-1]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = annotation.model_fields
            info = fields.get(str(part)) or next(
                (f for f in fields.values() if f.alias == part), None
            )
            if info is None:
                return None
            annotation = info.annotation
        else:
            return None
    return _unwrap(annotation)


def _keys_of(annotation: Any) -> list[str]:
    """The keys a value of this type may have: a model's fields, a mapping's literal keys."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items()]
    if get_origin(annotation) is dict:
        key = _unwrap(get_args(annotation)[0])
        if get_origin(key) is Literal:
            return [str(k) for k in get_args(key)]
    return []


def _model_fields(loc: tuple[str | int, ...], model: type[BaseModel]) -> list[str]:
    """The field names allowed where ``loc`` points (for 'unknown field' messages)."""
    annotation = _annotation_at(loc[:-1], model)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _keys_of(annotation)
    return []


def _indentation_hint(
    loc: tuple[str | int, ...], model: type[BaseModel], prefix: tuple[str | int, ...]
) -> str:
    """Where an unknown key at ``loc`` would be known: a field of a place above it (indented too
    far) or of a field beside it (indented too little)."""
    key, container = str(loc[-1]), loc[:-1]
    for depth in range(len(container) - 1, -1, -1):
        if key in _keys_of(_annotation_at(container[:depth], model)):
            owner = field_path(prefix + container[:depth]) or "the top level"
            return f"; {key} is a field of {owner}: is it indented too far?"
    here = _annotation_at(container, model)
    owners = []
    if isinstance(here, type) and issubclass(here, BaseModel):
        for name in _keys_of(here):
            inside = _keys_of(_annotation_at((*container, name), model))
            if key in inside or key in _keys_of(_annotation_at((*container, name, 0), model)):
                owners.append(name)
    if owners:
        under = " or ".join(field_path((*prefix, *container, o)) for o in owners)
        return f"; {key} belongs under {under}: is it indented too little?"
    return ""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {echo(value)}"
    if value is None:
        return "empty (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return echo(value)


def _not_text(given: Any, loc: tuple[str | int, ...], model: type[BaseModel]) -> str:
    """A number (or boolean) where text is needed: YAML read it so; say how to quote it, when
    quoting makes it valid, else what the field's own rule says of the quoted text."""
    if not isinstance(given, bool | int | float):
        return f"must be text, not {_kind(given)}"
    written = getattr(given, "text", None) or str(given).lower()
    if "[key]" in loc:
        return f'the name {written} is {_kind(given)}, but names are text: quote it: "{written}":'
    rule = _rule_for_text(written, loc, model)
    if rule is not None:
        said = rule.removeprefix(f"{written!r} is ")
        if said != rule:  # the rule names the value first: "'7' is not a duration; use..."
            return f"is {_kind(given)}, {said}"
        return f'is {_kind(given)}, and "{written}" would not do either: {rule}'
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    before = f"{field}: " if field and not isinstance(loc[-1], int) else "- "
    return f'is {_kind(given)}, but must be text: quote it: {before}"{written}"'


def _rule_for_text(text: str, loc: tuple[str | int, ...], model: type[BaseModel]) -> str | None:
    """What the rule of the field at ``loc`` says of ``text`` (None when it takes it): the
    field validated alone in the model holding it (a list's items too)."""
    at = len(loc) - 1
    while at > 0 and isinstance(loc[at], int):
        at -= 1
    holder = _annotation_at(loc[:at], model)
    if not (isinstance(holder, type) and issubclass(holder, BaseModel)):
        return None
    value: Any = text
    for _ in loc[at + 1 :]:
        value = [value]
    try:
        holder.model_validate({loc[at]: value})
    except ValidationError as error:
        for item in error.errors():
            if tuple(item["loc"])[:1] == (loc[at],):
                return str(item["msg"]).removeprefix("Value error, ")
    except Exception:  # a rule that fails otherwise decides nothing here
        return None
    return None


def _problem(
    error: Any, model: type[BaseModel], prefix: tuple[str | int, ...], hints: bool = True
) -> Problem:
    loc = tuple(error["loc"])
    path = field_path(prefix + loc)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        allowed = _model_fields(loc, model)
        hint = _indentation_hint(loc, model, prefix) if hints else ""
        return Problem(path, f"unknown field{did_you_mean(str(loc[-1]), allowed)}; "
                       f"{one_of(allowed)}{hint}")  # fmt: skip
    if kind == "string_type":
        return Problem(path, _not_text(given, loc, model))
    if "[key]" in loc:
        at = loc[: loc.index("[key]")]
        expected = re.findall(r"'([^']*)'", (error.get("ctx") or {}).get("expected", ""))
        allowed = expected or list(_allowed_keys(str(at[-2]) if len(at) > 1 else ""))
        hint = _indentation_hint(at, model, prefix) if hints else ""
        return Problem(
            path, f"{echo(given)} is not allowed{did_you_mean(str(given), allowed)}; "
            f"{one_of(allowed)}{hint}",
        )  # fmt: skip
    if kind in ("literal_error", "enum"):
        expected = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        return Problem(
            path, f"{echo(given)} is not allowed{did_you_mean(str(given), expected)}; "
            f"{one_of(expected)}",
        )  # fmt: skip
    if kind == "too_short":
        return Problem(path, f"must have at least {error['ctx']['min_length']} item(s)")
    if kind == "string_too_long" and isinstance(given, str):
        return Problem(
            path, f"is {len(given):,} characters long; {error['ctx']['max_length']:,} at most "
            "are accepted",
        )  # fmt: skip
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        fields = _keys_of(_annotation_at(loc, model))
        listed = f" (fields: {', '.join(fields)})" if fields else ""
        return Problem(path, f"must be a mapping{listed}, not {_kind(given)}")
    if kind == "list_type":
        example = f", such as [{shorten(given)}]" if isinstance(given, str) else ""
        return Problem(path, f"must be a list{example}, not {_kind(given)}")
    if kind in ("bool_type", "bool_parsing"):
        return Problem(path, f"must be true or false, not {_kind(given)}")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        message = "is required"
    elif kind.endswith("_type") and given is not None:
        message = f"{message} (got {echo(given)})"
    return Problem(path, message)


def _union_problems(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic reports one error per member of a union (``query.str``, ``query.dict[...]``):
    one error for the place instead, naming what it may be."""
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    result: list[dict[str, Any]] = []
    for item in items:
        loc = tuple(item["loc"])
        kind = str(item["type"])
        member = kind.endswith(("_type", "_parsing")) and len(loc) > 1
        if member and isinstance(loc[-1], str) and _UNION_MEMBER.match(loc[-1]):
            grouped.setdefault(loc[:-1], []).append(item)
        else:
            result.append(item)
    for loc, members in grouped.items():
        kinds = [_KIND_WORDS.get(str(m["loc"][-1]).split("[")[0], "") for m in members]
        if any(m["type"] not in ("string_type", "dict_type", "list_type") for m in members):
            result += [{**m, "loc": loc} for m in members]  # an error inside a member
            continue
        words = " or ".join(k for k in kinds if k) or "another kind of value"
        result.append(
            {"type": "union", "loc": loc, "input": members[0].get("input"),
             "msg": f"must be {words}, not {_kind(members[0].get('input'))}"}
        )  # fmt: skip
    return result


def problems_from(
    error: ValidationError,
    model: type[BaseModel],
    prefix: tuple[str | int, ...] = (),
    *,
    hints: bool = True,
) -> list[Problem]:
    """Turn pydantic's errors into field-path problems, one per mistake; with ``hints``, an
    unknown key says where it would be known (indented too far or too little)."""
    seen: dict[str, Problem] = {}
    for item in _union_problems([dict(e) for e in error.errors()]):
        problem = _problem(item, model, prefix, hints)
        seen.setdefault(problem.path + problem.message, problem)
    return sorted(seen.values())
