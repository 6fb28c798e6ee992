"""``elastic-access report``: what each format tells a security reviewer (issue 13 §4), and the
exit statuses."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.cli import main
from components.core.report import COLUMNS, role_access
from components.core.versions import KibanaTarget
from tests.conftest import ROOT

LOCAL = str(ROOT / "stacks/Pulumi.local.yaml")
# 2026-01-02 03:04:05 UTC: the report's date comes from SOURCE_DATE_EPOCH when it is set.
EPOCH = "1767323045"


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def report(capsys: pytest.CaptureFixture[str], fmt: str, *extra: str, config: str = LOCAL) -> str:
    assert main(["report", "--config", config, "--format", fmt, *extra]) == 0
    return capsys.readouterr().out


def write(tmp_path: Path, text: str, name: str = "Pulumi.review.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def md_sections(text: str) -> dict[str, str]:
    """Markdown text by ``## `` heading."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def md_table(section: str) -> dict[str, list[str]]:
    """A section's table rows by their first cell (header and rule left out)."""
    rows = [
        [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        for line in section.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    return {row[0]: row[1:] for row in rows[1:]}


def md_row(text: str, space: str, role: str) -> list[str]:
    """The cells after Role and Description, in a space's table: the seven access cells, then
    the other privileges."""
    return md_table(md_sections(text)[space])[role][1:]


def csv_table(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    header = next(csv.reader(io.StringIO(text)))
    for row in rows:  # one tidy table: every row has every column, nothing more
        assert list(row) == header and None not in row.values() and None not in row
    return rows


# Role, then: cases obs, cases sec, cases stack, connectors, alerts obs, alerts sec, alerts stack
USE_CASES = {
    ("soc", "security-cases-full"): ["none", "all", "none", "all", "none", "none", "none"],
    ("soc", "security-cases-assignee"): ["none", "all", "none", "none", "none", "none", "none"],
    ("soc", "security-cases-viewer"): ["none", "read", "none", "none", "none", "none", "none"],
    ("soc", "security-cases-alerts"): ["none", "all", "none", "none", "none", "read", "none"],
    ("soc", "security-cases-revoked"): ["none", "none", "none", "none", "none", "read", "none"],
    ("observability", "observability-cases-alerts"): [
        *("all", "none", "none", "none", "read", "none", "none")
    ],
    ("default", "stack-cases-viewer"): ["none", "none", "read", "none", "none", "none", "none"],
    ("default", "stack-cases-revoked"): ["none", "none", "none", "none", "none", "none", "read"],
}


@pytest.mark.parametrize(("where", "cells"), USE_CASES.items())
def test_markdown_shows_each_use_case(
    where: tuple[str, str], cells: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    space, role = where
    assert md_row(report(capsys, "md"), f"Space {space}", role)[:7] == cells


def test_markdown_spells_customised_sub_features_in_the_catalog_s_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = report(capsys, "md")
    assert md_row(text, "Space default", "obs-triage")[0] == (
        "customised: read plus add comments and attachments (alerts, files), re-open closed cases"
    )
    assert md_row(text, "Space analytics", "stack-case-editors")[2] == (
        "customised: all except delete cases and comments"
    )


def test_descriptions_are_shown_not_hidden_in_tooltips(capsys: pytest.CaptureFixture[str]) -> None:
    text = report(capsys, "md")
    assert md_table(md_sections(text)["Space soc"])["security-cases-viewer"][0] == (
        "Security cases view-only access"
    )
    page = report(capsys, "html")
    assert " title=" not in page
    assert (
        '<th scope="row"><span class="role">security-cases-viewer</span>'
        '<span class="description">Security cases view-only access</span></th>'
    ) in page


REVIEW = """\
config:
  elastic-access:kibana: {version: "9.1.0"}
  elastic-access:spaces:
    soc: {name: SOC, description: Security operations, solution: security}
    ops: {name: Operations, disabledFeatures: [ml, dev_tools]}
  elastic-access:roles:
    everywhere:
      description: Stack cases readers in every space
      cases: {stack: read}
    mixed:
      description: Stack cases everywhere, Security cases in soc
      kibana:
        - spaces: ['*']
          feature: {generalCasesV3: [read]}
        - spaces: [soc]
          feature: {securitySolutionCasesV3: [all]}
    soc-only:
      spaces: [soc]
      cases: {security: read}
    discover-and-logs:
      description: Discover and read access to logs, no Cases
      kibana:
        - spaces: [lab]
          feature: {discover_v2: [read], ml: [read]}
      elasticsearch:
        cluster: [monitor]
        indices:
          - names: ["logs-*"]
            privileges: [read, view_index_metadata]
            query: '{"term": {"team": "a"}}'
        run_as: [svc-reporting]
    es-only:
      elasticsearch:
        indices:
          - names: [metrics-*]
            privileges: [read]
"""


def test_a_role_granting_in_all_spaces_shows_in_each_space_with_what_it_grants_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys, "md", config=write(tmp_path, REVIEW))
    sections = md_sections(text)
    assert [s for s in sections if s.startswith(("All ", "Space ", "No Kibana"))] == [
        "All spaces (*)",
        "Space lab",
        "Space ops",
        "Space soc",
        "No Kibana privileges",
    ]
    assert list(md_table(sections["All spaces (*)"])) == ["everywhere", "mixed"]
    assert list(md_table(sections["Space ops"])) == [
        "everywhere (via all spaces (*))",
        "mixed (via all spaces (*))",
    ]
    soc = md_table(sections["Space soc"])
    assert list(soc) == [
        "everywhere (via all spaces (*))",
        "mixed (here and in all spaces (*))",
        "soc-only",
    ]
    # In soc, mixed reads Stack Management cases (from *) and runs Security cases (from soc).
    assert soc["mixed (here and in all spaces (*))"][1:4] == ["none", "all", "read"]
    assert md_table(sections["Space ops"])["mixed (via all spaces (*))"][1:4] == [
        "none",
        "none",
        "read",
    ]
    assert list(md_table(sections["No Kibana privileges"])) == ["es-only"]
    assert "a space's rows hold every role that grants anything there" in text.lower()


def test_privileges_outside_the_columns_are_spelt_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys, "md", config=write(tmp_path, REVIEW))
    cells = md_row(text, "Space lab", "discover-and-logs")
    assert cells[:7] == ["none"] * 7
    assert cells[7] == (
        "Discover: read; Machine Learning: read; Elasticsearch cluster: monitor; Elasticsearch indices "
        "logs-*: read, view_index_metadata (document-level security); Elasticsearch run as: "
        "svc-reporting"
    )
    assert md_row(text, "No Kibana privileges", "es-only")[7] == (
        "Elasticsearch indices metrics-*: read"
    )
    local = report(capsys, "md")
    assert md_row(local, "Space soc", "security-cases-alerts")[7] == (
        "Security: read; Elasticsearch indices .alerts-security.alerts-soc, "
        ".internal.alerts-security.alerts-soc-*, .items-soc, .lists-soc, .siem-signals-soc: read,"
        " view_index_metadata"
    )
    assert md_row(local, "Space soc", "security-cases-viewer")[7] == "none"


def test_raw_entries_and_base_privileges_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path,
        "config:\n  elastic-access:roles:\n"
        "    raw-v3:\n      kibana:\n        - spaces: [ops]\n"
        "          feature: {generalCasesV3: [minimal_all, cases_assign, create_comment],"
        " actions: [read]}\n"
        "    space-admin:\n      kibana:\n        - spaces: [ops]\n          base: [all]\n"
        "    admin-and-siem:\n      kibana:\n        - spaces: ['*']\n          base: [all]\n"
        "        - spaces: [ops]\n          feature: {siemV3: [read]}\n",
    )
    text = report(capsys, "md", config=config)
    raw = md_row(text, "Space ops", "raw-v3")
    assert raw[2] == (
        "customised: all except delete cases and comments, edit case settings, re-open closed "
        "cases, manage case templates"
    )
    assert raw[3] == "read"
    admin = md_row(text, "Space ops", "space-admin")
    assert admin[1] == "all (base privilege all)"
    assert admin[5] == "all (base privilege all; no alert index privileges)"
    assert admin[7] == "every Kibana feature: all (base privilege)"
    # Security read in ops does not lower what the base privilege grants everywhere.
    both = md_row(text, "Space ops", "admin-and-siem (here and in all spaces (*))")
    assert both[5] == "all (base privilege all; no alert index privileges)"
    assert "No members are declared." in text


def meanings(text: str) -> dict[str, list[str]]:
    (title,) = [s for s in md_sections(text) if s.startswith("What all and read include")]
    return md_table(md_sections(text)[title])


def test_what_all_includes_is_said_for_the_release_rendered_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = meanings(report(capsys, "md"))
    assert newest["Cases: Security"] == [
        "securitySolutionCasesV3: Cases (security)",
        "view, create, edit and close cases; delete cases and comments; edit case settings; add "
        "comments and attachments (alerts, files); re-open closed cases; assign users to cases",
        "view cases and their comments",
    ]
    assert newest["Connectors"][1] == (
        "view, run, create, edit and delete connectors; run endpoint security (EDR) connectors"
    )
    older = meanings(
        report(capsys, "md", "--kibana-version", "8.16.0", config=write(tmp_path, MEMBERS))
    )
    assert older["Cases: Security"][:2] == [
        "securitySolutionCases: Cases (security)",
        "view, create, edit and close cases; delete cases and comments; edit case settings",
    ]
    assert older["Connectors"][1] == "view, run, create, edit and delete connectors"


def test_the_header_names_the_stack_the_kibana_the_date_and_the_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys, "md")
    assert text.startswith("# Who can do what: stack local\n")
    assert "- Rendered for: Kibana 9.1.0 (stateful)\n" in text
    assert "- Generated: 2026-01-02 03:04 UTC by elastic-access report\n" in text
    assert re.search(r"- Config: stacks/Pulumi.local.yaml, commit [0-9a-f]{7,} of \d{4}-", text)
    serverless = report(capsys, "md", "--flavor", "serverless", config=write(tmp_path, MEMBERS))
    assert "- Rendered for: Kibana serverless\n" in serverless
    assert meanings(serverless)["Cases: Stack Management"][1] == "not in Kibana serverless"

    repo = tmp_path / "repo"
    repo.mkdir()
    config = write(repo, REVIEW, "Pulumi.prod.yaml")
    outside = report(capsys, "md", config=config)
    assert f"- Config: {config}\n" in outside  # not in git: no commit to name
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    assert f"- Config: {config}, not committed to git\n" in report(capsys, "md", config=config)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "roles"], check=True)
    commit = subprocess.run(
        [*git, "log", "-1", "--format=%h of %cs"], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert f"- Config: {config}, commit {commit}\n" in report(capsys, "md", config=config)
    Path(config).write_text(REVIEW.replace("soc-only", "soc-readers"))
    changed = report(capsys, "md", config=config)
    assert f"- Config: {config}, commit {commit}, with uncommitted changes\n" in changed
    assert "# Who can do what: stack prod\n" in changed


def test_spaces_are_listed_with_what_they_hide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spaces = md_table(md_sections(report(capsys, "md", config=write(tmp_path, REVIEW)))["Spaces"])
    assert spaces == {
        "lab (not declared in this stack)": ["", "", "", "", "3"],
        "ops": ["Operations", "", "", "dev_tools, ml", "2"],
        "soc": ["SOC", "Security operations", "security", "those solution security hides", "3"],
    }


# Members only: a config that renders for any release and flavor.
MEMBERS = """\
config:
  elastic-access:cloud: {organizationId: "42", protect: [owner@example.com]}
  elastic-access:members:
    owner@example.com: {organization: organization-admin}
    bill@example.com: {organization: billing-admin}
    sam@example.com:
      deployments: {all: deployment-admin}
      projects:
        security: {all: security-t2-analyst}
        observability:
          projects:
            p1: {applicationRoles: [logs_reader, apm_reader]}
            p2: {role: observability-viewer, applicationRoles: []}
        elasticsearch: {all: elasticsearch-developer}
"""


def test_members_show_their_cloud_roles_and_what_they_give_inside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = report(capsys, "md", config=write(tmp_path, MEMBERS))
    section = md_sections(text)["Members and their Cloud roles"]
    lines = [line for line in section.splitlines() if line.startswith("| ")][1:]
    assert lines == [
        "| bill@example.com | billing-admin on the organization | billing only: nothing inside "
        "deployments or projects |",
        "| owner@example.com (protected) | organization-admin on the organization | superuser in "
        "every deployment and project; manages the organization's members |",
        "| sam@example.com | deployment-admin on all deployments | stack role superuser |",
        "|  | elasticsearch-developer on all elasticsearch projects | predefined role developer |",
        "|  | observability-viewer on observability project p1 with application roles "
        "[apm_reader, logs_reader] | custom roles apm_reader, logs_reader (not viewer) |",
        "|  | observability-viewer on observability project p2 with application roles [] | Cloud "
        "console only: no sign-in to Elasticsearch or Kibana |",
        "|  | security-t2-analyst on all security projects | predefined role t2_analyst |",
    ]


def test_html_is_one_self_contained_escaped_page_that_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = report(capsys, "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page
    assert (
        '<td class="customised"><strong>customised</strong><span class="detail">read plus add '
        "comments and attachments (alerts, files), re-open closed cases</span></td>"
    ) in page
    assert '<th colspan="3" class="group">Cases</th>' in page
    assert "<h2>Members and their Cloud roles</h2>" in page
    assert "@media print {" in page and "@page { size: A4 landscape;" in page
    # Tables line up across sections: every space's table has the same columns and widths.
    colgroups = re.findall(r'<table class="access"><colgroup>(.*?)</colgroup>', page)
    assert len(colgroups) == 4 and len(set(colgroups)) == 1
    assert "table-layout: fixed" in page
    config = write(
        tmp_path,
        "config:\n  elastic-access:roles:\n    '<b>&co</b>':\n"
        "      description: 'a \"quoted\" <i>'\n      cases: {stack: read}\n",
    )
    page = report(capsys, "html", config=config)
    assert "<b>&co</b>" not in page and "&lt;b&gt;&amp;co&lt;/b&gt;" in page
    assert '<span class="description">a &quot;quoted&quot; &lt;i&gt;</span>' in page


def test_csv_is_one_tidy_table_of_roles_members_and_spaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = csv_table(report(capsys, "csv"))
    assert {r["section"] for r in rows} == {"role", "member", "space"}
    roles = [r for r in rows if r["section"] == "role"]
    assignee = next(r for r in roles if r["role"] == "security-cases-assignee")
    assert (assignee["space"], assignee["cases_security"], assignee["connectors"]) == (
        "soc",
        "all",
        "none",
    )
    assert assignee["member"] == assignee["cloud_role"] == assignee["space_name"] == ""
    editors = next(r for r in roles if r["role"] == "stack-case-editors")
    assert editors["cases_stack"] == "customised"
    assert editors["cases_stack_detail"] == "all except delete cases and comments"
    analysts = next(r for r in roles if r["role"] == "analysts-custom")
    assert analysts["other_privileges"].split("; ")[0] == "Discover: read"
    assert len(roles) == 18
    bob = [r for r in rows if r["section"] == "member" and r["member"] == "bob@example.com"]
    t2 = next(r for r in bob if r["cloud_role"] == "security-t2-analyst")
    assert (t2["scope"], t2["project_type"], t2["target"], t2["inside"]) == (
        "project",
        "security",
        "all",
        "predefined role t2_analyst",
    )
    custom = next(r for r in bob if r["target"] == "def456")
    assert (custom["application_roles"], custom["inside"]) == (
        "logs_reader",
        "custom role logs_reader (not viewer)",
    )
    owner = next(r for r in rows if r["member"] == "owner@sandbox.example")
    assert (owner["protected"], owner["cloud_role"]) == ("true", "organization-admin")
    spaces = {r["space"]: r for r in csv_table(report(capsys, "csv", config=write(tmp_path, REVIEW)))
              if r["section"] == "space"}  # fmt: skip
    assert (spaces["ops"]["space_name"], spaces["ops"]["disabled_features"]) == (
        "Operations",
        "dev_tools; ml",
    )
    assert (spaces["lab"]["declared"], spaces["soc"]["roles"]) == ("false", "3")


def test_csv_loads_in_pandas_as_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(io.StringIO(report(capsys, "csv")), dtype=str, keep_default_na=False)
    assert set(frame["section"]) == {"role", "member", "space"}
    assert (frame["section"] == "role").sum() == 18


def test_output_file_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--config", LOCAL, "--format", "html", "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert "security-cases-full" in out.read_text()
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0
    assert "CSV: one table, one header" in capsys.readouterr().out


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


# ---------------------------------------------------------------- any role body

_RANKS = {"none": 0, "read": 1, "customised": 2, "all": 3}
_FEATURES = ["generalCasesV3", "securitySolutionCasesV3", "actions", "siemV3", "discover_v2", "x"]
_PRIVILEGES = ["all", "read", "minimal_all", "minimal_read", "cases_delete", "create_comment"]
_ENTRY = st.fixed_dictionaries(
    {
        "spaces": st.sampled_from([["*"], ["soc"], ["ops"], ["soc", "ops"]]),
        "base": st.sampled_from([[], [], ["read"], ["all"]]),
        "feature": st.dictionaries(
            st.sampled_from(_FEATURES), st.lists(st.sampled_from(_PRIVILEGES), min_size=1)
        ),
    }
)


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(_ENTRY, max_size=4), covered=st.sets(st.sampled_from(["soc", "lab"])))
def test_a_space_s_row_holds_at_least_what_the_role_grants_in_all_spaces(
    entries: list[dict[str, Any]], covered: set[str]
) -> None:
    body = {"kibana": entries, "elasticsearch": {"cluster": [], "indices": []}}
    rows = {r.space: r for r in role_access("r", body, KibanaTarget.of("9.1.0"), "", covered)}
    named = {s for e in entries for s in e["spaces"]}
    everywhere = rows.get("*")
    assert (everywhere is not None) == ("*" in named)
    if not named:
        assert list(rows) == [""]
    for space, row in rows.items():
        if everywhere is None or space in ("*", ""):
            continue
        assert row.all_spaces == ("also" if space in named else "only")
        for column in COLUMNS:
            assert _RANKS[column.cell(row).level] >= _RANKS[column.cell(everywhere).level]
        named_other = {line.partition(":")[0] for line in row.other}
        assert {line.partition(":")[0] for line in everywhere.other} <= named_other
    if everywhere is not None:
        assert covered <= set(rows)
