"""``elastic-access report``: what each format tells a reader, and the exit statuses."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from components.cli import main
from tests.conftest import ROOT

LOCAL = str(ROOT / "stacks/Pulumi.local.yaml")


def report(capsys: pytest.CaptureFixture[str], fmt: str, *extra: str) -> str:
    assert main(["report", "--config", LOCAL, "--format", fmt, *extra]) == 0
    return capsys.readouterr().out


def md_row(text: str, role: str) -> list[str]:
    (line,) = [ln for ln in text.splitlines() if ln.startswith(f"| {role} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def csv_rows(text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    roles, members = text.split("\n\n")
    return list(csv.DictReader(io.StringIO(roles))), list(csv.DictReader(io.StringIO(members)))


# Role, then: cases obs, cases sec, cases stack, connectors, alerts obs, alerts sec, alerts stack
USE_CASES = {
    "security-cases-full": ["none", "all", "none", "all", "none", "none", "none"],
    "security-cases-assignee": ["none", "all", "none", "none", "none", "none", "none"],
    "security-cases-viewer": ["none", "read", "none", "none", "none", "none", "none"],
    "security-cases-alerts": ["none", "all", "none", "none", "none", "read", "none"],
    "security-cases-revoked": ["none", "none", "none", "none", "none", "read", "none"],
    "observability-cases-alerts": ["all", "none", "none", "none", "read", "none", "none"],
    "stack-cases-viewer": ["none", "none", "read", "none", "none", "none", "none"],
    "stack-cases-revoked": ["none", "none", "none", "none", "none", "none", "read"],
}


@pytest.mark.parametrize(("role", "cells"), USE_CASES.items())
def test_markdown_shows_each_use_case(
    role: str, cells: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert md_row(report(capsys, "md"), role)[1:] == cells


def test_markdown_spells_customised_sub_features_in_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = report(capsys, "md")
    assert md_row(text, "obs-triage")[1] == "customised: read plus add comments, reopen cases"
    assert md_row(text, "stack-case-editors")[3] == "customised: all except delete cases"
    assert "## Space soc" in text
    assert "| bob@example.com | none | deployment-viewer on all deployments |" in text
    assert "owner@sandbox.example (protected) | organization-admin |" in text


def test_raw_entries_and_base_privileges_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "Pulumi.raw.yaml"
    config.write_text(
        "config:\n  elastic-access:roles:\n"
        "    raw-v3:\n      kibana:\n        - spaces: [ops]\n"
        "          feature: {generalCasesV3: [minimal_all, cases_assign, create_comment],"
        " actions: [read]}\n"
        "    space-admin:\n      kibana:\n        - spaces: [ops]\n          base: [all]\n"
    )
    assert main(["report", "--config", str(config), "--format", "md"]) == 0
    text = capsys.readouterr().out
    raw = md_row(text, "raw-v3")
    assert raw[3] == (
        "customised: all except delete cases, edit case settings, reopen cases, "
        "manage case templates"
    )
    assert raw[4] == "read"
    admin = md_row(text, "space-admin")
    assert admin[2] == "all (base privilege all)"
    assert admin[6] == "all (base privilege all; no alert index privileges)"
    assert "No members are declared." in text


def test_html_is_one_self_contained_escaped_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = report(capsys, "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page
    assert (
        '<td class="customised"><strong>customised</strong><span class="detail">read plus add comments, reopen cases</span></td>'
        in page
    )
    assert "<th>Cases: Security</th>" in page and "<h2>Members</h2>" in page
    config = tmp_path / "Pulumi.x.yaml"
    config.write_text(
        "config:\n  elastic-access:roles:\n    '<b>&co</b>':\n"
        "      description: 'a \"quoted\" <i>'\n      cases: {stack: read}\n"
    )
    assert main(["report", "--config", str(config), "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert "<b>&co</b>" not in page and "&lt;b&gt;&amp;co&lt;/b&gt;" in page
    assert 'title="a &quot;quoted&quot; &lt;i&gt;"' in page


def test_csv_has_a_row_per_role_and_space_then_members(
    capsys: pytest.CaptureFixture[str],
) -> None:
    roles, members = csv_rows(report(capsys, "csv"))
    assignee = next(r for r in roles if r["role"] == "security-cases-assignee")
    assert (assignee["space"], assignee["cases_security"], assignee["connectors"]) == (
        "soc",
        "all",
        "none",
    )
    editors = next(r for r in roles if r["role"] == "stack-case-editors")
    assert editors["cases_stack"] == "customised"
    assert editors["cases_stack_detail"] == "all except delete cases"
    assert len(roles) == 18
    bob = next(m for m in members if m["member"] == "bob@example.com")
    assert bob["projects"].split("; ")[-1] == "security-t2-analyst on all security projects"
    owner = next(m for m in members if m["member"] == "owner@sandbox.example")
    assert (owner["protected"], owner["organization"]) == ("true", "organization-admin")


def test_output_file_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--config", LOCAL, "--format", "html", "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert "security-cases-full" in out.read_text()
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0
    assert "CSV layout: two blocks" in capsys.readouterr().out


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "no stack config" in capsys.readouterr().err
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config:\n  elastic-access:roles:\n    r:\n      cases: {stack: rw}\n")
    assert main(["report", "--config", str(bad)]) == 2
    assert "roles.r.cases.stack" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["report", "--config", LOCAL, "--format", "pdf"])
    assert usage.value.code == 2
