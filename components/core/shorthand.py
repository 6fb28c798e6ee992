"""The shorthands (``cases``, ``connectors``, ``alerts``, ``spaces``) and raw entries <-> role body.

``expand`` turns a role's config into the Kibana role PUT body for a target Kibana (the right
Cases feature ids for its generation, ``minimal_*`` plus sub-features for customised access,
the alert-bearing features of the release). ``flatten`` goes back: it writes a body as config,
using the shorthands where they say exactly the same thing and raw entries otherwise, so that
``expand(flatten(body))`` normalises to ``normalise(body)``.

Expansion assumes a config that ``role_validation`` accepted; it never guesses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import CustomisedAccess, RoleSpec
from .feature_catalog import (
    CONNECTORS,
    MINIMAL,
    SOLUTIONS,
    Feature,
    Solution,
    alert_features,
    cases_feature,
    sub_features_of,
)
from .kibana_role import ALL_SPACES, Body, normalise
from .versions import KibanaTarget

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


# ---------------------------------------------------------------- flatten


def _access_of(privileges: list[str], feature: Feature, target: KibanaTarget) -> Any:
    """The shorthand saying exactly ``privileges`` on ``feature``, or None when there is none."""
    subs = [s.id for s in sub_features_of(feature, target)]
    granted = set(privileges)
    if granted in ({"all"}, {"read"}):
        return privileges[0]
    for access in ("all", "read"):
        minimal = MINIMAL[access]
        if minimal not in granted:
            continue
        rest = granted - {minimal}
        if not rest <= set(subs):
            return None
        if access == "all":
            deny = [s for s in subs if s not in rest]
            return {"access": "all", "deny": deny} if deny else None
        return {"access": "read", "allow": [s for s in subs if s in rest]} if rest else None
    return None


def _take_shorthands(
    features: dict[str, list[str]], target: KibanaTarget
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Split an entry's features into shorthands and what stays raw."""
    taken: dict[str, Any] = {}
    rest = dict(features)
    cases: dict[str, Any] = {}
    for solution in SOLUTIONS:
        feature = cases_feature(solution, target)
        if feature is not None and feature.id in rest:
            access = _access_of(rest[feature.id], feature, target)
            if access is not None:
                cases[solution] = access
                del rest[feature.id]
    if cases:
        taken["cases"] = cases
    if CONNECTORS.id in rest:
        access = _access_of(rest[CONNECTORS.id], CONNECTORS, target)
        if access is not None:
            taken["connectors"] = access
            del rest[CONNECTORS.id]
    alerts = {}
    for solution in SOLUTIONS:
        level = _alert_level(rest, solution, target)
        if level is not None:
            alerts[solution] = level
            for feature in alert_features(solution, target):
                del rest[feature.id]
    if alerts:
        taken["alerts"] = alerts
    return taken, rest


def _alert_level(features: dict[str, list[str]], solution: Solution, target: KibanaTarget) -> Any:
    wanted = alert_features(solution, target)
    levels = {tuple(features.get(f.id, ())) for f in wanted}
    if wanted and levels in ({("read",)}, {("all",)}):
        return next(iter(levels))[0]
    return None


def flatten(body: Mapping[str, Any], target: KibanaTarget) -> dict[str, Any]:
    """A role config (as YAML-ready data) that expands back to the same normalised body."""
    role = normalise(body)
    es = role["elasticsearch"]
    entries: list[Body] = role["kibana"]
    spec: dict[str, Any] = {}
    if role["description"]:
        spec["description"] = role["description"]
    home_index = next(
        (
            i
            for i, e in enumerate(entries)
            if not e["base"] and _take_shorthands(e["feature"], target)[0]
        ),
        None,
    )
    raw: list[Body] = []
    for i, entry in enumerate(entries):
        if i != home_index:
            raw.append(_raw_entry(entry))
            continue
        taken, rest = _take_shorthands(entry["feature"], target)
        level = taken.get("alerts", {}).get("security")
        if level is not None:
            wanted = normalise(
                {"elasticsearch": {"indices": [security_alert_indices(entry["spaces"], level)]}}
            )["elasticsearch"]["indices"][0]
            if wanted not in es["indices"]:
                # Without its index privileges the security alerts grant is not the shorthand.
                del taken["alerts"]["security"]
                rest.update({f.id: [level] for f in alert_features("security", target)})
                if not taken["alerts"]:
                    del taken["alerts"]
            else:
                es = {**es, "indices": [e for e in es["indices"] if e != wanted]}
        if entry["spaces"] != [ALL_SPACES]:
            spec["spaces"] = entry["spaces"]
        spec.update(taken)
        if rest:
            raw.append(_raw_entry({**entry, "feature": rest}))
    if raw:
        spec["kibana"] = raw
    es_config = {k: v for k, v in es.items() if v}
    if es_config:
        spec["elasticsearch"] = {
            k: [_raw_index(e) for e in v] if k in ("indices", "remote_indices") else v
            for k, v in es_config.items()
        }
    if role["metadata"]:
        spec["metadata"] = role["metadata"]
    return spec


def _raw_entry(entry: Body) -> Body:
    out: Body = {"spaces": entry["spaces"]}
    if entry["base"]:
        out["base"] = entry["base"]
    if entry["feature"]:
        out["feature"] = entry["feature"]
    return out


def _raw_index(entry: Body) -> Body:
    return {k: v for k, v in entry.items() if not (k == "allow_restricted_indices" and v is False)}
