"""The same stack file under the real engine and under ``elastic-access validate``: what one
refuses the other refuses, before any write; what ``validate`` refuses that the engine takes is
what the engine would change (the witnesses at the end)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import yaml

from components.cli import main
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.e2e.conftest import SECRET, writes
from tests.support.deploy import CheckFailed
from tests.support.engine import EngineDeployment
from tests.support.provider_host import ProviderError

CREDENTIALS = {"KIBANA_API_KEY": SECRET, "EC_API_KEY": SECRET}
EXPIRY = 'write whole hours or days with the unit, such as "7d" or "72h"'


def both(
    sandbox: Sandbox, tmp_path: Path, body: str | bytes, cloud: str = "organizationId: '1000000001'"
) -> tuple[EngineDeployment, Path]:
    """A stack whose file is ``config:`` with the sandbox's URLs (and ``cloud``'s other fields)
    and then ``body``, and the same text as a file for ``validate``."""
    head = (
        "config:\n"
        f"  elastic-access:kibana: {{url: '{sandbox.kibana_url}', version: '9.1.0'}}\n"
        f"  elastic-access:cloud: {{url: '{sandbox.cloud_url}', {cloud}}}\n"
    )
    text = head.encode() + (body.encode() if isinstance(body, str) else body)
    stack = EngineDeployment({}, tmp_path / "engine", env=CREDENTIALS)
    kept = yaml.safe_load(stack.stack_file.read_text()) or {}
    salt = "".join(f"{k}: {v}\n" for k, v in kept.items() if k != "config")
    stack.stack_file.write_bytes(salt.encode() + text)
    copy = tmp_path / "Pulumi.copy.yaml"
    copy.write_bytes(text)
    return stack, copy


def validate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", "--config", str(path)])
    return code, capsys.readouterr().err.splitlines()


def refused(stack: EngineDeployment, kibana: Controls) -> str:
    with pytest.raises((CheckFailed, ProviderError)) as failed:
        stack.preview()
    with pytest.raises((CheckFailed, ProviderError)):
        stack.up(skip_preview=True)
    assert writes(kibana) == []
    return str(failed.value)


def test_a_member_given_twice_is_refused_by_both(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        "  elastic-access:members:\n"
        "    a@example.com: {organization: organization-admin}\n"
        "    a@example.com: {organization: billing-admin}\n"
    )
    stack, copy = both(sandbox, tmp_path, body)
    assert 'mapping key "a@example.com" already defined at line' in refused(stack, kibana)
    assert validate(copy, capsys) == (
        1,
        [
            f"{copy}:6:5: members: a@example.com is given twice in one mapping, at lines 5 and "
            "6; Pulumi refuses duplicate keys too: keep one"
        ],
    )


def test_a_latin1_file_is_refused_by_both(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "  elastic-access:roles:\n    r: {description: café}\n".encode("latin-1")
    stack, copy = both(sandbox, tmp_path, body)
    assert "invalid trailing UTF-8 octet" in refused(stack, kibana)
    code, err = validate(copy, capsys)
    assert (code, [line.split(": ", 1)[1] for line in err]) == (
        1,
        [
            "byte 0xe9 is not UTF-8 (a Latin-1 or Windows file?); Pulumi reads stack files as "
            "UTF-8: save the file as UTF-8"
        ],
    )


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (
            "  elastic-access:roles:\n    r: {cases: {secutiry: all}}\n",
            "roles.r.cases.secutiry: 'secutiry' is not allowed (did you mean security?); "
            "allowed: observability, security, stack",
        ),
        (
            "  elastic-access:role:\n    r: {}\n",
            "elastic-access:role: unknown config key (did you mean roles?); allowed: kibana, "
            "cloud, roles, members, spaces, kibanaApiKey, kibanaUsername, kibanaPassword, "
            "cloudApiKey",
        ),
        (
            "  elastic-access:roles:\n    alerts: {observability: read}\n",
            "roles.alerts: alerts is a field of a role, not a role name: is it indented too "
            "little? A role's fields go under its name",
        ),
    ],
    ids=["did you mean", "mistyped key", "indented too little"],
)
def test_the_program_and_validate_refuse_in_the_same_words(
    sandbox: Sandbox,
    kibana: Controls,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    body: str,
    line: str,
) -> None:
    stack, copy = both(sandbox, tmp_path, body)
    assert line in refused(stack, kibana).splitlines()
    code, err = validate(copy, capsys)
    assert code == 1
    assert line in err


def test_a_number_where_text_is_needed_is_refused_by_both(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, copy = both(sandbox, tmp_path, "  elastic-access:roles:\n    r: {spaces: [2024]}\n")
    line = 'roles.r.spaces[0]: is the number 2024, but must be text: quote it: - "2024"'
    assert line in refused(stack, kibana).splitlines()
    assert validate(copy, capsys) == (1, [line])


def test_yaml_nested_1000_deep_is_refused_by_both(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "  elastic-access:roles:\n    r: {metadata: {x: " + "[" * 1000 + "]" * 1000 + "}}\n"
    stack, copy = both(sandbox, tmp_path, body)
    assert "roles: is nested more than 64 levels deep" in refused(stack, kibana).splitlines()
    code, err = validate(copy, capsys)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in err] == ["is nested more than 64 levels deep"]


def test_yes_and_keys_without_the_namespace_are_read_alike(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, copy = both(sandbox, tmp_path, "  roles:\n    yes: {spaces: [soc]}\n")
    assert stack.preview().changed() == {"yes": "create"}
    assert validate(copy, capsys) == (0, [])


@pytest.mark.parametrize(
    ("expiry", "line"),
    [
        ("7", "cloud.inviteExpiresIn: is the number 7, not a duration: " + EXPIRY),
        ("'7'", "cloud.inviteExpiresIn: '7' is not a duration: " + EXPIRY),
        ("0d", "cloud.inviteExpiresIn: '0d' is no time at all: an invitation must last 1h or more"),
    ],
)
def test_a_bad_field_of_cloud_is_the_one_line_of_both(
    sandbox: Sandbox,
    kibana: Controls,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    expiry: str,
    line: str,
) -> None:
    # Once, organizationId given beside it was reported missing too.
    cloud = f"organizationId: '1000000001', inviteExpiresIn: {expiry}"
    body = "  elastic-access:members:\n    a@example.com: {organization: billing-admin}\n"
    stack, copy = both(sandbox, tmp_path, body, cloud)
    lines = refused(stack, kibana).splitlines()
    assert line in lines
    assert not [x for x in lines if "organizationId" in x]
    assert validate(copy, capsys) == (1, [line])


def test_a_credential_in_plain_text_is_a_warning_of_both(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = f"  elastic-access:kibanaApiKey: {SECRET}\n  elastic-access:roles:\n    r: {{}}\n"
    stack, copy = both(sandbox, tmp_path, body)
    line = (
        "elastic-access:kibanaApiKey: is a credential in plain text, readable by anyone who reads "
        "the stack file or its history; set it as a secret instead: pulumi config set --secret "
        "elastic-access:kibanaApiKey"
    )
    assert stack.preview().changed() == {"r": "create"}
    assert line in stack.warnings()
    assert SECRET not in "\n".join(stack.output)
    assert validate(copy, capsys) == (0, [f"warning: {line}"])
    secret = EngineDeployment(
        {"kibana": {"url": sandbox.kibana_url}, "roles": {"r": {}}},
        tmp_path / "secret",
        secrets={"kibanaApiKey": SECRET},
        env=CREDENTIALS,
    )
    assert secret.preview().changed() == {"r": "create"}
    assert not [w for w in secret.warnings() if "plain text" in w]


# ---------------------------------------------------------------- witnesses: why validate refuses


def test_what_the_engine_makes_of_dates_octal_numbers_and_keys_that_are_not_text(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        "  elastic-access:roles:\n"
        "    r: {metadata: {reviewed: 2024-01-01, ticket: 012}}\n"
        "    0123: {spaces: [soc]}\n"
    )
    stack, copy = both(sandbox, tmp_path, body)
    assert stack.up().changed() == {"83": "create", "r": "create"}  # 0123 read as octal
    live = requests.get(
        f"{sandbox.kibana_url}/api/security/role/r",
        headers={"Authorization": f"ApiKey {SECRET}"},
        timeout=5,
    ).json()
    assert live["metadata"] == {"reviewed": "2024-01-01 00:00:00 +0000 UTC", "ticket": 10}
    code, err = validate(copy, capsys)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in err] == [
        "roles.r.metadata.reviewed: 2024-01-01 is a date to YAML, which Pulumi passes on as "
        '"2024-01-01 00:00:00 +0000 UTC"; quote it: "2024-01-01"',
        "roles.r.metadata.ticket: 012 is read by YAML as the number 10; quote it if it is text "
        '("012"), or write 10',
        'roles: the key 0123 is a number to YAML, but names are text: quote it: "0123":',
    ]
