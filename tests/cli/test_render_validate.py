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


# ---------------------------------------------------------------- issue 10 §7, issue 13 §2


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


def test_a_file_that_is_not_utf8_exits_1_for_validate_and_2_for_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_bytes(
        "config:\n  elastic-access:roles:\n    r: {description: café}\n".encode("latin-1")
    )
    message = (
        f"{path}:3:25: byte 0xe9 is not UTF-8 (a Latin-1 or Windows file?); Pulumi reads stack "
        "files as UTF-8: save the file as UTF-8"
    )
    assert run(["validate", "--config", str(path)], capsys) == (1, [message], "")
    assert run(["render", "--config", str(path)], capsys) == (2, [message], "")


def test_a_number_where_text_is_needed_says_to_quote_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, "config:\n  elastic-access:kibana:\n    version: 9.10\n")
    assert run(["validate", "--config", config], capsys)[:2] == (
        1,
        ['kibana.version: is the number 9.10, but must be text: quote it: version: "9.10"'],
    )


def test_a_date_validate_refuses_render_refuses_and_quoted_both_accept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    role = "config:\n  elastic-access:roles:\n    r:\n      metadata: {reviewed: %s}\n"
    config = write(tmp_path, role % "2024-01-01")
    assert run(["validate", "--config", config], capsys)[0] == 1
    assert run(["render", "--config", config], capsys)[0] == 2
    config = write(tmp_path, role % '"2024-01-01"')
    assert run(["validate", "--config", config], capsys)[0] == 0
    code, _, out = run(["render", "--config", config], capsys)
    assert code == 0
    assert json.loads(out)["roles"]["r"]["metadata"] == {"reviewed": "2024-01-01"}


def test_floats_in_metadata_render_as_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, "config:\n  elastic-access:roles:\n    r: {metadata: {x: 1.50}}\n")
    code, _, out = run(["render", "--config", config], capsys)
    assert (code, json.loads(out)["roles"]["r"]["metadata"]) == (0, {"x": 1.5})


def test_indentation_mistakes_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = """config:
  elastic-access:roles:
    r:
      spaces: [soc]
    alerts:
      observability: read
    s:
      cases:
        security: all
        connectors: all
  elastic-access:kibana:
    url: http://kibana:5601
  version: "9.1.0"
"""
    assert run(["validate", "--config", write(tmp_path, text)], capsys)[:2] == (
        1,
        [
            "roles.alerts: alerts is a field of a role, not a role name: is it indented too "
            "little? A role's fields go under its name",
            "roles.alerts.observability: unknown field; allowed: description, spaces, cases, "
            "connectors, alerts, kibana, elasticsearch, metadata, adopt",
            "roles.s.cases.connectors: 'connectors' is not allowed; allowed: observability, "
            "security, stack; connectors is a field of roles.s: is it indented too far?",
            "version: unknown config key; allowed: kibana, cloud, roles, members, spaces, kibanaApiKey, "
            "kibanaUsername, kibanaPassword, cloudApiKey; version is a field of "
            "elastic-access:kibana: is it indented too little?",
        ],
    )


def test_a_role_at_the_level_of_the_sections_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "config:\n  elastic-access:roles:\n    r: {}\n  soc-leads:\n    cases: {security: all}\n"
    assert run(["validate", "--config", write(tmp_path, text)], capsys)[1] == [
        "soc-leads: unknown config key; allowed: kibana, cloud, roles, members, spaces, kibanaApiKey, "
        "kibanaUsername, kibanaPassword, cloudApiKey; it reads as a role: is it indented too "
        "little, under elastic-access:roles?"
    ]


def test_enumerations_say_did_you_mean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = """config:
  elastic-access:cloud: {organizationId: "1"}
  elastic-access:roles:
    r:
      cases: {secutiry: al}
      alerts: {observability: raed}
  elastic-access:members:
    a@example.com: {organization: billing}
"""
    assert run(["validate", "--config", write(tmp_path, text)], capsys)[:2] == (
        1,
        [
            "members.a@example.com.organization[0]: 'billing' is not allowed (did you mean "
            "billing-admin?); allowed: organization-admin, billing-admin",
            "roles.r.alerts.observability: 'raed' is not allowed (did you mean read?); allowed: "
            "all, read, none",
            "roles.r.cases.secutiry: 'secutiry' is not allowed (did you mean security?); "
            "allowed: observability, security, stack",
            "roles.r.cases.secutiry.access: 'al' is not allowed (did you mean all?); allowed: "
            "all, read, none",
        ],
    )


def test_counts_are_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = """config:
  elastic-access:cloud: {organizationId: "1"}
  elastic-access:roles:
    r: {cases: {security: read}}
  elastic-access:members:
    a@example.com: {organization: billing-admin}
"""
    assert run(["validate", "--config", write(tmp_path, text)], capsys) == (
        0,
        [],
        "ok: 1 role and 1 member valid for Kibana 9.5.0\n",
    )
    config = write(tmp_path, "config:\n  elastic-access:kibana: {version: '8.17.0'}\n")
    assert run(["validate", "--config", config], capsys)[2] == (
        "ok: no roles, members or spaces valid for Kibana 8.17.0\n"
    )


def test_an_error_does_not_hide_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = """config:
  elastic-access:roles:
    bad: {cases: {security: rw}}
    old:
      kibana:
        - feature: {securitySolutionCases: [all]}
"""
    code, err, _ = run(["validate", "--config", write(tmp_path, text)], capsys)
    assert code == 1
    assert (
        err[0] == "roles.bad.cases.security.access: 'rw' is not allowed; allowed: all, read, none"
    )
    assert err[1].startswith("warning: roles.old.kibana[0].feature.securitySolutionCases: ")
    code, err, _ = run(["render", "--config", write(tmp_path, text)], capsys)
    assert code == 2
    assert len(err) == 2


def test_nothing_found_is_an_error_not_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "config:\n  aws:region: eu-west-1\n")
    assert run(["validate", "--config", path], capsys)[:2] == (
        1,
        [
            f"{path}: has no elastic-access settings: nothing to check or manage. Its config: "
            "section takes elastic-access:kibana, elastic-access:cloud, elastic-access:roles, "
            "elastic-access:members, elastic-access:spaces, elastic-access:kibanaApiKey, "
            "elastic-access:kibanaUsername, "
            "elastic-access:kibanaPassword, elastic-access:cloudApiKey"
        ],
    )


def test_oversized_values_are_cut_in_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "x" * 50_000
    text = (  # long keys are explicit (?): YAML limits implicit keys to 1,024 characters
        f"config:\n  elastic-access:cloud: {{organizationId: '1'}}\n"
        f"  elastic-access:roles:\n    ? {huge}\n    : {{}}\n"
        f"    a: {{cases: {{security: {huge}}}}}\n    b: {{spaces: [{huge.upper()}]}}\n"
        f"  elastic-access:members:\n    ? {huge}\n    : {{organization: billing-admin}}\n"
    )
    code, err, _ = run(["validate", "--config", write(tmp_path, text)], capsys)
    assert code == 1
    assert len(err) == 4
    assert max(len(line) for line in err) < 1_300  # the path keeps up to 1,000: names of 507
    assert all("characters)" in line for line in err)


def test_a_member_with_a_mistake_is_still_declared_for_protect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path,
        "config:\n  elastic-access:cloud: {organizationId: '1', protect: [a@example.com]}\n"
        "  elastic-access:members:\n    a@example.com: {organization: owner}\n",
    )
    assert main(["validate", "--config", config]) == 1
    assert capsys.readouterr().err == (
        "members.a@example.com.organization[0]: 'owner' is not allowed; allowed: "
        "organization-admin, billing-admin\n"
    )


def test_values_are_shown_as_yaml_writes_them_and_counts_name_the_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "r" * 1000
    config = write(
        tmp_path,
        "config:\n  elastic-access:cloud: {organizationId: '1'}\n"
        f"  elastic-access:roles:\n    {name}: {{cases: {{stack: read}}}}\n"
        "    s: {cases: {stack: null}, alerts: {security: [true]}}\n"
        "  elastic-access:members:\n    a@example.com: {deployments: {all: true}}\n",
    )
    assert main(["validate", "--config", config]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "members.a@example.com.deployments.all: must be a role id or a mapping of "
        "role/applicationRoles (got true)",
        f"roles.{'r' * 80}... (1,000 characters): role names are 1 to 507 characters long",
        "roles.s.alerts.security: [true] is not allowed; allowed: all, read, none",
        "roles.s.cases.stack: must be all, read, none or a mapping of access/allow/deny (got null)",
    ]
