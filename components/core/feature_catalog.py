"""The feature catalog: which Kibana features and privileges exist in which release and flavor.

The rows, each with its source, are in ``feature_rows``; their shapes in ``feature_model``. This
module answers the questions validation, rendering and the report ask of them:

* is a feature registered, deprecated, removed, in a target (``is_registered``, ...);
* which privileges it has there (``privileges_of``; a privilege that exists only with a
  Kibana setting is ``gated_privilege``);
* how much the catalog knows of the target (``covers``): for a covered release an id it does not
  list does not exist; elsewhere (newer releases, serverless) the live Kibana decides.
"""

from __future__ import annotations

from functools import cache

from .feature_model import (
    MINIMAL,
    PRIMARY,
    SOLUTIONS,
    Feature,
    FeatureRole,
    Gate,
    Solution,
    SubFeaturePrivilege,
)
from .feature_rows import CASES_IDS, CONNECTORS, COVERED_RELEASES, REQUIRE_ALL_SPACES, all_rows
from .versions import KibanaTarget

__all__ = [
    "BY_ID",
    "CONNECTORS",
    "FEATURES",
    "MINIMAL",
    "PRIMARY",
    "REQUIRE_ALL_SPACES",
    "SOLUTIONS",
    "Feature",
    "FeatureRole",
    "Gate",
    "Solution",
    "SubFeaturePrivilege",
    "alert_features",
    "cases_feature",
    "covers",
    "features_for",
    "gated_privilege",
    "is_deprecated",
    "is_registered",
    "privileges_of",
    "sub_feature_history",
    "sub_features_of",
    "successor",
]

FEATURES: tuple[Feature, ...] = tuple(all_rows())
BY_ID: dict[str, Feature] = {f.id: f for f in FEATURES}


def covers(target: KibanaTarget) -> bool:
    """Whether the catalog holds the whole feature set of the target's release (an unlisted id
    then does not exist there). Serverless follows Kibana's main branch: never covered."""
    return not target.serverless and (
        (target.version.major, target.version.minor) in COVERED_RELEASES
    )


def is_registered(feature: Feature, target: KibanaTarget) -> bool:
    """Whether ``target`` registers this feature (deprecated ones included, as Kibana does)."""
    if target.serverless:
        return (
            bool(feature.serverless)
            and feature.removed_since is None
            and (target.project is None or target.project in feature.serverless)
        )
    if feature.since is None or feature.since > target.version:
        return False
    return feature.removed_since is None or target.version < feature.removed_since


def is_deprecated(feature: Feature, target: KibanaTarget) -> bool:
    """Whether the target deprecates this feature (serverless deprecates every superseded one)."""
    if feature.deprecated_since is None:
        return False
    return target.serverless or feature.deprecated_since <= target.version


def features_for(target: KibanaTarget) -> dict[str, Feature]:
    """Every feature the target registers, keyed by id."""
    return {f.id: f for f in FEATURES if is_registered(f, target)}


def sub_features_of(feature: Feature, target: KibanaTarget) -> list[SubFeaturePrivilege]:
    """The sub-feature privileges this feature has in the target release (with Kibana's default
    configuration: gated ones are left out where their gate applies)."""
    return list(_sub_features(feature, target))


def _exists(sub: SubFeaturePrivilege, target: KibanaTarget) -> bool:
    if target.serverless:
        return sub.serverless and sub.until is None
    return sub.since <= target.version and (sub.until is None or target.version < sub.until)


def _gated(sub: SubFeaturePrivilege, target: KibanaTarget) -> bool:
    return sub.gate is not None and not target.serverless and target.version < sub.gate.until


@cache  # asked once per role and feature: 10,000 roles ask a few dozen distinct questions
def _sub_features(feature: Feature, target: KibanaTarget) -> tuple[SubFeaturePrivilege, ...]:
    return tuple(s for s in feature.sub_features if _exists(s, target) and not _gated(s, target))


def gated_privilege(
    feature: Feature, privilege: str, target: KibanaTarget
) -> SubFeaturePrivilege | None:
    """The sub-feature privilege ``privilege`` of ``feature`` when the target has it only with a
    Kibana setting (its ``gate``), else None."""
    for sub in feature.sub_features:
        if sub.id == privilege and _exists(sub, target) and _gated(sub, target):
            return sub
    return None


def _primary(feature: Feature, target: KibanaTarget) -> tuple[str, ...]:
    read_since = feature.read_since
    if read_since is not None and not target.serverless and target.version < read_since:
        return tuple(p for p in feature.primary if p != "read")
    return feature.primary


def privileges_of(
    feature: Feature, target: KibanaTarget, *, sub_features: bool = True
) -> list[str]:
    """Privilege ids in the order the privileges API lists them: primary, minimal, sub-features."""
    primary = _primary(feature, target)
    ids = [*primary, *(MINIMAL[p] for p in primary)]
    if sub_features:
        ids += [s.id for s in sub_features_of(feature, target)]
    return ids


def successor(feature: Feature | str, target: KibanaTarget) -> Feature | None:
    """The registered, current feature of ``feature``'s lineage (a feature or its id) in the
    target (the feature itself when it is current), or None when the target has none."""
    if isinstance(feature, str):
        if feature not in BY_ID:
            return None
        feature = BY_ID[feature]
    for candidate in FEATURES:
        if (
            candidate.lineage == feature.lineage
            and is_registered(candidate, target)
            and not is_deprecated(candidate, target)
        ):
            return candidate
    return None


@cache
def cases_feature(solution: Solution, target: KibanaTarget) -> Feature | None:
    """The current Cases feature of a solution in the target, or None where it does not exist."""
    for fid in reversed(CASES_IDS[solution]):
        feature = BY_ID[fid]
        if is_registered(feature, target) and not is_deprecated(feature, target):
            return feature
    return None


@cache
def alert_features(solution: Solution, target: KibanaTarget) -> tuple[Feature, ...]:
    """The features that give access to a solution's alerts in the target.

    Where the release has a dedicated alerts feature, that one alone (least privilege);
    otherwise every current feature of the solution that carries alerts.
    """
    current = tuple(
        f
        for f in FEATURES
        if f.alerts
        and f.solution == solution
        and is_registered(f, target)
        and not is_deprecated(f, target)
    )
    dedicated = tuple(f for f in current if f.dedicated_alerts)
    return dedicated or current


def sub_feature_history(feature: Feature, privilege: str) -> SubFeaturePrivilege | None:
    """The sub-feature privilege with this id in the feature or any later one of its lineage."""
    for candidate in FEATURES:
        if candidate.lineage != feature.lineage:
            continue
        for sub in candidate.sub_features:
            if sub.id == privilege:
                return sub
    return None
