"""The project's outside: README commands, CI entry point, stack files."""

from __future__ import annotations

import re

import pytest

from components.cli import main
from tests.conftest import ROOT


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make up" in readme
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    assert {"test", "up", "preview", "refresh", "destroy", "down", "bench"} <= targets
    assert "make test" in (ROOT / ".ci/run").read_text()


@pytest.mark.parametrize("stack", ["local", "example"])
def test_the_shipped_stacks_validate_clean(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--stack", stack]) == 0
    assert capsys.readouterr().err == ""


def test_workflows_run_the_make_targets_the_tests_run() -> None:
    """GitOps runs `.ci/run` and the Makefile's targets: no second copy of the commands."""
    workflows = {p.name: p.read_text() for p in (ROOT / ".github/workflows").glob("*.yml")}
    assert set(workflows) == {"preview.yml", "up.yml", "drift.yml"}
    assert "make preview STACK=" in workflows["preview.yml"]
    assert "make up STACK=" in workflows["up.yml"]
    assert "make refresh STACK=" in workflows["drift.yml"]
    for text in workflows.values():
        assert "pulumi/actions" not in text
        assert not re.search(r"^\s*(- )?run: .*\bpulumi (up|preview|refresh|destroy)\b", text, re.M)
    ci = (ROOT / ".ci/run").read_text()
    assert "make pulumi-cli" in ci and "REQUIRE_PULUMI=1 make test" in ci
