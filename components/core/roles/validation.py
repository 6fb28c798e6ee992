"""Every rule a role config must pass before anything is sent to Kibana.

Three kinds of rules, each message naming the config field path:

* Kibana's and Elasticsearch's own structural rules (what the role API would answer 400 to):
  base XOR feature, spaces, id patterns, ``_`` metadata keys, reserved names, name length.
  Messages quote Kibana's where Kibana has one.
* Serverless rules: no ``run_as``, ``remote_indices``, ``remote_cluster``; no Stack cases.
* Which privilege names are valid (feature, sub-feature, base and Elasticsearch privileges)
  is decided in ``privileges``; this module applies it to every place a role names one.

``missing_spaces`` is the one rule that needs the live Kibana's list of spaces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..es_privileges import Names
from ..feature_catalog import (
    CONNECTORS,
    REQUIRE_ALL_SPACES,
    Feature,
    Solution,
    alert_features,
    cases_feature,
)
from ..problems import Problem, one_of
from ..versions import KibanaTarget, Version
from .body import ALL_SPACES
from .expand import shorthand_features
from .privileges import (
    base_privilege_problems,
    es_privilege_problems,
    feature_privilege_problems,
    sub_feature_problems,
)
from .spec import CustomisedAccess, KibanaEntry, RoleSpec

# Elasticsearch built-in roles (ReservedRolesStore; docs "Built-in roles").
RESERVED_ROLE_NAMES = frozenset(
    [
        "apm_system",
        "apm_user",
        "beats_admin",
        "beats_system",
        "data_frame_transforms_admin",
        "data_frame_transforms_user",
        "editor",
        "enrich_user",
        "inference_admin",
        "inference_user",
        "ingest_admin",
        "kibana_admin",
        "kibana_system",
        "kibana_user",
        "logstash_admin",
        "logstash_system",
        "machine_learning_admin",
        "machine_learning_user",
        "monitoring_user",
        "remote_monitoring_agent",
        "remote_monitoring_collector",
        "reporting_user",
        "rollup_admin",
        "rollup_user",
        "snapshot_user",
        "superuser",
        "transform_admin",
        "transform_user",
        "transport_client",
        "viewer",
        "watcher_admin",
        "watcher_user",
    ]
)
MAX_NAME_LENGTH = 507  # Elasticsearch native realm (NativeRealmValidationUtil)
SERVERLESS_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$")
SPACE_ID = re.compile(r"^[a-z0-9_-]+$")

# Release gates of body fields (terraform-provider-elasticstack models.go; Kibana PR #182377).
FIELD_SINCE = {
    "description": Version(8, 15),
    "remote_indices": Version(8, 10),
    "remote_cluster": Version(8, 15),
}
SERVERLESS_FORBIDDEN = ("run_as", "remote_indices", "remote_cluster")


def validate_role(
    name: str,
    spec: RoleSpec,
    target: KibanaTarget,
    es_names: Names | None = None,
    *,
    live_features: bool = False,
) -> list[Problem]:
    """Every problem of one role for one target; an empty list means it can be sent.

    ``es_names`` is the target's own list of Elasticsearch privilege names, when the live
    Kibana gave it (``GET /internal/security/esPrivileges/builtin``); else the catalog's.
    ``live_features``: the raw feature ids and privileges are checked against the live
    privileges API (``privileges.live_problems``), not against the offline catalog.
    """
    path = f"roles.{name}"
    return sorted(
        [
            *_name_problems(name, path, target),
            *_space_problems(spec.spaces, f"{path}.spaces"),
            *_shorthand_problems(spec, path, target),
            *(
                p
                for i, entry in enumerate(spec.kibana)
                for p in _entry_problems(entry, f"{path}.kibana[{i}]", target, live_features)
            ),
            *_overlap_problems(spec, path, target),
            *_elasticsearch_problems(spec, path, target, es_names),
            *_metadata_problems(spec, path),
        ]
    )


# ---------------------------------------------------------------- name, spaces, metadata


def _name_problems(name: str, path: str, target: KibanaTarget) -> Iterator[Problem]:
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        yield Problem(path, f"role names are 1 to {MAX_NAME_LENGTH} characters long")
    if name != name.strip() or not all(32 <= ord(c) < 127 for c in name):
        yield Problem(
            path, "role names are printable ASCII without leading or trailing white space"
        )
    if name in RESERVED_ROLE_NAMES:
        yield Problem(path, f"Role [{name}] is reserved and may not be used.")
    if target.serverless and not SERVERLESS_NAME.match(name):
        yield Problem(
            path,
            "serverless role names start with a letter or digit and use only letters, digits, "
            "'.', '_' and '-'",
        )


def _space_problems(spaces: list[str], path: str) -> Iterator[Problem]:
    if not spaces:
        yield Problem(path, 'must name at least one space, or ["*"] for all spaces')
        return
    if ALL_SPACES in spaces and len(spaces) > 1:
        yield Problem(path, '"*" (all spaces) cannot be combined with space ids')
    for i, space in enumerate(spaces):
        if space != ALL_SPACES and not SPACE_ID.match(space):
            yield Problem(
                f"{path}[{i}]",
                f"{space!r}: must be lower case, a-z, 0-9, '_', and '-' are allowed",
            )
    if len(set(spaces)) != len(spaces):
        yield Problem(path, "lists a space more than once")


def _metadata_problems(spec: RoleSpec, path: str) -> Iterator[Problem]:
    for key in spec.metadata:
        if key.startswith("_"):
            yield Problem(
                f"{path}.metadata.{key}", "role descriptor metadata keys may not start with [_]"
            )


# ---------------------------------------------------------------- shorthands


def _shorthand_problems(spec: RoleSpec, path: str, target: KibanaTarget) -> Iterator[Problem]:
    for solution, access in spec.cases.items():
        where = f"{path}.cases.{solution}"
        feature = cases_feature(solution, target)
        if access.access == "none":
            continue
        if feature is None:
            yield Problem(where, _no_cases_reason(solution, target))
            continue
        yield from _access_problems(access, feature, where, target)
    if spec.connectors is not None and spec.connectors.access != "none":
        yield from _access_problems(spec.connectors, CONNECTORS, f"{path}.connectors", target)
    for solution, level in spec.alerts.items():
        if level != "none" and not alert_features(solution, target):
            yield Problem(f"{path}.alerts.{solution}", f"{target} has no {solution} alerts")


def _no_cases_reason(solution: Solution, target: KibanaTarget) -> str:
    available = [s for s in ("observability", "security", "stack") if cases_feature(s, target)]
    if target.serverless and solution == "stack":
        reason = "Stack Management cases do not exist on serverless"
    else:
        reason = f"{target} has no {solution} cases"
    return f"{reason}; {one_of(available)}"


def _access_problems(
    access: CustomisedAccess, feature: Feature, path: str, target: KibanaTarget
) -> Iterator[Problem]:
    if access.allow and access.access == "all":
        yield Problem(
            f"{path}.allow",
            "has no effect with access: all, which includes every sub-feature; use deny to "
            "remove some",
        )
    if access.deny and access.access == "read":
        yield Problem(
            f"{path}.deny", "has no effect with access: read, which includes no sub-feature"
        )
    for field, chosen in (("allow", access.allow), ("deny", access.deny)):
        yield from sub_feature_problems(chosen, feature, f"{path}.{field}", target)
    both = sorted(set(access.allow) & set(access.deny))
    if both:
        yield Problem(path, f"{', '.join(both)} is both allowed and denied")


# ---------------------------------------------------------------- raw Kibana entries


def _entry_problems(
    entry: KibanaEntry, path: str, target: KibanaTarget, live: bool
) -> Iterator[Problem]:
    yield from _space_problems(entry.spaces, f"{path}.spaces")
    granted = {f: p for f, p in entry.feature.items() if p}
    if not entry.base and not granted:
        yield Problem(path, "either [base] or [feature] is expected, but none of them specified")
    if entry.base and entry.feature:
        yield Problem(
            path, "definition of [feature] isn't allowed when non-empty [base] is defined."
        )
    yield from base_privilege_problems(entry.base, f"{path}.base")
    for feature_id, privileges in entry.feature.items():
        yield from feature_privilege_problems(
            feature_id, privileges, f"{path}.feature.{feature_id}", target, live=live
        )
        yield from _all_spaces_problems(feature_id, privileges, entry.spaces, path)


def _all_spaces_problems(
    feature_id: str, privileges: list[str], spaces: list[str], path: str
) -> Iterator[Problem]:
    if spaces == [ALL_SPACES]:
        return
    for privilege in privileges:
        if privilege in REQUIRE_ALL_SPACES.get(feature_id, ()):
            yield Problem(
                f"{path}.spaces",
                f"Feature privilege [{feature_id}.{privilege}] requires all spaces to be "
                f"selected but received [{','.join(spaces)}]; use spaces: ['*'] for it, in an "
                "entry of its own",
            )


# ---------------------------------------------------------------- across entries


def _overlap_problems(spec: RoleSpec, path: str, target: KibanaTarget) -> Iterator[Problem]:
    """Kibana refuses two entries naming the same space; the shorthands count as an entry."""
    shorthand = shorthand_features(spec, target)
    entries: list[tuple[str, list[str]]] = [
        (f"{path}.kibana[{i}]", e.spaces) for i, e in enumerate(spec.kibana)
    ]
    merged_into: str | None = None
    if shorthand:
        for where, spaces in entries:
            raw = spec.kibana[int(where.rsplit("[", 1)[1][:-1])]
            if not raw.base and sorted(set(spaces)) == sorted(set(spec.spaces)):
                merged_into = where
                for feature in sorted(set(raw.feature) & set(shorthand)):
                    yield Problem(
                        f"{where}.feature.{feature}",
                        f"{feature} is also granted by the shorthands (cases, connectors, "
                        "alerts) on the same spaces; set it in one place",
                    )
                break
        if merged_into is None:
            entries.append((f"{path}.spaces", spec.spaces))
    seen: dict[str, str] = {}
    for where, spaces in entries:
        for space in dict.fromkeys(spaces):
            first = seen.setdefault(space, where)
            if first != where:
                yield Problem(
                    where,
                    f"more than one privilege is applied to the following spaces: [{space}] "
                    f"(also in {first})",
                )


# ---------------------------------------------------------------- Elasticsearch part


def _elasticsearch_problems(
    spec: RoleSpec, path: str, target: KibanaTarget, live: Names | None
) -> Iterator[Problem]:
    es = spec.elasticsearch
    where = f"{path}.elasticsearch"
    present = {
        "run_as": bool(es.run_as),
        "remote_indices": bool(es.remote_indices),
        "remote_cluster": bool(es.remote_cluster),
        "description": bool(spec.description),
    }
    for field, since in FIELD_SINCE.items():
        if present[field] and not target.serverless and target.version < since:
            field_path = path if field == "description" else where
            yield Problem(
                f"{field_path}.{field}",
                f"needs Kibana {since.major}.{since.minor} or later; the target is {target}",
            )
    if target.serverless:
        for field in SERVERLESS_FORBIDDEN:
            if present[field]:
                yield Problem(f"{where}.{field}", "is not allowed in serverless custom roles")
    yield from es_privilege_problems(es.cluster, f"{where}.cluster", "cluster", target, live)
    for i, remote in enumerate([] if target.serverless else es.remote_cluster):
        yield from es_privilege_problems(
            remote.privileges,
            f"{where}.remote_cluster[{i}].privileges",
            "remote_cluster",
            target,
            live,
        )
    for kind, entries in (("indices", es.indices), ("remote_indices", es.remote_indices)):
        for i, entry in enumerate(entries):
            yield from es_privilege_problems(
                entry.privileges, f"{where}.{kind}[{i}].privileges", "index", target, live
            )
            if isinstance(entry.query, str) and entry.query.strip():
                try:
                    json.loads(entry.query)
                except ValueError:
                    yield Problem(
                        f"{where}.{kind}[{i}].query", "is not valid JSON (a query DSL object)"
                    )


def missing_spaces(name: str, body: Mapping[str, Any], existing: set[str]) -> list[Problem]:
    """Spaces a rendered role names that do not exist (yet) in Kibana: a warning, since Kibana
    stores the role and it takes effect once the space is created (cloud-on-k8s#5395)."""
    problems = []
    for i, entry in enumerate(body.get("kibana") or ()):
        absent = sorted(s for s in entry.get("spaces") or () if s != "*" and s not in existing)
        if absent:
            problems.append(
                Problem(
                    f"roles.{name}.kibana[{i}].spaces",
                    f"space {', '.join(absent)} does not exist in Kibana; the role grants nothing "
                    "there until it is created (Stack Management → Spaces)",
                    "warning",
                )
            )
    return problems
