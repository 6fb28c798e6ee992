"""Who can do what with Cases, Connectors and alerts, per role and space; who holds which
Cloud roles (``elastic-access report``).

Computed from the rendered Kibana role bodies, so raw ``kibana`` entries and base privileges
count as much as the shorthands. A space's access is what the role grants in that space plus
what it grants in all spaces (``*``). Pure: formatting is the CLI's job.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .feature_catalog import (
    CONNECTORS,
    FEATURES,
    MINIMAL,
    SOLUTIONS,
    Feature,
    Solution,
    alert_features,
    cases_feature,
    sub_features_of,
)
from .members.atoms import Atom
from .roles.body import ALL_SPACES, normalise
from .stack import StackConfig, member_summary, render_stack
from .versions import KibanaTarget

Level = Literal["none", "read", "customised", "all"]
_RANK: dict[Level, int] = {"none": 0, "read": 1, "customised": 2, "all": 3}

SOLUTION_NAMES: dict[Solution, str] = {
    "observability": "Observability",
    "security": "Security",
    "stack": "Stack Management",
}

# What a sub-feature privilege lets a user do, in the words of the report.
SUB_FEATURE_WORDS = {
    "cases_delete": "delete cases",
    "cases_settings": "edit case settings",
    "create_comment": "add comments",
    "case_reopen": "reopen cases",
    "cases_assign": "assign users",
    "cases_manage_templates": "manage case templates",
    "endpoint_security_execute": "run endpoint security (EDR) connectors",
}


@dataclass(frozen=True)
class Access:
    """One cell: the level, and for ``customised`` the sub-features granted and withheld
    (in words). ``basis`` is ``all`` or ``read`` for customised access built on
    ``minimal_all`` / ``minimal_read``; ``note`` qualifies the cell (where it comes from)."""

    level: Level = "none"
    basis: str = ""
    can: tuple[str, ...] = ()
    cannot: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        """``all``, ``read``, ``none``, ``customised: all except delete cases``,
        ``customised: read plus add comments, reopen cases``, with the note in brackets."""
        text: str = self.level
        if self.level == "customised":
            text = f"customised: {self.detail()}"
        return f"{text} ({self.note})" if self.note else text

    def detail(self) -> str:
        """The customised sub-features in words (empty unless customised)."""
        if self.level != "customised":
            return ""
        if self.basis == "all":
            return "all except " + ", ".join(self.cannot) if self.cannot else "all"
        plus = ", ".join(self.can)
        if self.basis == "read":
            return f"read plus {plus}"
        return f"only {plus}"


NONE = Access()


@dataclass(frozen=True)
class SpaceAccess:
    """One row: a role in one space (``*`` = all spaces; empty = no Kibana privileges)."""

    role: str
    space: str
    description: str
    cases: dict[Solution, Access]
    connectors: Access
    alerts: dict[Solution, Access]


@dataclass(frozen=True)
class MemberRoles:
    """One Cloud member's roles, each scope's grants in words."""

    email: str
    protected: bool
    organization: tuple[str, ...]
    deployments: tuple[str, ...]
    projects: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """The whole report for one target."""

    target: KibanaTarget
    rows: tuple[SpaceAccess, ...]
    members: tuple[MemberRoles, ...] = ()
    spaces: tuple[str, ...] = field(default=())

    def rows_in(self, space: str) -> list[SpaceAccess]:
        """The rows of one space (``*``: all spaces; empty: roles without Kibana privileges)."""
        return [r for r in self.rows if r.space == space]


# ---------------------------------------------------------------- roles


def role_access(
    name: str, body: Mapping[str, Any], target: KibanaTarget, description: str = ""
) -> list[SpaceAccess]:
    """The role's rows: one per space it names (``*`` first), effective access in each."""
    role = normalise(body)
    entries = role["kibana"]
    spaces = sorted({s for e in entries for s in e["spaces"]}, key=_space_order)
    if not spaces:
        return [_row(name, "", description, set(), {}, role, target)]
    rows = []
    for space in spaces:
        base: set[str] = set()
        features: dict[str, set[str]] = {}
        for entry in entries:
            if space in entry["spaces"] or ALL_SPACES in entry["spaces"]:
                base |= set(entry["base"])
                for feature_id, granted in entry["feature"].items():
                    features.setdefault(feature_id, set()).update(granted)
        rows.append(_row(name, space, description, base, features, role, target))
    return rows


def _space_order(space: str) -> tuple[int, str]:
    """``*`` first, then space ids, then the rows of roles without Kibana privileges."""
    return (0 if space == ALL_SPACES else 2 if not space else 1, space)


def _row(
    name: str,
    space: str,
    description: str,
    base: set[str],
    features: Mapping[str, set[str]],
    role: Mapping[str, Any],
    target: KibanaTarget,
) -> SpaceAccess:
    by_base = _base_access(base)
    cases: dict[Solution, Access] = {}
    alerts: dict[Solution, Access] = {}
    for solution in SOLUTIONS:
        family = [f for f in FEATURES if f.role == "cases" and f.solution == solution]
        cases[solution] = _best(
            [_feature_access(features.get(f.id, set()), f, target) for f in family]
            + ([by_base] if cases_feature(solution, target) is not None else [])
        )
        alerts[solution] = _alert_access(solution, space, features, by_base, role, target)
    connectors = _best(
        [_feature_access(features.get(CONNECTORS.id, set()), CONNECTORS, target), by_base]
    )
    return SpaceAccess(name, space, description, cases, connectors, alerts)


def _base_access(base: set[str]) -> Access:
    for level in ("all", "read"):
        if level in base:
            return Access(level, note=f"base privilege {level}")
    return NONE


def _best(cells: Iterable[Access]) -> Access:
    return max(cells, key=lambda a: _RANK[a.level], default=NONE)


def _words(privilege: str, feature: Feature) -> str:
    if privilege in SUB_FEATURE_WORDS:
        return SUB_FEATURE_WORDS[privilege]
    known = {s.id: s.words for s in feature.sub_features}
    return known.get(privilege, privilege.replace("_", " "))


def _feature_access(granted: set[str], feature: Feature, target: KibanaTarget) -> Access:
    """all / read / customised for one feature's privileges (unknown ids grant nothing)."""
    if not granted:
        return NONE
    if "all" in granted:
        return Access("all")
    subs = [s.id for s in sub_features_of(feature, target)]
    chosen = [s for s in subs if s in granted]
    if MINIMAL["all"] in granted:
        if len(chosen) == len(subs):
            return Access("all")
        withheld = tuple(_words(s, feature) for s in subs if s not in chosen)
        can = tuple(_words(s, feature) for s in chosen)
        return Access("customised", "all", can, withheld)
    basis = "read" if granted & {"read", MINIMAL["read"]} else ""
    if not chosen:
        return Access("read") if basis else NONE
    return Access("customised", basis, tuple(_words(s, feature) for s in chosen))


def _alert_access(
    solution: Solution,
    space: str,
    features: Mapping[str, set[str]],
    by_base: Access,
    role: Mapping[str, Any],
    target: KibanaTarget,
) -> Access:
    bearing = [f for f in FEATURES if f.alerts and f.solution == solution and f.id in features]
    levels = [_alert_level(features[f.id]) for f in bearing]
    level: Level = max(levels, key=lambda lv: _RANK[lv], default="none")
    current = alert_features(solution, target)
    if level == "none":
        if by_base.level == "none" or not current:
            return NONE
        access = by_base
    else:
        granted = [f.id for f in bearing if _alert_level(features[f.id]) != "none"]
        missing = [f for f in current if f.id not in granted]
        note = f"{', '.join(granted)} only" if missing else ""
        access = Access(level, note=note)
    if solution == "security" and not _reads_security_alerts(role, space):
        note = "; ".join(n for n in (access.note, "no alert index privileges") if n)
        access = Access(access.level, access.basis, access.can, access.cannot, note)
    return access


def _alert_level(granted: set[str]) -> Level:
    if granted & {"all", MINIMAL["all"]}:
        return "all"
    if granted & {"read", MINIMAL["read"]}:
        return "read"
    return "none"


def _reads_security_alerts(role: Mapping[str, Any], space: str) -> bool:
    """Whether the role may read the space's Security alerts index."""
    index = f".alerts-security.alerts-{'default' if space in (ALL_SPACES, '') else space}"
    es = role["elasticsearch"]
    if "all" in es["cluster"]:
        return True
    for entry in es["indices"]:
        if {"read", "all"} & set(entry["privileges"]) and any(
            fnmatch.fnmatchcase(index, pattern) for pattern in entry["names"]
        ):
            return True
    return False


# ---------------------------------------------------------------- members


def member_roles(email: str, atoms: Iterable[Mapping[str, Any]], protected: bool) -> MemberRoles:
    """A member's grants in words, by scope."""
    parsed = sorted(Atom.from_dict(a) for a in atoms)
    return MemberRoles(
        email=email,
        protected=protected,
        organization=tuple(a.role_id for a in parsed if a.scope == "organization"),
        deployments=tuple(a.describe() for a in parsed if a.scope == "deployment"),
        projects=tuple(a.describe() for a in parsed if a.scope == "project"),
    )


# ---------------------------------------------------------------- whole report


def build_report(config: StackConfig, target: KibanaTarget) -> Report:
    """The report of a (valid) stack config for the target Kibana."""
    bodies = render_stack(config, target)["roles"]
    rows: list[SpaceAccess] = []
    for name, body in bodies.items():
        rows += role_access(name, body, target, config.roles[name].description)
    protected = set(config.cloud.protect)
    members = tuple(
        member_roles(email, atoms, email in protected)
        for email, atoms in member_summary(config).items()
    )
    spaces = tuple(sorted({r.space for r in rows}, key=_space_order))
    return Report(target, tuple(rows), members, spaces)
