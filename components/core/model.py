"""The base of every config model: unknown fields refused, aliases accepted, values frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigModel(BaseModel):
    """A part of the stack config: a misspelt field is an error (extra="forbid"), not ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
