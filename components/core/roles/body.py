"""The Kibana role body: normalising it so that equal roles compare equal.

``normalise`` takes a PUT body or a GET answer and returns the canonical form: every field
present, server defaults filled (``description: ""``, ``spaces: ["*"]``, ``base: []``,
``allow_restricted_indices: false``...), GET-only fields dropped (``name``,
``transient_metadata``, ``_transform_error``, ``_unrecognized_applications``,
``kibana[]._reserved``), every set-like array sorted and de-duplicated, lists of objects
sorted by their canonical JSON, DLS queries compared as parsed JSON. Source of the rules:
../shared/reference/kibana-roles.md section 1.10.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

Body = dict[str, Any]

ALL_SPACES = "*"


def _strings(values: Iterable[Any] | None) -> list[str]:
    return sorted({str(v) for v in values or ()})


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _query(query: Any) -> str | None:
    """DLS queries compare as JSON: ``{"match_all": {}}`` equals ``{ "match_all" : { } }``."""
    if query is None or query == "":
        return None
    if isinstance(query, str):
        try:
            return _canonical(json.loads(query))
        except ValueError:
            return query.strip()
    return _canonical(query)


def _index_entry(entry: Mapping[str, Any], *, remote: bool) -> Body:
    out: Body = {
        "names": _strings(entry.get("names")),
        "privileges": _strings(entry.get("privileges")),
        "allow_restricted_indices": bool(entry.get("allow_restricted_indices") or False),
    }
    if remote:
        out["clusters"] = _strings(entry.get("clusters"))
    security = entry.get("field_security") or {}
    fields: Body = {}
    if security.get("grant") is not None:
        fields["grant"] = _strings(security["grant"])
    if security.get("except"):
        fields["except"] = _strings(security["except"])
    if fields:
        out["field_security"] = fields
    query = _query(entry.get("query"))
    if query is not None:
        out["query"] = query
    return out


def _sorted_objects(items: Iterable[Body]) -> list[Body]:
    return sorted(items, key=_canonical)


def _kibana_entry(entry: Mapping[str, Any]) -> Body:
    features = {
        str(feature): _strings(privileges)
        for feature, privileges in (entry.get("feature") or {}).items()
        if privileges
    }
    return {
        "spaces": _strings(entry.get("spaces") or [ALL_SPACES]),
        "base": _strings(entry.get("base")),
        "feature": dict(sorted(features.items())),
    }


def normalise(body: Mapping[str, Any]) -> Body:
    """The canonical form of a role body or GET answer (idempotent, order-insensitive)."""
    es = body.get("elasticsearch") or {}
    return {
        "description": str(body.get("description") or ""),
        "metadata": json.loads(_canonical(dict(body.get("metadata") or {}))),
        "elasticsearch": {
            "cluster": _strings(es.get("cluster")),
            "indices": _sorted_objects(
                _index_entry(e, remote=False) for e in es.get("indices") or ()
            ),
            "remote_indices": _sorted_objects(
                _index_entry(e, remote=True) for e in es.get("remote_indices") or ()
            ),
            "remote_cluster": _sorted_objects(
                {
                    "privileges": _strings(e.get("privileges")),
                    "clusters": _strings(e.get("clusters")),
                }
                for e in es.get("remote_cluster") or ()
            ),
            "run_as": _strings(es.get("run_as")),
        },
        "kibana": _sorted_objects(_kibana_entry(e) for e in body.get("kibana") or ()),
    }


def put_body(role: Mapping[str, Any], *, normalised: bool = False) -> Body:
    """The PUT body for a role: the normalised form without what Kibana does not need
    (``normalised``: ``role`` is already, e.g. from ``render``)."""
    canonical = dict(role) if normalised else normalise(role)
    es = {k: v for k, v in canonical["elasticsearch"].items() if v or k in ("cluster", "indices")}
    out: Body = {
        "elasticsearch": es,
        "kibana": canonical["kibana"],
        "metadata": canonical["metadata"],
    }
    if canonical["description"]:
        out["description"] = canonical["description"]
    return out


def is_reserved(role: Mapping[str, Any]) -> bool:
    """Built-in roles (``metadata._reserved``) are never written or deleted."""
    return bool((role.get("metadata") or {}).get("_reserved"))


def read_warnings(role: Mapping[str, Any]) -> list[str]:
    """What a GET answer says Kibana could not represent (such roles were edited outside Kibana)."""
    notes = []
    if role.get("_transform_error"):
        reasons = ", ".join(str(r) for r in role["_transform_error"])
        notes.append(
            f"Kibana could not read this role's Kibana privileges ({reasons}); "
            "it shows them as empty: they were probably edited through the Elasticsearch API"
        )
    if role.get("_unrecognized_applications"):
        apps = ", ".join(str(a) for a in role["_unrecognized_applications"])
        notes.append(f"the role also grants privileges of other applications ({apps}), kept as is")
    return notes


def same_role(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two bodies grant the same thing, whatever their order and defaults."""
    return not role_differences(a, b)


def role_differences(desired: Mapping[str, Any], live: Mapping[str, Any]) -> list[str]:
    """The parts in which two bodies differ, sorted: ``description``, ``kibana``,
    ``metadata``, ``elasticsearch.<cluster|indices|remote_indices|remote_cluster|run_as>``."""
    want, have = normalise(desired), normalise(live)
    parts = [k for k in ("description", "kibana", "metadata") if want[k] != have[k]]
    es_want, es_have = want["elasticsearch"], have["elasticsearch"]
    parts += [f"elasticsearch.{k}" for k in es_want if es_want[k] != es_have[k]]
    return sorted(parts)
