"""Kibana versions and flavors: what the catalog is keyed by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Flavor = Literal["stateful", "serverless"]
ProjectType = Literal["elasticsearch", "observability", "security"]
FLAVORS: tuple[Flavor, ...] = ("stateful", "serverless")
PROJECT_TYPES: tuple[ProjectType, ...] = ("elasticsearch", "observability", "security")

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")


@dataclass(frozen=True, order=True)
class Version:
    """A Kibana release number; pre-release suffixes (``-SNAPSHOT``) are ignored."""

    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: str) -> Version:
        """``8.17.2``, ``v9.1`` or ``9.1.0-SNAPSHOT`` as a version; ``ValueError`` naming the text
        otherwise."""
        match = _VERSION.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a Kibana version such as 8.17.2 or 9.1.0")
        major, minor, patch = match.groups()
        return cls(int(major), int(minor), int(patch or 0))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


# The newest stateful release the feature catalog describes; offline commands assume it.
NEWEST = Version(9, 5, 0)


@dataclass(frozen=True)
class KibanaTarget:
    """The Kibana a role is rendered for.

    On serverless the version number does not decide which features exist (serverless
    always runs the newest generation); ``project`` narrows it down when known.
    """

    version: Version = NEWEST
    flavor: Flavor = "stateful"
    project: ProjectType | None = None

    @property
    def serverless(self) -> bool:
        """Whether the target is a serverless project."""
        return self.flavor == "serverless"

    def __str__(self) -> str:
        if self.serverless:
            return (
                f"Kibana serverless ({self.project} project)"
                if self.project
                else "Kibana serverless"
            )
        return f"Kibana {self.version}"

    @classmethod
    def of(
        cls,
        version: str | None = None,
        flavor: str | None = None,
        project: str | None = None,
    ) -> KibanaTarget:
        """Build a target from user strings (``--kibana-version``, ``--flavor``, a profile name)."""
        chosen_flavor: Flavor = "stateful"
        if flavor is not None:
            if flavor not in FLAVORS:
                raise ValueError(f"flavor {flavor!r} is not known; allowed: {', '.join(FLAVORS)}")
            chosen_flavor = "serverless" if flavor == "serverless" else "stateful"
        chosen_project: ProjectType | None = None
        if project is not None:
            if project not in PROJECT_TYPES:
                raise ValueError(
                    f"project type {project!r} is not known; allowed: {', '.join(PROJECT_TYPES)}"
                )
            chosen_project = project
        return cls(Version.parse(version) if version else NEWEST, chosen_flavor, chosen_project)
