"""A problem found in user input, named by the field path the user wrote.

Also where pydantic's validation errors become such problems (``problems_from``), and the one
"did you mean" helper (``close_matches``) every message uses.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: ``path`` is the config field path (``roles.x.cases.stack.allow[1]``)."""

    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{prefix}{self.path}: {self.message}" if self.path else f"{prefix}{self.message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block an apply."""
    return [p for p in problems if p.severity == "error"]


def close_matches(word: str, choices: Iterable[str]) -> list[str]:
    """Up to three of ``choices`` that look like a mistyped ``word``, closest first."""
    return difflib.get_close_matches(word, sorted(choices), n=3, cutoff=0.7)


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


def _allowed_keys(field: str) -> tuple[str, ...]:
    """What a mapping's keys may be, by the field holding the mapping."""
    from .feature_catalog import SOLUTIONS  # the catalog only when a message needs it
    from .versions import PROJECT_TYPES

    return {"cases": SOLUTIONS, "alerts": SOLUTIONS, "projects": PROJECT_TYPES}.get(field, ())


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
        return Problem(path, f"{given!r} is not allowed; {one_of(_allowed_keys(field))}")
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
