"""A space's config -> the bodies of ``POST /api/spaces/space`` and ``PUT /api/spaces/space/{id}``.

Kibana's update is a saved-objects update that merges: an attribute left out of the PUT keeps
its stored value (``spaces_client.ts`` ``update``: ``generateSpaceAttributes`` leaves undefined
fields out, and the solution only goes in when given). So the PUT body carries every field the
config leaves out at its reset value: ``""`` for ``description``, ``initials`` (Kibana then
derives them from the name) and ``imageUrl``, ``classic`` for a ``solution`` that must go back to
the classic view. ``color`` cannot be reset: Kibana refuses any value but ``#xxxxxx``, so a
colour left out of the config is left as Kibana has it (``flatten.differences`` ignores it).
"""

from __future__ import annotations

from typing import Any

from .spec import CLASSIC, SpaceSpec

Body = dict[str, Any]

# The config field of each optional body field, in the API's order.
OPTIONAL = ("description", "color", "initials", "imageUrl")
# Fields a PUT must carry to clear them (Kibana accepts "" for these three).
RESETTABLE = ("description", "initials", "imageUrl")


def create_body(space_id: str, spec: SpaceSpec) -> Body:
    """The ``POST`` body: ``id``, ``name``, ``disabledFeatures`` (sorted, unique) and each
    optional field the config sets; ``solution`` only when the config sets it."""
    body: Body = {
        "id": space_id,
        "name": spec.name,
        "disabledFeatures": sorted(set(spec.disabled_features)),
    }
    values = spec.model_dump(
        by_alias=True, include={"description", "color", "initials", "image_url"}
    )
    for key in OPTIONAL:
        if values.get(key) is not None:
            body[key] = values[key]
    if spec.solution is not None:
        body["solution"] = spec.solution
    return body


def update_body(space_id: str, spec: SpaceSpec, live_solution: str | None) -> Body:
    """The ``PUT`` body: the ``POST`` body with every resettable field the config leaves out
    set to ``""``, and ``solution: classic`` when the config sets none while the space has
    another one (``live_solution``, as last read or written)."""
    body = create_body(space_id, spec)
    for key in RESETTABLE:
        body.setdefault(key, "")
    if "solution" not in body and live_solution not in (None, "", CLASSIC):
        body["solution"] = CLASSIC
    return body
