"""Existing Kibana roles as stack config (``elastic-access import``).

A GET answer becomes an ``elastic-access:roles`` entry that uses the shorthands only where they
say exactly what the role grants on the target Kibana (``flatten``) and raw ``kibana`` /
``elasticsearch`` entries otherwise. The guarantee, checked here for every role, is that
rendering the entry gives back the live role; should the shorthands ever miss it, the role is
written with raw entries only. Built-in roles are skipped.

What a GET answer shows but the config cannot hold, or holds without the catalog vouching for
it, becomes a comment above the role (issue 13 §3): privileges Kibana could not read
(``_transform_error``), other applications' privileges (``_unrecognized_applications``, which
Kibana keeps on every write), feature ids the catalog does not know for the target, metadata
keys starting ``_``, and roles Kibana marks disabled (``transient_metadata.enabled: false``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..feature_catalog import covers, features_for
from ..imported import Imported
from ..versions import KibanaTarget
from .body import Body, is_reserved, normalise, read_warnings
from .expand import expand
from .flatten import flatten
from .spec import RoleSpec


def absent_features(role: Mapping[str, Any], target: KibanaTarget) -> list[str]:
    """The feature ids of a GET answer that do not exist in the target's release, when the
    catalog covers it (``feature_catalog.covers``): Kibana stores such an id and grants nothing
    by it, and ``validate`` refuses it. Sorted; empty for a release the catalog does not cover."""
    if not covers(target):
        return []
    known = features_for(target)
    return sorted(
        {
            str(feature)
            for entry in role.get("kibana") or ()
            for feature in (entry.get("feature") or {})
            if feature not in known
        }
    )


def importable_body(role: Mapping[str, Any], target: KibanaTarget) -> Body:
    """The part of a GET answer the config can hold: metadata keys starting ``_`` are dropped
    (Elasticsearch refuses them on write; they mark built-in roles), and so are the features of
    ``absent_features`` (with a Kibana entry left with nothing to grant)."""
    metadata = {k: v for k, v in (role.get("metadata") or {}).items() if not str(k).startswith("_")}
    absent = set(absent_features(role, target))
    entries = []
    for entry in role.get("kibana") or ():
        features = {k: v for k, v in (entry.get("feature") or {}).items() if k not in absent}
        if features or entry.get("base") or not entry.get("feature"):
            entries.append({**entry, "feature": features})
    return normalise({**role, "metadata": metadata, "kibana": entries})


def role_config(
    role: Mapping[str, Any], target: KibanaTarget, *, adopt: bool = True
) -> dict[str, Any]:
    """One role's config entry (YAML-ready), rendering back to ``importable_body(role, target)``."""
    body = importable_body(role, target)
    entry = flatten(body, target)
    if not _renders_to(entry, body, target):
        entry = _raw_config(body)
    if adopt:
        entry["adopt"] = True
    return entry


def import_roles(
    roles: Iterable[Mapping[str, Any]], target: KibanaTarget, *, adopt: bool = True
) -> Imported:
    """Config entries for every role that is not built in, keyed by role name (sorted).

    ``adopt`` (default true) marks each entry ``adopt: true``: the roles exist already, so
    ``pulumi up`` must take them over rather than create them.
    """
    result = Imported()
    reserved = []
    for role in sorted(roles, key=lambda r: str(r.get("name") or "")):
        name = str(role.get("name") or "")
        if is_reserved(role):
            reserved.append(name)
            continue
        result.entries[name] = role_config(role, target, adopt=adopt)
        for text in inexact(role, target):
            result.comment(name, text, where=f"roles.{name}")
    if reserved:
        result.notes.insert(
            0,
            f"skipped {len(reserved)} built-in (reserved) role{'s' if len(reserved) > 1 else ''}"
            f", which elastic-access never manages: {', '.join(reserved)}",
        )
    return result


def inexact(role: Mapping[str, Any], target: KibanaTarget) -> list[str]:
    """What the role's config entry does not say exactly, one sentence each (empty when the
    entry is the whole role, vouched for by the catalog)."""
    # read_warnings says what Kibana reported; what it means for this entry follows.
    consequences = {
        "_transform_error": ". This entry declares none of them, so the next pulumi up that "
        "changes the role replaces them: declare them first (Elasticsearch's GET "
        "/_security/role shows them)",
        "_unrecognized_applications": " by Kibana on every write; elastic-access does not "
        "manage them",
    }
    texts = [
        read_warnings({key: role[key]})[0] + consequence
        for key, consequence in consequences.items()
        if role.get(key)
    ]
    absent = absent_features(role, target)
    if absent:
        texts.append(
            f"{_features(absent, 'does', 'do')} not exist in {target}: Kibana keeps such ids "
            "but grants nothing by them; left out here"
        )
    known = features_for(target)
    unknown = sorted(
        {
            str(feature)
            for entry in role.get("kibana") or ()
            for feature in (entry.get("feature") or {})
            if feature not in known and feature not in absent
        }
    )
    if unknown:
        texts.append(
            f"{_features(unknown, 'is', 'are')} not in the catalog of {target}: kept as raw "
            "entries, which validate --live checks against the live privileges API"
        )
    hidden = sorted(str(k) for k in (role.get("metadata") or {}) if str(k).startswith("_"))
    if hidden:
        texts.append(
            f"metadata {', '.join(hidden)} left out: keys starting with _ are reserved and "
            "Elasticsearch refuses them on write"
        )
    if (role.get("transient_metadata") or {}).get("enabled") is False:
        texts.append(
            "Kibana marks this role disabled (transient_metadata.enabled: false): it grants "
            "something the license does not cover, and grants nothing until it does"
        )
    return texts


def _features(ids: list[str], singular: str, plural: str) -> str:
    """``feature x is`` / ``features x, y are``: the ids and the verb that agrees with them."""
    return (
        f"feature {ids[0]} {singular}" if len(ids) == 1 else f"features {', '.join(ids)} {plural}"
    )


def _renders_to(entry: Mapping[str, Any], body: Body, target: KibanaTarget) -> bool:
    try:
        spec = RoleSpec.model_validate(dict(entry))
    except ValueError:
        return False
    return normalise(expand(spec, target)) == body


def _raw_config(body: Body) -> dict[str, Any]:
    """The role with raw entries only (no shorthand)."""
    entry: dict[str, Any] = {}
    if body["description"]:
        entry["description"] = body["description"]
    if body["kibana"]:
        entry["kibana"] = [
            {k: v for k, v in e.items() if v or k == "spaces"} for e in body["kibana"]
        ]
    es = {k: v for k, v in body["elasticsearch"].items() if v}
    if es:
        entry["elasticsearch"] = es
    if body["metadata"]:
        entry["metadata"] = body["metadata"]
    return entry
