"""The floor of the real-engine benchmark: a trivial dynamic provider that only sleeps the
benchmark's latency on each write, run through the same engine and provider host as the product.

``Sleeper(name, {"value": v})``: create, update and delete sleep ``LATENCY`` seconds (the
benchmark sets ``ELASTIC_ACCESS_FLOOR_LATENCY``); diff compares ``value``; read returns the state.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider


def _sleep() -> None:
    time.sleep(float(os.environ.get("ELASTIC_ACCESS_FLOOR_LATENCY", "0")))


class SleeperProvider(ResourceProvider):
    """Writes cost one latency each; reads and diffs cost nothing."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        _sleep()
        return CreateResult(str(props["value"]), dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get("value") != news.get("value"))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> Any:
        _sleep()
        return pulumi.dynamic.UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        _sleep()


class Sleeper(Resource, module="floor", name="Sleeper"):
    """One trivial resource."""

    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(SleeperProvider(), name, props)
