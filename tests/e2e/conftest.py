"""The real-engine tier: the `pulumi` CLI from `make pulumi-cli` (tests/support/engine.py), the
project's program and providers, a sandbox on free ports. Every test here skips without the CLI,
and fails instead with REQUIRE_PULUMI=1 (CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.conftest import local_stack_config
from tests.support.engine import EngineDeployment, require_engine

SECRET = "e2e-s3cret-key"
WRITES = ("PUT", "POST", "DELETE")


@pytest.fixture(autouse=True)
def _engine() -> None:
    require_engine()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET) as running:
        yield running


@pytest.fixture
def kibana(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.kibana_url)


@pytest.fixture
def cloud(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.cloud_url)


def local_config(sandbox: Sandbox) -> dict[str, Any]:
    """The `local` stack's config, pointed at this sandbox."""
    config = local_stack_config()
    config["kibana"] = {**config["kibana"], "url": sandbox.kibana_url}
    config["cloud"] = {**config["cloud"], "url": sandbox.cloud_url}
    return config


def local_stack(
    sandbox: Sandbox, workdir: Path, config: dict[str, Any] | None = None
) -> EngineDeployment:
    """The local stack under the real engine, credentials set with `config set --secret`."""
    return EngineDeployment(
        config or local_config(sandbox),
        workdir,
        secrets={"kibanaApiKey": SECRET, "cloudApiKey": SECRET},
    )


def writes(controls: Controls) -> list[tuple[str, str]]:
    """(method, path) of every API write the sandbox received (one log for both ports)."""
    return [
        (r["method"], r["path"])
        for r in controls.requests()
        if r["method"] in WRITES and not r["path"].startswith("/_sandbox")
    ]
