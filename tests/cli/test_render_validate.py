"""``render`` and ``validate``: output, exit status and messages, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from components.cli import main
from tests.conftest import ROOT

BAD = """config:
  elastic-access:roles:
    obs-triage:
      cases:
        observability:
          access: read
          allow: [create_comment, reopen]
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(text)
    return str(path)


def test_render_local_stack_prints_roles_and_members(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["render", "--stack", "local"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["roles"]["security-cases-full"]["kibana"] == [
        {"base": [], "feature": {"actions": ["all"], "securitySolutionCasesV3": ["all"]},
         "spaces": ["soc"]}
    ]  # fmt: skip
    assert out["members"]["alice@example.com"] == {
        "organization": [{"organization_id": "1000000001", "role_id": "billing-admin"}]
    }


def test_render_shows_the_space_bodies_beside_roles_and_members(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path,
        "config:\n  elastic-access:spaces:\n    soc:\n      name: SOC\n"
        "      disabledFeatures: [ml, dev_tools]\n      allowDelete: true\n",
    )
    assert main(["render", "--config", config]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "roles": {},
        "members": {},
        "spaces": {
            "soc": {"id": "soc", "name": "SOC", "disabledFeatures": ["dev_tools", "ml"]},
        },
    }
    assert main(["render", "--config", config, "--kibana-version", "8.15.0"]) == 0  # no solution


def test_render_refuses_a_space_kibana_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path, "config:\n  elastic-access:spaces:\n    soc: {name: SOC, solution: security}\n"
    )
    assert main(["render", "--config", config, "--kibana-version", "8.15.0"]) == 2
    assert capsys.readouterr().err == (
        "spaces.soc.solution: solution views need Kibana 8.16 or later; Kibana 8.15.0 has none: "
        "remove solution\n"
    )


def test_render_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["render", "--config", str(ROOT / "stacks/Pulumi.local.yaml")]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_render_for_an_older_kibana_uses_its_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path, "config:\n  elastic-access:roles:\n    r:\n      cases: {stack: all}\n"
    )
    assert main(["render", "--config", config, "--kibana-version", "8.16.0"]) == 0
    assert json.loads(capsys.readouterr().out)["roles"]["r"]["kibana"][0]["feature"] == {
        "generalCases": ["all"]
    }


def test_validate_bad_config_exits_1_naming_path_and_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--config", write(tmp_path, BAD)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "roles.obs-triage.cases.observability.allow[1]: 'reopen' is not a sub-feature privilege "
        "of observabilityCasesV3; allowed: cases_delete, cases_settings, create_comment, "
        "case_reopen, cases_assign"
    ]


def test_render_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--config", write(tmp_path, BAD)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "allow[1]: 'reopen'" in captured.err


def test_shape_errors_exit_1_for_validate_and_2_for_render(tmp_path: Path) -> None:
    config = write(tmp_path, "config:\n  elastic-access:roles:\n    r:\n      cases: {stack: rw}\n")
    assert main(["validate", "--config", config]) == 1
    assert main(["render", "--config", config]) == 2


def test_missing_stack_and_bad_flags_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "no stack config at" in capsys.readouterr().err
    config = write(tmp_path, "config: {}\n")
    assert main(["render", "--config", config, "--kibana-version", "x"]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["render", "--config", config, "--flavor", "cloud"])
    assert usage.value.code == 2


def test_warnings_do_not_fail_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(
        tmp_path,
        "config:\n  elastic-access:roles:\n    r:\n      kibana:\n"
        "        - feature: {securitySolutionCases: [all]}\n",
    )
    assert main(["validate", "--config", config]) == 0
    assert "warning: roles.r.kibana[0].feature.securitySolutionCases" in capsys.readouterr().err


def test_console_script_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "components.cli", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    for command in ("render", "validate", "sandbox"):
        assert command in out
