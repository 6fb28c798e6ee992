"""What a sandbox Kibana registers, per profile: features, privileges, licences, reserved roles.

The features and privileges come from the sandbox's own table ``data/kibana_features.json``
(Kibana's functional-test expectations per release, with sources); the reserved roles are a
small, typical subset of Elasticsearch's built-in roles (reference/kibana-roles.md section 1.3).
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.data import load
from sandbox.profiles import Profile, parse_version

GLOBAL_BASE = ("all", "read")
SPACE_BASE = ("all", "read")
PRIMARY = ("all", "read", "minimal_all", "minimal_read")
LICENSES = ("basic", "standard", "gold", "platinum", "enterprise", "trial")
_RANK = {"basic": 0, "standard": 1, "gold": 2, "platinum": 3, "enterprise": 4, "trial": 4}


def license_at_least(license: str, level: str) -> bool:
    """Whether ``license`` (basic … enterprise, trial) is ``level`` or above."""
    return _RANK[license] >= _RANK[level]


# ---------------------------------------------------------------- generations


def _generation(profile: Profile) -> dict[str, Any]:
    """The newest generation at or below the profile's version; older releases get the oldest."""
    generations: dict[str, Any] = load("kibana_features")["generations"]
    ordered = sorted(generations, key=parse_version)
    at_or_below = [name for name in ordered if parse_version(name) <= profile.version]
    chosen = at_or_below[-1] if at_or_below else ordered[0]
    result: dict[str, Any] = generations[chosen]
    return result


def registered(profile: Profile) -> dict[str, list[str]]:
    """Every feature the profile registers (deprecated ones included), with every privilege id
    a Platinum licence offers, in Kibana's order."""
    features: dict[str, list[str]] = _generation(profile)["features"]
    if not profile.serverless:
        return {fid: list(privileges) for fid, privileges in features.items()}
    serverless = load("kibana_features")["serverless"]
    offered = {*serverless["platform"], *serverless["projects"][profile.project]}
    return {fid: list(privileges) for fid, privileges in features.items() if fid in offered}


def deprecated(profile: Profile) -> set[str]:
    """The registered features that ``GET /api/features`` leaves out as deprecated."""
    return set(_generation(profile)["deprecated"]) & set(registered(profile))


def replaced_by(profile: Profile, feature_id: str) -> str | None:
    """The feature the profile offers in place of a deprecated one, where the sandbox's sources
    say (the first registered candidate)."""
    table: dict[str, list[str]] = load("kibana_features")["replacedBy"]["features"]
    known = registered(profile)
    return next((fid for fid in table.get(feature_id, ()) if fid in known), None)


def reserved_privileges(profile: Profile) -> list[str]:
    """The reserved Kibana privileges (``ml_user``, ``monitoring`` …) of the profile."""
    return list(_generation(profile)["reserved"])


def requires_all_spaces(feature_id: str, privilege: str) -> bool:
    """Feature privileges Kibana grants only on all spaces (``requireAllSpaces``)."""
    table: dict[str, list[str]] = load("kibana_features")["requireAllSpaces"]["features"]
    return privilege in table.get(feature_id, ())


def _platinum_only(feature_id: str, privilege: str) -> bool:
    gating: dict[str, list[str]] = load("kibana_features")["licenseGating"]["platinumSubFeatures"]
    return privilege in gating.get(feature_id, ())


def offered_privileges(
    profile: Profile, license: str, *, respect_license: bool = True
) -> dict[str, list[str]]:
    """Privilege ids per feature as ``GET /api/security/privileges`` lists them: sub-feature
    privileges need Gold (or ``respectLicenseLevel=false``), and the PDF/PNG report ones need
    Platinum in any case (reference/kibana-roles.md sections 2.6 and 7.2)."""
    subs_allowed = license_at_least(license, "gold") or not respect_license
    platinum = license_at_least(license, "platinum")
    out: dict[str, list[str]] = {}
    for fid, privileges in registered(profile).items():
        out[fid] = [
            p
            for p in privileges
            if p in PRIMARY or (subs_allowed and (platinum or not _platinum_only(fid, p)))
        ]
    return out


def privileges_body(profile: Profile, license: str, *, respect_license: bool) -> dict[str, Any]:
    """The body of ``GET /api/security/privileges`` (without actions)."""
    return {
        "global": list(GLOBAL_BASE),
        "space": list(SPACE_BASE),
        "features": offered_privileges(profile, license, respect_license=respect_license),
        "reserved": reserved_privileges(profile),
    }


# ---------------------------------------------------------------- GET /api/features


def _category_members(category: str) -> set[str]:
    return set(load("kibana_features")["solutionCategories"]["categories"][category])


def _category(feature_id: str) -> dict[str, str]:
    labels = {
        "observability": "Observability",
        "securitySolution": "Security",
        "enterpriseSearch": "Search",
    }
    for category, label in labels.items():
        if feature_id in _category_members(category):
            return {"id": category, "label": label}
    return {"id": "kibana", "label": "Analytics"}


def solution_disabled_features(profile: Profile, solution: str) -> list[str]:
    """What a space with ``solution`` (es, oblt, security) reads back as ``disabledFeatures``:
    the features of the categories that solution turns off (Kibana drops the stored list)."""
    table = load("kibana_features")["solutionCategories"]
    wanted: set[str] = set()
    for category in table["disables"].get(solution, ()):
        wanted |= _category_members(category)
    wanted -= set(table["keeps"].get(solution, ()))
    if profile.at_least(table["deprecatedDisabledBefore"]):
        wanted -= deprecated(profile)
    return [fid for fid in registered(profile) if fid in wanted]


def _grant(feature_id: str, privilege: str) -> dict[str, Any]:
    return {
        "app": [feature_id],
        "api": [],
        "catalogue": [],
        "savedObject": {"all": [], "read": []},
        "ui": ["show"] if privilege == "read" else ["show", "save"],
    }


def _sub_feature(privilege: str) -> dict[str, Any]:
    """One sub-feature per privilege (the sandbox records no sub-feature grouping)."""
    item = {"id": privilege, "name": privilege, "includeIn": "all", "ui": [privilege]}
    return {
        "name": privilege,
        "privilegeGroups": [{"groupType": "independent", "privileges": [item]}],
    }


def features_body(profile: Profile, license: str, *, ignore_licenses: bool) -> list[dict[str, Any]]:
    """``GET /api/features``: registered features without the deprecated ones; features and
    sub-feature privileges above the licence are left out unless ``ignoreValidLicenses``. Names
    are the feature ids (the sandbox records no display names)."""
    gating = load("kibana_features")["licenseGating"]
    offered = offered_privileges(profile, "platinum" if ignore_licenses else license)
    platinum_ok = ignore_licenses or license_at_least(license, "platinum")
    hidden = deprecated(profile)
    out: list[dict[str, Any]] = []
    for order, (fid, privileges) in enumerate(offered.items(), start=1):
        if fid in hidden or (fid in gating["platinumFeatures"] and not platinum_ok):
            continue
        item: dict[str, Any] = {
            "id": fid,
            "name": fid,
            "category": _category(fid),
            "order": order * 100,
            "app": [fid],
            "catalogue": [],
            "privileges": {p: _grant(fid, p) for p in ("all", "read") if p in privileges},
            "subFeatures": [_sub_feature(sub) for sub in privileges if sub not in PRIMARY],
        }
        out.append(item)
    return out


# ---------------------------------------------------------------- reserved roles


def _entry(
    base: list[str], feature: dict[str, list[str]] | None = None, reserved: list[str] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"base": base, "feature": feature or {}, "spaces": ["*"]}
    if reserved:
        out["_reserved"] = reserved
    return out


def _role(
    cluster: list[str] | None = None,
    indices: list[dict[str, Any]] | None = None,
    kibana: list[dict[str, Any]] | None = None,
    run_as: list[str] | None = None,
    **metadata: Any,
) -> dict[str, Any]:
    return {
        "description": "",
        "metadata": {"_reserved": True, **metadata},
        "elasticsearch": {
            "cluster": cluster or [],
            "indices": [{"allow_restricted_indices": False, **index} for index in indices or []],
            "run_as": run_as or [],
        },
        "kibana": kibana or [],
    }


_READ_ALL = [
    {"names": ["/~(([.]|ilm-history-).*)/"], "privileges": ["read", "view_index_metadata"]}
]

RESERVED_ROLES: dict[str, dict[str, Any]] = {
    "superuser": _role(
        ["all"],
        [
            {"names": ["*"], "privileges": ["all"]},
            {
                "names": ["*"],
                "privileges": ["monitor", "read", "view_index_metadata", "read_cross_cluster"],
                "allow_restricted_indices": True,
            },
        ],
        [_entry(["all"])],
        ["*"],
    ),
    "kibana_admin": _role(kibana=[_entry(["all"])]),
    "kibana_user": _role(
        kibana=[_entry(["all"])],
        _deprecated=True,
        _deprecated_reason="Please use the [kibana_admin] role instead",
    ),
    "viewer": _role(indices=_READ_ALL, kibana=[_entry(["read"])]),
    "editor": _role(indices=_READ_ALL, kibana=[_entry(["all"])]),
    "machine_learning_user": _role(
        ["monitor_ml"],
        [
            {
                "names": [".ml-anomalies*", ".ml-notifications*"],
                "privileges": ["view_index_metadata", "read"],
            }
        ],
        [_entry([], {"ml": ["read"]}, ["ml_user"])],
    ),
    "monitoring_user": _role(
        ["cluster:admin/xpack/monitoring/bulk"],
        [{"names": [".monitoring-*"], "privileges": ["read", "read_cross_cluster"]}],
        [_entry([], reserved=["monitoring"])],
    ),
    "kibana_system": _role(["monitor", "manage_index_templates", "manage_security"]),
    "logstash_system": _role(["monitor", "cluster:admin/xpack/monitoring/bulk"]),
    "apm_system": _role(["monitor", "cluster:admin/xpack/monitoring/bulk"]),
    "remote_monitoring_agent": _role(["manage_index_templates", "manage_ingest_pipelines"]),
}  # fmt: skip


def reserved_role(name: str) -> dict[str, Any] | None:
    """A copy of a reserved role in its stored form, or None."""
    role = RESERVED_ROLES.get(name)
    return copy.deepcopy(role) if role is not None else None
