"""``pulumi.runtime`` mocks that record registrations, with global state restored afterwards."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.runtime import settings


class Recorder(pulumi.runtime.Mocks):
    """Answers every registration with its inputs as outputs, and keeps the list."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}

    def of_type(self, type_: str) -> list[pulumi.runtime.MockResourceArgs]:
        return [r for r in self.resources if r.typ == type_]


@contextmanager
def mocked(
    mocks: pulumi.runtime.Mocks, config: dict[str, Any] | None = None, preview: bool = False
) -> Iterator[pulumi.runtime.Mocks]:
    """Install mocks (and stack config) for one test, then put the runtime back."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    previous_config = pulumi.runtime.config.CONFIG.get()
    pulumi.runtime.set_all_config(
        {
            f"elastic-access:{key}": value if isinstance(value, str) else json.dumps(value)
            for key, value in (config or {}).items()
        }
    )
    pulumi.runtime.set_mocks(mocks, project="elastic-access", stack="test", preview=preview)
    try:
        yield mocks
    finally:
        settings.configure(settings.Settings(project="project", stack="stack"))
        settings.ROOT.set(None)
        pulumi.runtime.config.CONFIG.set(previous_config)
