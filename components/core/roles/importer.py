"""Existing Kibana roles as stack config (``elastic-access import``).

A GET answer becomes an ``elastic-access:roles`` entry that uses the shorthands only where they
say exactly what the role grants on the target Kibana (``flatten``) and raw ``kibana`` /
``elasticsearch`` entries otherwise. The guarantee, checked here for every role, is that
rendering the entry gives back the live role; should the shorthands ever miss it, the role is
written with raw entries only. Built-in roles are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..imported import Imported
from ..versions import KibanaTarget
from .body import Body, is_reserved, normalise, read_warnings
from .expand import expand
from .flatten import flatten
from .spec import RoleSpec


def importable_body(role: Mapping[str, Any]) -> Body:
    """The part of a GET answer the config can hold: metadata keys starting ``_`` are dropped
    (Elasticsearch refuses them on write; they mark built-in roles)."""
    metadata = {k: v for k, v in (role.get("metadata") or {}).items() if not str(k).startswith("_")}
    return normalise({**role, "metadata": metadata})


def role_config(
    role: Mapping[str, Any], target: KibanaTarget, *, adopt: bool = True
) -> dict[str, Any]:
    """One role's config entry (YAML-ready), rendering back to ``importable_body(role)``."""
    body = importable_body(role)
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
    for role in sorted(roles, key=lambda r: str(r.get("name") or "")):
        name = str(role.get("name") or "")
        if is_reserved(role):
            result.notes.append(f"skipped reserved role {name}: built-in roles are not managed")
            continue
        result.notes += [f"role {name}: {warning}" for warning in read_warnings(role)]
        result.entries[name] = role_config(role, target, adopt=adopt)
    return result


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
