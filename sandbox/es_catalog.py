"""Elasticsearch's built-in privilege names per profile, and its refusal of unknown ones.

From ``data/es_privileges.json``: the base list of the oldest release the sandbox knows, then
each addition with its release (sources in the file). Serverless has its own list.
"""

from __future__ import annotations

from typing import Any

from sandbox.data import load
from sandbox.profiles import Profile, parse_version

KINDS = ("cluster", "index", "remote_cluster")


def builtin(profile: Profile) -> dict[str, list[str]]:
    """``GET /_security/privilege/_builtin`` for the profile: ``{cluster, index, remote_cluster}``
    (``none`` included, as Elasticsearch answers it)."""
    table = load("es_privileges")
    if profile.serverless:
        return {kind: list(table["serverless"][kind]) for kind in KINDS}
    out = {kind: list(table["base"][kind]) for kind in KINDS}
    for change in table["changes"]:
        if parse_version(change["since"]) <= profile.version:
            for kind, names in change["add"].items():
                out[kind] += names
    return {kind: sorted(names) for kind, names in out.items()}


def unknown_privilege(profile: Profile, kind: str, names: Any) -> str | None:
    """Elasticsearch's reason for the first unknown ``kind`` ("cluster" or "index") privilege
    name, or None. Names with ``:`` are action patterns and pass; names compare lower-cased
    (``ClusterPrivilegeResolver`` / ``IndexPrivilege`` in elastic/elasticsearch)."""
    known = builtin(profile)[kind]
    listed = "fixed indices privileges" if kind == "index" else "cluster privilege names"
    for name in names:
        text = str(name).lower()
        if ":" not in text and text not in known:
            return (
                f"unknown {kind} privilege [{text}]. a privilege must be either one of the "
                f"predefined {listed} [{','.join(known)}] or a pattern over one of the "
                f"available {kind} actions"
            )
    return None


def unknown_remote_cluster_privilege(profile: Profile, names: Any) -> str | None:
    """The sandbox's wording for a ``remote_cluster`` privilege outside the profile's list."""
    known = builtin(profile)["remote_cluster"]
    invalid = [str(n) for n in names if str(n).lower() not in known]
    if not invalid:
        return None
    return (
        f"Invalid remote_cluster permissions found. Please remove the following: "
        f"[{', '.join(invalid)}] Only [{', '.join(known)}] are allowed"
    )
