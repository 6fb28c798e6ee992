"""A Kibana space as the user writes it under ``elastic-access:spaces.<id>`` (contract section 3).

Shape only; the rules that depend on the target Kibana are in ``validation``. Field names are
the spaces API's (``x-pack/platform/plugins/shared/spaces/server/lib/space_schema.ts``), plus
``allowDelete`` and ``adopt``, which are ours.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from ..model import ConfigModel

SpaceSolution = Literal["es", "oblt", "security", "classic"]
SOLUTIONS: tuple[SpaceSolution, ...] = ("es", "oblt", "security", "classic")
CLASSIC = "classic"
DEFAULT_SPACE = "default"
# Kibana's SPACE_ID_REGEX and its message (space_schema.ts); roles name spaces by the same ids.
SPACE_ID = re.compile(r"^[a-z0-9_-]+$")
SPACE_ID_RULE = "must be lower case, a-z, 0-9, '_', and '-' are allowed"


class SpaceSpec(ConfigModel):
    """One entry of ``elastic-access:spaces``.

    ``allow_delete``: only then may ``pulumi destroy`` or removing the space from config delete
    it (deleting a space deletes every case and saved object in it). ``adopt``: take over a
    space of this id that already exists with other settings.
    """

    name: str
    description: str | None = None
    color: str | None = None
    initials: str | None = None
    image_url: str | None = Field(default=None, alias="imageUrl")
    disabled_features: list[str] = Field(default_factory=list, alias="disabledFeatures")
    solution: SpaceSolution | None = None
    allow_delete: bool = Field(default=False, alias="allowDelete")
    adopt: bool = False
