"""The sandbox's own knowledge of Kibana, Elasticsearch and Elastic Cloud, as JSON tables.

Each file names the sources of its rows (reference notes, upstream files and versions); the
sandbox reads nothing from the product, so that a wrong row in the product's catalog shows up as
a difference instead of agreeing with itself.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load"]


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed ``sandbox/data/<name>.json`` (read once per process; do not mutate it)."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
