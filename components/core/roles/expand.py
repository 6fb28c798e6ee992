"""A role's config -> the Kibana role PUT body for a target Kibana.

``expand`` turns the shorthands (``cases``, ``connectors``, ``alerts``, ``spaces``) and raw
entries into a body: the right Cases feature ids for the target's generation, ``minimal_*``
plus sub-features for customised access, the alert-bearing features of the release
(``flatten`` goes back). Expansion assumes a config that ``validation`` accepted; it never
guesses.
"""

from __future__ import annotations

from ..feature_catalog import (
    CONNECTORS,
    MINIMAL,
    Feature,
    alert_features,
    cases_feature,
    sub_features_of,
)
from ..versions import KibanaTarget
from .body import ALL_SPACES, Body, normalise
from .spec import CustomisedAccess, RoleSpec

ALERT_INDEX_PRIVILEGES = {
    "read": ["read", "view_index_metadata"],
    "all": ["maintenance", "read", "view_index_metadata", "write"],
}
_SECURITY_ALERT_INDICES = (
    ".alerts-security.alerts-{space}",
    ".internal.alerts-security.alerts-{space}-*",
    ".siem-signals-{space}",
    ".lists-{space}",
    ".items-{space}",
)


def feature_privileges(
    access: CustomisedAccess, feature: Feature, target: KibanaTarget
) -> list[str]:
    """``all``/``read``, or ``minimal_*`` plus the chosen sub-feature privileges."""
    if access.access == "none":
        return []
    if not access.customised:
        return [access.access]
    included = {s.id for s in sub_features_of(feature, target)} if access.access == "all" else set()
    chosen = (included | set(access.allow)) - set(access.deny)
    subs = [s.id for s in sub_features_of(feature, target) if s.id in chosen]
    return [MINIMAL[access.access], *subs]


def security_alert_indices(spaces: list[str], level: str) -> Body:
    """The index privileges Security alerts need in the role's spaces (detections requirements)."""
    wanted = ["*"] if ALL_SPACES in spaces else sorted(spaces)
    names = [pattern.format(space=s) for s in wanted for pattern in _SECURITY_ALERT_INDICES]
    return {"names": sorted(names), "privileges": ALERT_INDEX_PRIVILEGES[level]}


def shorthand_features(spec: RoleSpec, target: KibanaTarget) -> dict[str, list[str]]:
    """The feature privileges the shorthands grant, on the role's ``spaces``."""
    return {
        feature: granted
        for path, _, feature, granted in feature_origins("", spec, target)
        if ".kibana[" not in path
    }


def feature_origins(
    name: str, spec: RoleSpec, target: KibanaTarget
) -> list[tuple[str, list[str], str, list[str]]]:
    """(config path, spaces, feature id, privileges) for every feature grant the role makes."""
    path = f"roles.{name}"
    origins: list[tuple[str, list[str], str, list[str]]] = []
    for solution, access in spec.cases.items():
        feature = cases_feature(solution, target)
        if feature is not None and access.access != "none":
            granted = feature_privileges(access, feature, target)
            origins.append((f"{path}.cases.{solution}", spec.spaces, feature.id, granted))
    if spec.connectors is not None and spec.connectors.access != "none":
        granted = feature_privileges(spec.connectors, CONNECTORS, target)
        origins.append((f"{path}.connectors", spec.spaces, CONNECTORS.id, granted))
    for solution, level in spec.alerts.items():
        if level != "none":
            for feature in alert_features(solution, target):
                origins.append((f"{path}.alerts.{solution}", spec.spaces, feature.id, [level]))
    for i, entry in enumerate(spec.kibana):
        for feature_id, granted in entry.feature.items():
            where = f"{path}.kibana[{i}].feature.{feature_id}"
            origins.append((where, entry.spaces, feature_id, granted))
    return origins


def _same_spaces(a: list[str], b: list[str]) -> bool:
    return sorted(set(a)) == sorted(set(b))


def expand(spec: RoleSpec, target: KibanaTarget) -> Body:
    """The Kibana role PUT body for this role config on the target Kibana."""
    entries: list[Body] = [e.model_dump(exclude_none=True) for e in spec.kibana]
    features = shorthand_features(spec, target)
    if features:
        home = next(
            (e for e in entries if not e.get("base") and _same_spaces(e["spaces"], spec.spaces)),
            None,
        )
        if home is None:
            entries.append({"spaces": list(spec.spaces), "base": [], "feature": features})
        else:
            home["feature"] = {**features, **home["feature"]}
    es: Body = spec.elasticsearch.model_dump(exclude_none=True, by_alias=True)
    level = spec.alerts.get("security", "none")
    if level != "none" and alert_features("security", target):
        es["indices"] = [*es["indices"], security_alert_indices(spec.spaces, level)]
    body: Body = {"elasticsearch": es, "kibana": entries, "metadata": dict(spec.metadata)}
    if spec.description:
        body["description"] = spec.description
    return body


def render(spec: RoleSpec, target: KibanaTarget) -> Body:
    """The normalised body: what ``render`` prints and what diffs compare."""
    return normalise(expand(spec, target))
