"""Who can do what with Cases, Connectors, alerts and everything else, per role and space; which
Cloud roles each member holds and what they mean inside deployments and projects
(``elastic-access report``).

Computed from the rendered Kibana role bodies, so raw ``kibana`` entries and base privileges
count as much as the shorthands. A space's rows hold every role that grants anything there,
directly or in all spaces (``*``), with the effective access: what the role grants in that
space plus what it grants in all spaces (issue 13 §4). What ``all`` includes comes from the
feature catalog of the target release. Pure: formatting is the CLI's job.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .cloud_catalog import stack_role
from .feature_catalog import (
    BY_ID,
    CONNECTORS,
    FEATURES,
    MINIMAL,
    SOLUTIONS,
    Feature,
    Solution,
    alert_features,
    cases_feature,
    sub_feature_history,
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
        """``all``, ``read``, ``none``, ``customised: all except delete cases and comments``,
        ``customised: read plus re-open closed cases``, with the note in brackets."""
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

# Where a row's access comes from: the space alone (""), only the role's all-spaces (*) entry
# ("only"), or both ("also").
AllSpaces = Literal["", "only", "also"]


@dataclass(frozen=True)
class SpaceAccess:
    """One row: a role in one space (``*`` = all spaces; empty = no Kibana privileges).

    ``other`` is every privilege outside the Cases, Connectors and alerts columns, in words,
    Kibana features first (``Discover: read``), then Elasticsearch (``Elasticsearch indices
    logs-*: read, view_index_metadata``).
    """

    role: str
    space: str
    description: str
    cases: dict[Solution, Access]
    connectors: Access
    alerts: dict[Solution, Access]
    other: tuple[str, ...] = ()
    all_spaces: AllSpaces = ""


@dataclass(frozen=True)
class Column:
    """A column of the role tables: its CSV key, its group (``Cases``) and the solution it is
    for (``Security``; empty for Connectors), and how a row's cell is read."""

    key: str
    group: str
    solution: str
    cell: Callable[[SpaceAccess], Access]

    @property
    def heading(self) -> str:
        """``Cases: Security``, ``Connectors``."""
        return f"{self.group}: {self.solution}" if self.solution else self.group


def _cases_column(solution: Solution) -> Column:
    return Column(
        f"cases_{solution}", "Cases", SOLUTION_NAMES[solution], lambda r: r.cases[solution]
    )


def _alerts_column(solution: Solution) -> Column:
    return Column(
        f"alerts_{solution}", "Alerts", SOLUTION_NAMES[solution], lambda r: r.alerts[solution]
    )


COLUMNS: tuple[Column, ...] = (
    *(_cases_column(s) for s in SOLUTIONS),
    Column("connectors", "Connectors", "", lambda r: r.connectors),
    *(_alerts_column(s) for s in SOLUTIONS),
)


@dataclass(frozen=True)
class LevelMeaning:
    """What ``all`` and ``read`` grant in one column on the target release, in words, and the
    feature ids behind the column there (empty when the release has none)."""

    column: str
    features: str
    all: str
    read: str


@dataclass(frozen=True)
class Grant:
    """One Cloud role assignment of a member: ``assignment`` in words (``security-t2-analyst on
    all security projects``) and what it gives inside (``predefined role t2_analyst``)."""

    assignment: str
    inside: str
    scope: str
    role: str
    target: str
    project_type: str = ""
    application_roles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class MemberRoles:
    """One Cloud member's role assignments."""

    email: str
    protected: bool
    grants: tuple[Grant, ...]


@dataclass(frozen=True)
class SpaceInfo:
    """A space the report covers: as declared under ``elastic-access:spaces`` (``declared``),
    or only named by roles; ``roles`` counts the roles granting there, directly or in ``*``."""

    id: str
    name: str = ""
    description: str = ""
    solution: str = ""
    disabled_features: tuple[str, ...] = ()
    declared: bool = False
    roles: int = 0


@dataclass(frozen=True)
class Report:
    """The whole report for one target."""

    target: KibanaTarget
    rows: tuple[SpaceAccess, ...]
    members: tuple[MemberRoles, ...] = ()
    spaces: tuple[SpaceInfo, ...] = ()
    meanings: tuple[LevelMeaning, ...] = ()

    def rows_in(self, space: str) -> list[SpaceAccess]:
        """The rows of one space (``*``: all spaces; empty: roles without Kibana privileges)."""
        return [r for r in self.rows if r.space == space]

    def sections(self) -> list[str]:
        """The spaces with rows, in the order the report shows them: ``*``, each space, then
        the empty one of roles without Kibana privileges."""
        return sorted({r.space for r in self.rows}, key=_space_order)


# ---------------------------------------------------------------- roles


def role_access(
    name: str,
    body: Mapping[str, Any],
    target: KibanaTarget,
    description: str = "",
    spaces: Iterable[str] = (),
) -> list[SpaceAccess]:
    """The role's rows: one for ``*`` when it grants in all spaces, one for each space it
    names or, through ``*``, for each of ``spaces`` (the spaces the report covers), and one
    empty-space row when it has no Kibana privileges; the effective access in each."""
    role = normalise(body)
    entries = role["kibana"]
    named = {s for e in entries for s in e["spaces"]}
    if not named:
        return [_row(name, "", description, [], role, target)]
    everywhere = ALL_SPACES in named
    covered = named | (set(spaces) if everywhere else set())
    rows = []
    for space in sorted(covered, key=_space_order):
        applying = [e for e in entries if space in e["spaces"] or ALL_SPACES in e["spaces"]]
        row = _row(name, space, description, applying, role, target)
        if space != ALL_SPACES and everywhere:
            row = _with_all_spaces(row, "also" if space in named else "only")
        rows.append(row)
    return rows


def _with_all_spaces(row: SpaceAccess, how: AllSpaces) -> SpaceAccess:
    return SpaceAccess(
        row.role, row.space, row.description, row.cases, row.connectors, row.alerts, row.other, how
    )


def _space_order(space: str) -> tuple[int, str]:
    """``*`` first, then space ids, then the rows of roles without Kibana privileges."""
    return (0 if space == ALL_SPACES else 2 if not space else 1, space)


def _row(
    name: str,
    space: str,
    description: str,
    entries: list[dict[str, Any]],
    role: Mapping[str, Any],
    target: KibanaTarget,
) -> SpaceAccess:
    base: set[str] = set()
    features: dict[str, set[str]] = {}
    for entry in entries:
        base |= set(entry["base"])
        for feature_id, granted in entry["feature"].items():
            features.setdefault(feature_id, set()).update(granted)
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
    other = (*_other_kibana(base, features), *_elasticsearch_words(role["elasticsearch"]))
    return SpaceAccess(name, space, description, cases, connectors, alerts, other)


def _base_access(base: set[str]) -> Access:
    for level in ("all", "read"):
        if level in base:
            return Access(level, note=f"base privilege {level}")
    return NONE


def _best(cells: Iterable[Access]) -> Access:
    return max(cells, key=lambda a: _RANK[a.level], default=NONE)


def _words(privilege: str, feature: Feature) -> str:
    """A sub-feature privilege in the catalog's words (its id, spaced, when unknown)."""
    sub = sub_feature_history(feature, privilege)
    return sub.words if sub is not None else privilege.replace("_", " ")


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
    candidates = [by_base] if current else []  # a base privilege covers the alert features
    if level != "none":
        granted = [f.id for f in bearing if _alert_level(features[f.id]) != "none"]
        missing = [f for f in current if f.id not in granted]
        candidates.append(Access(level, note=f"{', '.join(granted)} only" if missing else ""))
    access = _best(candidates)
    if access.level == "none":
        return NONE
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


# ---------------------------------------------------------------- other privileges in words


def _shown_in_columns(feature_id: str) -> bool:
    """Cases and Connectors features, and the dedicated alerts features, have columns."""
    feature = BY_ID.get(feature_id)
    return feature is not None and (
        feature.role in ("cases", "connectors") or feature.dedicated_alerts
    )


def _other_kibana(base: set[str], features: Mapping[str, set[str]]) -> list[str]:
    """Base privileges and the features without a column (alert-bearing apps such as Security
    included: their privileges reach well beyond alerts), named as the role editor names them."""
    lines = [
        f"every Kibana feature: {level} (base privilege)"
        for level in ("all", "read")
        if level in base
    ]
    for feature_id, granted in sorted(features.items(), key=lambda item: _feature_name(item[0])):
        if not _shown_in_columns(feature_id):
            lines.append(f"{_feature_name(feature_id)}: {_privileges_words(granted, feature_id)}")
    return lines


def _feature_name(feature_id: str) -> str:
    feature = BY_ID.get(feature_id)
    return feature.name if feature is not None else feature_id


def _privileges_words(granted: set[str], feature_id: str) -> str:
    """``all``, ``read``, ``read without sub-features plus url create`` ..."""
    primary = "all" if "all" in granted else "read" if "read" in granted else ""
    for level, minimal in MINIMAL.items():
        if not primary and minimal in granted:
            primary = f"{level} without sub-features"
    rest = sorted(granted - {"all", "read", *MINIMAL.values()})
    feature = BY_ID.get(feature_id)
    subs = [_words(p, feature) if feature else p.replace("_", " ") for p in rest]
    if not subs:
        return primary or "none"
    return f"{primary} plus {', '.join(subs)}" if primary else f"only {', '.join(subs)}"


def _index_words(entry: Mapping[str, Any], kind: str) -> str:
    names = ", ".join(entry["names"])
    where = f" on clusters {', '.join(entry['clusters'])}" if entry.get("clusters") else ""
    limits = [
        text
        for present, text in (
            (entry.get("query") is not None, "document-level security"),
            ("field_security" in entry, "field-level security"),
            (entry.get("allow_restricted_indices"), "restricted indices included"),
        )
        if present
    ]
    suffix = f" ({'; '.join(limits)})" if limits else ""
    return f"Elasticsearch {kind} {names}{where}: {', '.join(entry['privileges'])}{suffix}"


def _elasticsearch_words(es: Mapping[str, Any]) -> list[str]:
    """The role's Elasticsearch privileges, one line per entry (the same in every space)."""
    lines = []
    if es["cluster"]:
        lines.append(f"Elasticsearch cluster: {', '.join(es['cluster'])}")
    lines += [_index_words(e, "indices") for e in es["indices"]]
    lines += [_index_words(e, "remote indices") for e in es["remote_indices"]]
    lines += [
        f"Elasticsearch remote clusters {', '.join(e['clusters'])}: {', '.join(e['privileges'])}"
        for e in es["remote_cluster"]
    ]
    if es["run_as"]:
        lines.append(f"Elasticsearch run as: {', '.join(es['run_as'])}")
    return lines


# ---------------------------------------------------------------- what the levels mean


def _feature_list(features: Iterable[Feature]) -> str:
    return "; ".join(f"{f.id}: {f.name}" for f in features)


def level_meanings(target: KibanaTarget) -> tuple[LevelMeaning, ...]:
    """What ``all`` and ``read`` grant in each column on ``target`` (in ``COLUMNS`` order): the
    sub-feature privileges ``all`` includes there (delete, settings, comments, reopen,
    assign...), from the catalog."""
    meanings = [
        *(_cases_meaning(cases_feature(s, target), target) for s in SOLUTIONS),
        _connectors_meaning(target),
        *(_alerts_meaning(alert_features(s, target)) for s in SOLUTIONS),
    ]
    return tuple(
        LevelMeaning(column.heading, *meaning)
        for column, meaning in zip(COLUMNS, meanings, strict=True)
    )


Meaning = tuple[str, str, str]  # the feature ids, what all grants, what read grants


def _cases_meaning(feature: Feature | None, target: KibanaTarget) -> Meaning:
    if feature is None:
        return "", f"not in {target}", f"not in {target}"
    subs = "; ".join(s.words for s in sub_features_of(feature, target))
    return (
        _feature_list([feature]),
        f"view, create, edit and close cases{f'; {subs}' if subs else ''}",
        "view cases and their comments",
    )


def _connectors_meaning(target: KibanaTarget) -> Meaning:
    subs = "; ".join(s.words for s in sub_features_of(CONNECTORS, target))
    return (
        _feature_list([CONNECTORS]),
        f"view, run, create, edit and delete connectors{f'; {subs}' if subs else ''}",
        "view connectors and run them",
    )


def _alerts_meaning(features: tuple[Feature, ...]) -> Meaning:
    if not features:
        return "", "no alerts feature here", "no alerts feature here"
    if all(f.dedicated_alerts for f in features):
        return _feature_list(features), "see alerts, acknowledge and close them", "see alerts"
    return (
        _feature_list(features),
        "see alerts, acknowledge and close them; and all of the rest of these features "
        "(rules included)",
        "see alerts; and the rest of these features, read-only",
    )


# ---------------------------------------------------------------- members


def _inside(atom: Atom) -> str:
    """What a Cloud role assignment gives inside deployments and projects (cloud-org.md §4-5)."""
    if atom.role_id == "billing-admin":
        return "billing only: nothing inside deployments or projects"
    role = stack_role(atom.role_id)
    if atom.role_id == "organization-admin":
        return f"{role} in every deployment and project; manages the organization's members"
    if role is None:
        return "a role this catalog does not know"
    if atom.scope == "deployment":
        return f"stack role {role}"
    if atom.application_roles is None:
        return f"predefined role {role}"
    if not atom.application_roles:
        return "Cloud console only: no sign-in to Elasticsearch or Kibana"
    custom = ", ".join(atom.application_roles)
    return f"custom role{'s' if len(atom.application_roles) > 1 else ''} {custom} (not {role})"


def member_roles(email: str, atoms: Iterable[Mapping[str, Any]], protected: bool) -> MemberRoles:
    """A member's role assignments: each in words and what it gives inside."""
    grants = tuple(
        Grant(
            assignment=atom.describe(),
            inside=_inside(atom),
            scope=atom.scope,
            role=atom.role_id,
            target=atom.target,
            project_type=atom.project_type,
            application_roles=atom.application_roles,
        )
        for atom in sorted(Atom.from_dict(a) for a in atoms)
    )
    return MemberRoles(email, protected, grants)


# ---------------------------------------------------------------- whole report


def _spaces(config: StackConfig, rows: list[SpaceAccess]) -> tuple[SpaceInfo, ...]:
    counts: dict[str, set[str]] = {}
    for row in rows:
        counts.setdefault(row.space, set()).add(row.role)
    declared = config.spaces
    ids = sorted(set(declared) | {s for s in counts if s not in (ALL_SPACES, "")})
    out = []
    for space_id in ids:
        spec = declared.get(space_id)
        roles = len(counts.get(space_id, ()))
        if spec is None:
            out.append(SpaceInfo(space_id, roles=roles))
            continue
        out.append(
            SpaceInfo(
                space_id,
                spec.name,
                spec.description or "",
                spec.solution or "",
                tuple(sorted(spec.disabled_features)),
                declared=True,
                roles=roles,
            )
        )
    return tuple(out)


def build_report(config: StackConfig, target: KibanaTarget) -> Report:
    """The report of a (valid) stack config for the target Kibana."""
    bodies = render_stack(config, target)["roles"]
    named = {s for body in bodies.values() for e in body["kibana"] for s in e["spaces"]}
    covered = (set(config.spaces) | named) - {ALL_SPACES}
    rows: list[SpaceAccess] = []
    for name, body in bodies.items():
        rows += role_access(name, body, target, config.roles[name].description, covered)
    protected = set(config.cloud.protect)
    members = tuple(
        member_roles(email, atoms, email in protected)
        for email, atoms in member_summary(config).items()
    )
    return Report(target, tuple(rows), members, _spaces(config, rows), level_meanings(target))
