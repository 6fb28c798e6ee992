"""What a sandbox Kibana registers, per profile: its features, privileges and reserved roles.

Features come from the product's feature catalog (``components.core.feature_catalog``), which
includes deprecated features as Kibana registers them. The reserved roles are a small, typical
subset of Elasticsearch's built-in roles (reference/kibana-roles.md section 1.3).
"""

from __future__ import annotations

import copy
from typing import Any

from components.core.feature_catalog import (
    REQUIRE_ALL_SPACES,
    Feature,
    features_for,
    is_deprecated,
    privileges_of,
    sub_features_of,
)
from components.core.versions import NEWEST, KibanaTarget, Version

SERVERLESS_PROFILES = {
    "serverless-observability": "observability",
    "serverless-security": "security",
    "serverless-search": "elasticsearch",
    "serverless-elasticsearch": "elasticsearch",
}
GLOBAL_BASE = ("all", "read")
SPACE_BASE = ("all", "read")
RESERVED_PRIVILEGES = ("fleet-setup", "ml_admin", "ml_user", "monitoring")


def parse_profile(profile: str) -> KibanaTarget:
    """``8.16.0`` / ``9.1.0`` / any x.y.z → stateful; ``serverless-<type>`` → serverless."""
    if profile in SERVERLESS_PROFILES:
        return KibanaTarget.of(str(NEWEST), "serverless", SERVERLESS_PROFILES[profile])
    if profile.startswith("serverless"):
        allowed = ", ".join(p for p in SERVERLESS_PROFILES if p != "serverless-elasticsearch")
        raise ValueError(f"profile {profile!r} is not known; serverless profiles: {allowed}")
    return KibanaTarget(Version.parse(profile), "stateful")


def supports(target: KibanaTarget, since: str) -> bool:
    """Whether a stateful release is at least ``since`` (serverless always is)."""
    return target.serverless or target.version >= Version.parse(since)


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
    role = RESERVED_ROLES.get(name)
    return copy.deepcopy(role) if role is not None else None


# ---------------------------------------------------------------- features and privileges


def registered(target: KibanaTarget) -> dict[str, Feature]:
    """Every feature the target registers, deprecated ones included."""
    return features_for(target)


def privileges_body(target: KibanaTarget, *, sub_features: bool) -> dict[str, Any]:
    """``GET /api/security/privileges``: ``minimal_*`` for every feature; sub-feature privilege
    ids only when the license allows sub-feature privileges (Gold+) or the caller asked not
    to respect the license level (reference/kibana-roles.md sections 2.6 and 7.2)."""
    return {
        "global": list(GLOBAL_BASE),
        "space": list(SPACE_BASE),
        "features": {
            fid: privileges_of(feature, target, sub_features=sub_features)
            for fid, feature in registered(target).items()
        },
        "reserved": list(RESERVED_PRIVILEGES),
    }


_CATEGORIES = {
    "stack": ("management", "Management"),
    "observability": ("observability", "Observability"),
    "security": ("securitySolution", "Security"),
}
_CASE_OWNERS = {"stack": "cases", "observability": "observability", "security": "securitySolution"}


def _grant(feature: Feature, privilege: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "app": [feature.id],
        "api": [],
        "catalogue": [],
        "savedObject": {"all": [], "read": []},
        "ui": ["show"] if privilege == "read" else ["show", "save"],
    }
    if feature.role == "cases" and feature.solution is not None:
        owner = _CASE_OWNERS[feature.solution]
        cases = {"read": [owner]}
        if privilege == "all":
            cases |= {"create": [owner], "update": [owner], "push": [owner]}
        out["cases"] = cases
    if fid_requires_all_spaces(feature.id, privilege):
        out["requireAllSpaces"] = True
    return out


def fid_requires_all_spaces(feature_id: str, privilege: str) -> bool:
    return privilege in REQUIRE_ALL_SPACES.get(feature_id, ())


def features_body(target: KibanaTarget, *, sub_features: bool) -> list[dict[str, Any]]:
    """``GET /api/features``: registered features minus deprecated ones, in order."""
    out: list[dict[str, Any]] = []
    current = [f for f in registered(target).values() if not is_deprecated(f, target)]
    for order, feature in enumerate(current, start=1):
        category_id, label = _CATEGORIES.get(feature.solution or "", ("kibana", "Analytics"))
        if feature.role == "connectors":
            category_id, label = "management", "Management"
        item: dict[str, Any] = {
            "id": feature.id,
            "name": feature.name,
            "category": {"id": category_id, "label": label},
            "order": order * 100,
            "app": [feature.id],
            "catalogue": [],
            "privileges": {p: _grant(feature, p) for p in feature.primary},
            "subFeatures": [],
        }
        if feature.role == "cases" and feature.solution is not None:
            item["cases"] = [_CASE_OWNERS[feature.solution]]
        if sub_features:
            item["subFeatures"] = [
                {
                    "name": sub.words.capitalize(),
                    "privilegeGroups": [
                        {
                            "groupType": "independent",
                            "privileges": [
                                {
                                    "id": sub.id,
                                    "name": sub.words.capitalize(),
                                    "includeIn": "all",
                                    "savedObject": {"all": [], "read": []},
                                    "ui": [sub.id],
                                    "api": [],
                                }
                            ],
                        }
                    ],
                }
                for sub in sub_features_of(feature, target)
            ]
        out.append(item)
    return out
