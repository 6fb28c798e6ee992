"""A Kibana role body -> the role's config (``import``, and ``read`` after drift).

``flatten`` writes a body as config, using the shorthands where they say exactly the same thing
on the target Kibana and raw entries otherwise, so that ``expand(flatten(body))`` normalises to
``normalise(body)`` (the round trip the tests hold it to).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..feature_catalog import (
    CONNECTORS,
    MINIMAL,
    SOLUTIONS,
    Feature,
    Solution,
    alert_features,
    cases_feature,
    sub_features_of,
)
from ..versions import KibanaTarget
from .body import ALL_SPACES, Body, normalise
from .expand import security_alert_indices


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
