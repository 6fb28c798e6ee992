"""The shapes of the feature catalog: a Kibana feature, its sub-feature privileges, and the
configuration a privilege may depend on. The rows themselves are in ``feature_rows``; the
questions asked of them in ``feature_catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .versions import ProjectType, Version

Solution = Literal["observability", "security", "stack"]
SOLUTIONS: tuple[Solution, ...] = ("observability", "security", "stack")
FeatureRole = Literal["cases", "connectors", "alerts", "other"]

PRIMARY = ("all", "read")
MINIMAL = {"all": "minimal_all", "read": "minimal_read"}
ALL_PROJECTS: frozenset[ProjectType] = frozenset({"elasticsearch", "observability", "security"})
OBS: frozenset[ProjectType] = frozenset({"observability"})
SEC: frozenset[ProjectType] = frozenset({"security"})
SEARCH: frozenset[ProjectType] = frozenset({"elasticsearch"})
NONE: frozenset[ProjectType] = frozenset()


def v(text: str) -> Version:
    """``"8.17"`` as a ``Version`` (table shorthand)."""
    return Version.parse(text)


V8_0 = Version(8, 0)


@dataclass(frozen=True)
class Gate:
    """A privilege that, before release ``until``, exists only when Kibana's configuration says
    ``setting`` (``source`` names where that is written)."""

    until: Version
    setting: str
    source: str


@dataclass(frozen=True)
class SubFeaturePrivilege:
    """A sub-feature privilege id, what it grants in words, the stateful release that added it
    (``since``) and removed it (``until``), whether serverless has it, and the configuration it
    needs in older releases (``gate``)."""

    id: str
    words: str
    since: Version = field(default=V8_0)
    serverless: bool = True
    until: Version | None = None
    gate: Gate | None = None


@dataclass(frozen=True)
class Feature:
    """One Kibana feature id as registered by some releases and serverless project types.

    ``since``/``removed_since`` bound the stateful releases that register it (deprecated ones
    stay registered, as Kibana keeps them); ``read_since`` is set where the ``read`` privilege
    arrived after the feature; ``serverless`` names the project types that register it.
    """

    id: str
    name: str
    role: FeatureRole
    solution: Solution | None
    lineage: str
    since: Version | None
    deprecated_since: Version | None = None
    removed_since: Version | None = None
    serverless: frozenset[ProjectType] = NONE
    primary: tuple[str, ...] = PRIMARY
    read_since: Version | None = None
    sub_features: tuple[SubFeaturePrivilege, ...] = ()
    alerts: bool = False
    dedicated_alerts: bool = False
    source: str = ""

    @property
    def fully_known(self) -> bool:
        """Whether the catalog knows this feature's releases for certain (Cases, Connectors,
        alert-bearing features): a release it names as lacking the feature lacks it."""
        return self.role != "other"

    @property
    def privileges_known(self) -> bool:
        """Whether the catalog knows every privilege of this feature in every release (Cases and
        Connectors, the product's own ground): an unlisted privilege is refused everywhere."""
        return self.role in ("cases", "connectors")
