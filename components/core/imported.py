"""What ``elastic-access import`` builds: config entries and notes for the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Imported:
    """Config entries (YAML-ready) keyed by role name or email, plus notes for the user."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
