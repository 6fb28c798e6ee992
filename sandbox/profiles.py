"""Which Kibana a sandbox plays: a stateful release (``9.1.0``) or a serverless project type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.data import load

SERVERLESS_PROFILES = {
    "serverless-observability": "observability",
    "serverless-security": "security",
    "serverless-search": "elasticsearch",
}
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")
Version = tuple[int, int, int]


def parse_version(text: str) -> Version:
    """``9.1.0`` → ``(9, 1, 0)``; a missing patch is 0, pre-release suffixes are ignored."""
    match = _VERSION.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a Kibana version such as 8.17.2 or 9.1.0")
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


@dataclass(frozen=True)
class Profile:
    """A stateful Kibana ``version``, or a serverless ``project`` (elasticsearch, observability,
    security) whose version is the newest generation the sandbox knows."""

    version: Version
    project: str | None = None

    @property
    def serverless(self) -> bool:
        return self.project is not None

    @property
    def number(self) -> str:
        """The version as ``GET /api/status`` reports it."""
        return ".".join(str(n) for n in self.version)

    def at_least(self, since: str) -> bool:
        """Whether this release has something added in ``since`` (serverless always has)."""
        return self.serverless or self.version >= parse_version(since)


def parse_profile(text: str) -> Profile:
    """``8.16.0`` / ``9.1.0`` / any x.y.z → stateful; ``serverless-<type>`` → serverless.
    Raises ``ValueError`` naming what is allowed."""
    if text in SERVERLESS_PROFILES:
        newest = load("kibana_features")["serverless"]["generation"]
        return Profile(parse_version(newest), SERVERLESS_PROFILES[text])
    if text.startswith("serverless"):
        raise ValueError(
            f"profile {text!r} is not known; serverless profiles: {', '.join(SERVERLESS_PROFILES)}"
        )
    return Profile(parse_version(text))
