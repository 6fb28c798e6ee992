"""Existing Kibana spaces as stack config (``elastic-access import --spaces``).

A ``GET /api/spaces/space`` answer becomes ``elastic-access:spaces`` entries that, created on
another Kibana, read back the same (reference/kibana-roles.md §11.3): Kibana's own ``_reserved``
mark is left out, and a space with a solution (``es``, ``oblt``, ``security``) is written
without ``disabledFeatures``, which Kibana derives from the solution (spaces plugin,
``lib/utils/space_solution_disabled_features.ts``). Every space exists, so each is marked
``adopt: true``; none gets ``allowDelete``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..imported import Imported

# Answer fields copied as they are, in the order the contract writes them.
_FIELDS = ("name", "description", "color", "initials", "imageUrl")
_DERIVED = {"es", "oblt", "security"}  # solutions whose disabledFeatures Kibana derives


def space_config(space: Mapping[str, Any]) -> dict[str, Any]:
    """One space's config entry (YAML-ready), without ``adopt``."""
    entry: dict[str, Any] = {k: space[k] for k in _FIELDS if space.get(k) not in (None, "")}
    entry.setdefault("name", str(space.get("id") or ""))
    solution = space.get("solution")
    disabled = sorted(str(f) for f in space.get("disabledFeatures") or ())
    if disabled and solution not in _DERIVED:
        entry["disabledFeatures"] = disabled
    if solution:
        entry["solution"] = solution
    return entry


def import_spaces(spaces: Iterable[Mapping[str, Any]]) -> Imported:
    """Config entries for every space, keyed by id (sorted), each with ``adopt: true``."""
    result = Imported()
    for space in sorted(spaces, key=lambda s: str(s.get("id") or "")):
        space_id = str(space.get("id") or "")
        result.entries[space_id] = {**space_config(space), "adopt": True}
        if space.get("_reserved"):
            result.comments[space_id] = [
                "Kibana's reserved space: neither Kibana nor elastic-access ever deletes it"
            ]
        elif space.get("solution") in _DERIVED and space.get("disabledFeatures"):
            result.comments[space_id] = [
                f"its hidden features follow from solution {space['solution']}, so they are "
                "not listed"
            ]
    return result
