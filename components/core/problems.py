"""A problem found in user input, named by the field path the user wrote."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

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


def one_of(values: Iterable[str]) -> str:
    """``allowed: a, b, c`` for messages."""
    listed = ", ".join(values)
    return f"allowed: {listed}" if listed else "nothing is allowed here"


class InvalidConfig(ValueError):
    """Raised when config has errors; ``problems`` holds them, one per line in ``str()``."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
