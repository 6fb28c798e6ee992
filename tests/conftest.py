"""Shared test set-up: paths of the project and its fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def local_stack_config() -> dict[str, Any]:
    """The ``local`` stack's config, keys without the ``elastic-access:`` namespace."""
    document = yaml.safe_load((ROOT / "stacks/Pulumi.local.yaml").read_text())
    return {k.split(":", 1)[1]: v for k, v in document["config"].items()}


def peer_roles() -> list[tuple[str, dict[str, Any]]]:
    """The peer project's role bodies: (file stem, fixture)."""
    return [
        (path.stem.rsplit("__", 2)[-1], json.loads(path.read_text()))
        for path in sorted((FIXTURES / "peer-kibana-roles").glob("*.json"))
    ]


@pytest.fixture
def project_root() -> Path:
    return ROOT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many passed tests ran the real Pulumi CLI (issue 15: CI shows them run, not skipped)."""
    from tests.support.engine import ENGINE_TESTS

    passed = {report.nodeid for report in terminalreporter.stats.get("passed", [])}
    terminalreporter.write_line(
        f"real-engine tests: {len(passed & ENGINE_TESTS)} passed under the Pulumi CLI"
    )
