"""A Kibana space as the user writes it under ``elastic-access:spaces`` (contract section 3),
and the body the spaces API takes for it.

Source: reference/kibana-roles.md §11.3 (``x-pack/.../spaces/server/lib/space_schema.ts`` in
elastic/kibana). Minimal reading for ``import`` and ``report``: the rules that depend on the
target Kibana (id pattern, known feature ids, ``solution`` only from 8.16 on stateful) are the
spaces resource's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..model import ConfigModel

SpaceSolution = Literal["es", "oblt", "security", "classic"]


class SpaceSpec(ConfigModel):
    """One entry of ``elastic-access:spaces``, keyed by space id."""

    name: str
    description: str | None = None
    color: str | None = None
    initials: str | None = None
    image_url: str | None = Field(default=None, alias="imageUrl")
    disabled_features: list[str] = Field(default_factory=list, alias="disabledFeatures")
    solution: SpaceSolution | None = None
    allow_delete: bool = Field(default=False, alias="allowDelete")
    adopt: bool = False


def space_body(space_id: str, spec: SpaceSpec) -> dict[str, Any]:
    """The ``POST /api/spaces/space`` (and ``PUT``) body: ``{id, name, disabledFeatures}`` and
    each optional field that is set, under the API's names."""
    body = spec.model_dump(
        by_alias=True, exclude_none=True, exclude={"allow_delete", "adopt", "disabled_features"}
    )
    body["disabledFeatures"] = sorted(spec.disabled_features)
    return {"id": space_id, **body}
