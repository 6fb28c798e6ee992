"""Is this privilege name valid? Every rule on feature, sub-feature and Elasticsearch privilege
names, offline (against the catalogs) and live (against the target's privileges API).

Offline: a feature the catalog fully knows (Cases, Connectors, alert-bearing features) must be
registered by the target and name only its privileges; other feature ids are at most a warning
(``feature_catalog``). Elasticsearch cluster and index privilege names come from
``es_privileges``; names with ``:`` are action patterns and always accepted.

Live: Kibana stores unknown feature and privilege ids without complaint and they grant nothing,
so ``live_problems`` is what makes a typo or an id of the wrong generation fail at preview.
Input: the answer of ``GET /api/security/privileges`` (and, only when something is missing,
the answer with ``respectLicenseLevel=false``, which also lists sub-feature privileges the
license does not allow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from ..es_privileges import CLUSTER_PRIVILEGES, INDEX_PRIVILEGES
from ..feature_catalog import (
    BY_ID,
    PRIMARY,
    Feature,
    features_for,
    is_deprecated,
    is_registered,
    privileges_of,
    sub_feature_history,
    sub_features_of,
    successor,
)
from ..problems import Problem, Severity, close_matches, one_of
from ..target import Privileges
from ..versions import KibanaTarget
from .expand import feature_origins
from .spec import RoleSpec

FEATURE_ID = re.compile(r"^[a-zA-Z0-9_-]+$")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    found = close_matches(word, choices)
    return f" (did you mean {', '.join(found)}?)" if found else ""


# ---------------------------------------------------------------- offline: Kibana features


def feature_privilege_problems(
    feature_id: str, privileges: list[str], path: str, target: KibanaTarget
) -> Iterator[Problem]:
    """Problems of one ``feature: {id: [privileges]}`` entry at ``path``: an id or privilege of the
    wrong shape, a feature the target does not register (an error for a feature the catalog
    fully knows, else a warning), a deprecated feature (a warning naming its successor), a
    privilege the feature does not have in the target."""
    if not FEATURE_ID.match(feature_id):
        yield Problem(path, "only a-z, A-Z, 0-9, '_', and '-' are allowed")
        return
    for i, privilege in enumerate(privileges):
        if not FEATURE_ID.match(privilege):
            yield Problem(f"{path}[{i}]", "only a-z, A-Z, 0-9, '_', and '-' are allowed")
    feature = BY_ID.get(feature_id)
    if feature is None:
        yield Problem(path, _not_in_catalog(feature_id, target), "warning")
        return
    severity: Severity = "error" if feature.fully_known else "warning"
    if not is_registered(feature, target):
        yield Problem(path, _not_registered(feature, target), severity)
        return
    if is_deprecated(feature, target):
        yield Problem(path, _deprecated(feature, target), "warning")
    allowed = privileges_of(feature, target)
    for i, privilege in enumerate(privileges):
        if privilege in allowed or not FEATURE_ID.match(privilege):
            continue
        if privilege in {s.id for s in feature.sub_features}:
            message = unknown_sub_feature(privilege, feature, target)
        else:
            message = (
                f"{privilege!r} is not a privilege of {feature_id} in {target}; {one_of(allowed)}"
            )
            later = sub_feature_history(feature, privilege)
            if later is not None:
                message = unknown_sub_feature(privilege, feature, target)
        yield Problem(f"{path}[{i}]", message, severity)


def _near_features(feature_id: str, target: KibanaTarget) -> list[str]:
    """Current feature ids of the target that look like a mistyped one."""
    current = [f.id for f in features_for(target).values() if not is_deprecated(f, target)]
    return close_matches(feature_id, current)


def _not_in_catalog(feature_id: str, target: KibanaTarget) -> str:
    near = _near_features(feature_id, target)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    return (
        f"feature {feature_id!r} is not in the offline catalog{hint}; the live check against "
        f"{target}'s privileges API decides, and Kibana would store an unknown id and grant nothing"
    )


def _not_registered(feature: Feature, target: KibanaTarget) -> str:
    current = successor(feature, target)
    hint = f"; use {current.id}" if current else ""
    if target.serverless:
        return f"feature {feature.id} does not exist on {target}{hint}"
    added = f" (added in {feature.since.major}.{feature.since.minor})" if feature.since else ""
    return f"feature {feature.id} does not exist in {target}{added}{hint}"


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


# ---------------------------------------------------------------- offline: Elasticsearch


def es_privilege_problems(
    names: Iterable[str], path: str, kind: str, known: frozenset[str]
) -> Iterator[Problem]:
    """Unknown ``kind`` ("cluster" or "index") privileges: an error when it looks like a typo of
    a known one, a warning otherwise (Elasticsearch may know names newer than this list)."""
    for i, name in enumerate(names):
        if ":" in name or name.lower() in known:
            continue
        other = INDEX_PRIVILEGES if known is CLUSTER_PRIVILEGES else CLUSTER_PRIVILEGES
        other_kind = "an index" if kind == "cluster" else "a cluster"
        close = close_matches(name.lower(), known)
        if name.lower() in other:
            yield Problem(
                f"{path}[{i}]",
                f"{name!r} is {other_kind} privilege, not a {kind} privilege: Elasticsearch "
                "would refuse the role",
            )
        elif close:
            message = (
                f"unknown {kind} privilege [{name}]: Elasticsearch would refuse the role; "
                f"did you mean {' or '.join(close)}?"
            )
            yield Problem(f"{path}[{i}]", message)
        else:
            message = (
                f"{name!r} is not a {kind} privilege elastic-access knows; Elasticsearch refuses "
                f"unknown names (predefined {kind} privileges or an action pattern with ':')"
            )
            yield Problem(f"{path}[{i}]", message, "warning")


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
