"""What every handler works on: the settings, the world (under one lock) and the runtime
state that is not saved (faults, latency, the request log, counters, shuffling, rate windows)."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sandbox.kibana_catalog import license_at_least
from sandbox.profiles import Profile
from sandbox.state import World

T = TypeVar("T")


@dataclass
class Fault:
    """Applies to the next ``count`` requests whose method and path match (see
    ``sandbox.controls.Controls.fault`` for what each field does)."""

    path_regex: str
    method: str | None
    status: int | None
    drop: bool
    count: int
    retry_after: float | None = None
    latency: float | None = None
    has_body: bool = False
    body: Any = None
    location: str | None = None
    drip: float | None = None
    oversize: int | None = None
    # The route runs first (a write lands), then the fault answers instead of it.
    applied: bool = False

    @property
    def replaces_answer(self) -> bool:
        """Whether the route is skipped: the fault itself answers."""
        return self.status is not None or self.has_body or self.oversize is not None

    def matches(self, method: str, path: str) -> bool:
        if self.method not in (None, "*", method):
            return False
        return re.search(self.path_regex, path) is not None


@dataclass
class Runtime:
    faults: list[Fault] = field(default_factory=list)
    latency: float = 0.0
    log: list[dict[str, Any]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    shuffle: bool = False
    # Rate-limit windows: (window number, requests in it).
    cloud_window: tuple[int, int] = (0, 0)
    invite_window: tuple[int, int] = (0, 0)
    # Refuse removing or demoting an organization's last admin (a sandbox choice: no source
    # says Elastic Cloud does); off, the sandbox does what it is told, as a Cloud without that
    # check would.
    last_admin_guard: bool = True


@dataclass
class Context:
    profile: Profile
    license: str
    api_key: str
    readonly_api_key: str | None
    controls: bool
    state_file: Path | None
    world: World
    runtime: Runtime = field(default_factory=Runtime)
    lock: threading.RLock = field(default_factory=threading.RLock)
    invite_limit: int = 10
    cloud_limit: int = 10000
    rng: random.Random = field(default_factory=random.Random)

    def save(self) -> None:
        if self.state_file is not None:
            self.world.save(self.state_file)

    def order(self, items: list[T]) -> list[T]:
        """``items`` as given, or shuffled when the shuffle option is on (set-like arrays)."""
        if not self.runtime.shuffle:
            return list(items)
        copy = list(items)
        self.rng.shuffle(copy)
        return copy

    def license_at_least(self, level: str) -> bool:
        return license_at_least(self.license, level)
