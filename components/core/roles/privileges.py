"""Is this privilege name valid? Every rule on feature, sub-feature and Elasticsearch privilege
names, offline (against the catalogs) and live (against the target's privileges APIs).

Offline, what the catalogs can know decides the severity (issue 11 §3, §5): for a release the
feature catalog covers in full (``feature_catalog.covers``), an id or privilege it does not list
is an error; elsewhere (a newer release, serverless) only Cases, Connectors and the releases of
alert-bearing features are known for certain, and the rest is a warning saying that the live
check decides. Elasticsearch names likewise (``es_privileges``): refused for a covered release,
a warning elsewhere unless it looks like a typo. Names with ``:`` are action patterns.

Live: Kibana stores unknown feature and privilege ids without complaint and they grant nothing,
so ``live_problems`` is what makes a typo or an id of the wrong generation fail at preview.
Input: the answer of ``GET /api/security/privileges`` (and, only when something is missing,
the answer with ``respectLicenseLevel=false``, which also lists sub-feature privileges the
license does not allow). Elasticsearch names are checked against the live list by passing it
(``GET /internal/security/esPrivileges/builtin``) to ``es_privilege_problems``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from .. import es_privileges
from ..es_privileges import Kind, Names
from ..feature_catalog import (
    BY_ID,
    PRIMARY,
    Feature,
    covers,
    features_for,
    gated_privilege,
    is_deprecated,
    is_registered,
    privileges_of,
    sub_feature_history,
    sub_features_of,
    successor,
)
from ..feature_rows import COVERED_RELEASES
from ..problems import Problem, Severity, close_matches, one_of
from ..target import Privileges
from ..versions import KibanaTarget
from .expand import feature_origins
from .spec import RoleSpec

FEATURE_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
LIVE_CHECK = "pulumi preview (and elastic-access validate --live) checks it against the live Kibana"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    found = close_matches(word, choices)
    return f" (did you mean {', '.join(found)}?)" if found else ""


def cannot_know(target: KibanaTarget) -> str:
    """Why the offline feature catalog cannot decide for ``target``, and what will."""
    if target.serverless:
        reason = "the offline catalog cannot know every feature of Kibana serverless"
    else:
        newest = max(COVERED_RELEASES)
        if (target.version.major, target.version.minor) > newest:
            reason = (
                f"the offline catalog holds Kibana releases up to {newest[0]}.{newest[1]} in "
                f"full, not {target.version.major}.{target.version.minor}"
            )
        else:
            reason = f"the offline catalog does not hold {target} in full"
    return f"{reason}; {LIVE_CHECK}"


# ---------------------------------------------------------------- offline: Kibana features


def feature_privilege_problems(
    feature_id: str, privileges: list[str], path: str, target: KibanaTarget, *, live: bool = False
) -> Iterator[Problem]:
    """Problems of one ``feature: {id: [privileges]}`` entry at ``path``: an id or privilege of the
    wrong shape, a feature the target does not register, a deprecated feature (a warning naming
    its successor), a privilege the feature does not have in the target. Each is an error where
    the catalog knows for certain (a covered release; Cases and Connectors everywhere), else a
    warning saying that the live check decides. With ``live``, the live privileges API decides
    instead (``live_problems``): only the shape and deprecations are checked here."""
    if not FEATURE_ID.match(feature_id):
        yield Problem(path, "only a-z, A-Z, 0-9, '_', and '-' are allowed")
        return
    for i, privilege in enumerate(privileges):
        if not FEATURE_ID.match(privilege):
            yield Problem(f"{path}[{i}]", "only a-z, A-Z, 0-9, '_', and '-' are allowed")
    covered = covers(target)
    feature = BY_ID.get(feature_id)
    if live:
        known = feature is not None and is_registered(feature, target)
        if feature is not None and known and is_deprecated(feature, target):
            yield Problem(path, _deprecated(feature, target), "warning")
        return
    if feature is None:
        yield _not_in_catalog(feature_id, path, target, covered)
        return
    if not is_registered(feature, target):
        certain = covered or feature.fully_known
        yield _not_registered(feature, path, target, certain)
        return
    if is_deprecated(feature, target):
        yield Problem(path, _deprecated(feature, target), "warning")
    allowed = privileges_of(feature, target)
    severity: Severity = "error" if covered or feature.privileges_known else "warning"
    for i, privilege in enumerate(privileges):
        if privilege in allowed or not FEATURE_ID.match(privilege):
            continue
        gated = gated_privilege(feature, privilege, target)
        if gated is not None and gated.gate is not None:
            yield Problem(
                f"{path}[{i}]",
                f"{feature_id}.{privilege} exists in {target} only when kibana.yml sets "
                f"{gated.gate.setting} (its default is the opposite); {LIVE_CHECK}",
                "warning",
            )
            continue
        if sub_feature_history(feature, privilege) is not None:
            message = unknown_sub_feature(privilege, feature, target)
        else:
            message = (
                f"{privilege!r} is not a privilege of {feature_id} in {target}; {one_of(allowed)}"
            )
        if severity == "warning":
            message += f"; {cannot_know(target)}"
        yield Problem(f"{path}[{i}]", message, severity)


def _near_features(feature_id: str, target: KibanaTarget) -> list[str]:
    """Current feature ids of the target that look like a mistyped one."""
    current = [f.id for f in features_for(target).values() if not is_deprecated(f, target)]
    return close_matches(feature_id, current)


def _not_in_catalog(feature_id: str, path: str, target: KibanaTarget, covered: bool) -> Problem:
    near = _near_features(feature_id, target)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    if covered:
        return Problem(
            path,
            f"feature {feature_id!r} does not exist in {target}{hint}; Kibana would store it "
            "and grant nothing",
        )
    return Problem(
        path,
        f"feature {feature_id!r} is not in the offline catalog{hint}: {cannot_know(target)}, "
        "where Kibana would store an unknown id and grant nothing",
        "warning",
    )


def _not_registered(feature: Feature, path: str, target: KibanaTarget, certain: bool) -> Problem:
    current = successor(feature, target)
    hint = f"; use {current.id}" if current else ""
    if target.serverless:
        message = f"feature {feature.id} does not exist on {target}{hint}"
    elif feature.removed_since is not None and feature.removed_since <= target.version:
        removed = feature.removed_since
        message = (
            f"feature {feature.id} does not exist in {target} (removed in "
            f"{removed.major}.{removed.minor}){hint}"
        )
    else:
        added = f" (added in {feature.since.major}.{feature.since.minor})" if feature.since else ""
        message = f"feature {feature.id} does not exist in {target}{added}{hint}"
    if certain:
        return Problem(path, message)
    return Problem(
        path, f"{message}, as far as the offline catalog knows: {cannot_know(target)}", "warning"
    )


def _deprecated(feature: Feature, target: KibanaTarget) -> str:
    current = successor(feature, target)
    replacement = f"; use {current.id}" if current else ""
    return f"feature {feature.id} is deprecated in {target}{replacement}"


def sub_feature_problems(
    chosen: Iterable[str], feature: Feature, path: str, target: KibanaTarget
) -> Iterator[Problem]:
    """Names in ``chosen`` (``allow`` or ``deny`` at ``path``) that are not sub-feature
    privileges of ``feature`` in the target."""
    subs = {s.id for s in sub_features_of(feature, target)}
    for i, privilege in enumerate(chosen):
        if privilege not in subs:
            yield Problem(f"{path}[{i}]", unknown_sub_feature(privilege, feature, target))


def base_privilege_problems(names: Iterable[str], path: str) -> Iterator[Problem]:
    """Base privileges other than ``all`` and ``read`` (Kibana's only two)."""
    for i, base in enumerate(names):
        if base not in PRIMARY:
            yield Problem(f"{path}[{i}]", f"{base!r} is not a base privilege; {one_of(PRIMARY)}")


def unknown_sub_feature(privilege: str, feature: Feature, target: KibanaTarget) -> str:
    """Why ``privilege`` is not a sub-feature privilege of ``feature`` in the target (when it
    was added, if later), and the allowed ones."""
    subs = [s.id for s in sub_features_of(feature, target)]
    later = sub_feature_history(feature, privilege)
    if later is not None and not target.serverless and later.since > target.version:
        return (
            f"{privilege!r} is not a sub-feature privilege of {feature.id} in {target}; it was "
            f"added in {later.since.major}.{later.since.minor}; {one_of(subs)}"
        )
    return f"{privilege!r} is not a sub-feature privilege of {feature.id}; {one_of(subs)}"


# ---------------------------------------------------------------- Elasticsearch names

# Each kind of Elasticsearch privilege, as a message names it and where a role lists it.
_KINDS: dict[Kind, tuple[str, str]] = {
    "cluster": ("a cluster", "elasticsearch.cluster"),
    "index": ("an index", "elasticsearch.indices[].privileges"),
    "remote_cluster": ("a remote_cluster", "elasticsearch.remote_cluster[].privileges"),
}


def _suggested(close: list[str], known: frozenset[str], others: dict[Kind, frozenset[str]]) -> str:
    """``a or b``, those of another kind than ``known`` grouped with their kind and field:
    ``read (an index privilege, under elasticsearch.indices[].privileges)``."""
    groups: dict[Kind | None, list[str]] = {}
    for match in close:
        kind = None if match in known else next(o for o in others if match in others[o])
        groups.setdefault(kind, []).append(match)
    parts = []
    for kind, matches in groups.items():
        listed = " or ".join(matches)
        if kind is None:
            parts.append(listed)
            continue
        article, where = _KINDS[kind]
        what = f"{article} privilege" if len(matches) == 1 else f"{kind} privileges"
        parts.append(f"{listed} ({what}, under {where})")
    return " or ".join(parts)


def _elasticsearch(target: KibanaTarget) -> str:
    return "serverless Elasticsearch" if target.serverless else f"Elasticsearch {target.version}"


def es_privilege_problems(
    names: Iterable[str],
    path: str,
    kind: Kind,
    target: KibanaTarget,
    live: Names | None = None,
) -> Iterator[Problem]:
    """Elasticsearch ``kind`` privilege names at ``path`` that the target's Elasticsearch does not
    have (compared lower-cased, as Elasticsearch does; ``none`` and names with ``:`` pass).

    ``live`` is the target's own list (``GET /internal/security/esPrivileges/builtin``): then an
    unknown name is an error. Offline, ``es_privileges`` decides: an error for a release it
    covers, a name of the other kind, a stateful-only name on serverless or a likely typo; a
    warning otherwise (a newer release may have the name), and where the sources leave a
    release open.
    """
    known = live.of(kind) if live is not None else es_privileges.names_for(target).of(kind)
    covered = live is not None or es_privileges.covers(target)
    others = {
        other: live.of(other) if live is not None else es_privileges.every_name(other)
        for other in _KINDS
        if other != kind
    }
    for i, raw in enumerate(names):
        name = raw.lower()
        if ":" in name or name == "none" or name in known:
            continue
        at = f"{path}[{i}]"
        owner = next((o for o, listed in others.items() if name in listed), None)
        if owner is not None and name not in es_privileges.every_name(kind):
            yield Problem(
                at,
                f"{raw!r} is {_KINDS[owner][0]} privilege, not a {kind} privilege: Elasticsearch "
                f"would refuse the role; it goes under {_KINDS[owner][1]}",
            )
            continue
        # A misspelt name of this kind, else of another (an index privilege given as cluster).
        close = close_matches(name, known) or close_matches(name, set().union(*others.values()))
        typo = f"; did you mean {_suggested(close, known, others)}?" if close else ""
        maybe = None if live is not None else es_privileges.uncertain(name, kind, target)
        if maybe is not None:
            yield Problem(
                at,
                f"{raw!r} may not exist in {_elasticsearch(target)} (added in "
                f"{maybe.since.major}.{maybe.since.minor}; {maybe.source}); {LIVE_CHECK}",
                "warning",
            )
        elif target.serverless and live is None and es_privileges.stateful_only(name, kind):
            yield Problem(
                at,
                f"unknown {kind} privilege [{raw}]: serverless Elasticsearch does not offer it "
                "and would refuse the role",
            )
        elif covered or close:
            listed = one_of(sorted(known - {"none"}))
            allowed = "" if close else f"; {listed}, or an action pattern with ':'"
            yield Problem(
                at,
                f"unknown {kind} privilege [{raw}]: {_elasticsearch(target)} would refuse the "
                f"role{typo}{allowed}",
            )
        else:
            yield Problem(at, _es_cannot_know(raw, kind, target), "warning")


def _es_cannot_know(name: str, kind: Kind, target: KibanaTarget) -> str:
    if target.serverless:
        return (
            f"{name!r} is not a {kind} privilege elastic-access knows for serverless: pulumi "
            "preview checks it against the live Kibana's list where the project serves it, "
            "else Elasticsearch decides when the role is written"
        )
    newest = max(es_privileges.COVERED_RELEASES)
    return (
        f"{name!r} is not a {kind} privilege of the Elasticsearch releases elastic-access knows "
        f"in full (8.16 to {newest[0]}.{newest[1]}, not {target.version.major}."
        f"{target.version.minor}); {LIVE_CHECK}"
    )


# ---------------------------------------------------------------- live


def live_problems(
    name: str,
    spec: RoleSpec,
    target: KibanaTarget,
    privileges: Privileges,
    unlicensed: Callable[[], Privileges],
) -> list[Problem]:
    """Feature and privilege ids the live Kibana does not know, by config path.

    ``unlicensed`` is called (at most once) to fetch the privileges ignoring the license level.
    """
    features: Mapping[str, list[str]] = privileges.get("features") or {}
    problems: list[Problem] = []
    everything: Privileges | None = None
    for path, _, feature_id, granted in feature_origins(name, spec, target):
        known = features.get(feature_id)
        if known is None:
            problems.append(
                Problem(
                    path,
                    f"feature {feature_id!r} does not exist in {target}"
                    f"{_did_you_mean(feature_id, features)}; Kibana would store it and grant "
                    "nothing",
                )
            )
            continue
        for privilege in granted:
            if privilege in known:
                continue
            if everything is None:
                everything = unlicensed()
            if privilege in (everything.get("features") or {}).get(feature_id, []):
                problems.append(
                    Problem(
                        path,
                        f"{feature_id}.{privilege} is a sub-feature privilege, which this "
                        "Kibana's license does not allow (gold or higher is needed): Kibana "
                        "would store it and grant nothing; use all or read, or upgrade the "
                        "license",
                    )
                )
            else:
                problems.append(
                    Problem(
                        path,
                        f"{privilege!r} is not a privilege of {feature_id} in {target}"
                        f"{_did_you_mean(privilege, known)}; {one_of(known)}",
                    )
                )
    for i, entry in enumerate(spec.kibana):
        kind = "global" if entry.spaces == ["*"] else "space"
        base: list[str] = list(privileges.get(kind) or [])
        for j, privilege in enumerate(entry.base):
            if base and privilege not in base:
                problems.append(
                    Problem(
                        f"roles.{name}.kibana[{i}].base[{j}]",
                        f"{privilege!r} is not a {kind} base privilege; {one_of(base)}",
                    )
                )
    return problems
