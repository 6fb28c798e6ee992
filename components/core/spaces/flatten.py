"""A space as Kibana answers it -> the form two spaces are compared in, and back to config.

``normalise`` makes equal spaces compare equal: the fields Kibana may leave out filled with
what leaving them out means (``""``), ``solution`` ``classic`` (or none) left out, every other
server-only field dropped (``_reserved``, ``projectRouting``), ``disabledFeatures`` sorted and
unique. A space with a solution other than ``classic`` reads back the features its solution
turns off instead of its own list (``withSpaceSolutionDisabledFeatures`` in
``lib/utils/space_solution_disabled_features.ts``): then the solution decides what is shown,
and ``disabledFeatures`` is left out of the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .expand import Body
from .spec import CLASSIC

_TEXT = ("name", "description", "initials", "imageUrl")


def _ids(value: Any) -> list[str]:
    """A list of feature ids as sorted, unique strings (a lone value as a one-item list, so
    that an odd answer shows as a difference, not a crash)."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return sorted({str(item) for item in items})


def normalise(space: Mapping[str, Any]) -> Body:
    """The comparable form of a space body or answer (see the module docstring)."""
    out: Body = {"id": str(space.get("id") or "")}
    for key in _TEXT:
        out[key] = str(space.get(key) or "")
    if space.get("color"):
        out["color"] = str(space["color"])
    solution = space.get("solution") or CLASSIC
    if solution == CLASSIC:
        out["disabledFeatures"] = _ids(space.get("disabledFeatures"))
    else:
        out["solution"] = str(solution)
    return out


def differences(desired: Mapping[str, Any], live: Mapping[str, Any]) -> list[str]:
    """The fields in which ``live`` differs from ``desired`` (both bodies or answers), sorted;
    ``color`` only where ``desired`` sets one (Kibana cannot unset it)."""
    want, have = normalise(desired), normalise(live)
    if "color" not in want:
        have.pop("color", None)
    return sorted(k for k in want.keys() | have.keys() if want.get(k) != have.get(k))


def flatten(space: Mapping[str, Any]) -> dict[str, Any]:
    """A space answer as ``elastic-access:spaces.<id>`` config, only the fields that say
    something; ``create_body`` of it normalises to ``normalise(space)``."""
    body = normalise(space)
    config: dict[str, Any] = {"name": body["name"]}
    for key in ("description", "color", "initials", "imageUrl"):
        if body.get(key):
            config[key] = body[key]
    if body.get("disabledFeatures"):
        config["disabledFeatures"] = body["disabledFeatures"]
    if "solution" in body:
        config["solution"] = body["solution"]
    return config
