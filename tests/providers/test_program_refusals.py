"""What the program refuses before it declares any resource, compared with what ``validate``
says of the same config (one code path: ``core.stack``), under mocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from components.cli import main
from components.program import build
from tests.support.mocks import Recorder, mocked

HEADER = "the elastic-access stack config has problems"


def program_refusal(config: dict[str, Any]) -> list[str]:
    """The program's refusal: its first line, then one problem a line ([] when it declares the
    resources)."""
    recorder = Recorder()
    with mocked(recorder, config):
        try:

            @pulumi.runtime.test  # type: ignore[misc]
            def program() -> Any:
                build()
                return pulumi.Output.from_input(None)

            program()
        except pulumi.RunError as error:
            lines = str(error).splitlines()
            assert lines[0].startswith(HEADER)
            assert recorder.resources == []  # refused before declaring anything
            return lines
    return []


def program_lines(config: dict[str, Any]) -> list[str]:
    """The problems of the program's refusal, one a line ([] when it declares the resources)."""
    return program_refusal(config)[1:]


def validate_lines(
    config: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """``validate``'s errors for the same values, written as a stack file."""
    path = tmp_path / "Pulumi.t.yaml"
    document = {"config": {f"elastic-access:{k}": v for k, v in config.items()}}
    path.write_text(yaml.safe_dump(document))
    main(["validate", "--config", str(path)])
    err = capsys.readouterr().err.splitlines()
    return [line for line in err if not line.startswith("warning: ")]


KINDS = {
    "number where text is needed": {"kibana": {"version": 9.1}},
    "unknown solution": {"roles": {"r": {"cases": {"secutiry": "all"}}}},
    "sub-feature typo": {"roles": {"r": {"cases": {"stack": {"access": "all", "deny": ["x"]}}}}},
    "space id": {"roles": {"r": {"spaces": ["SOC"]}}},
    "reserved role": {"roles": {"superuser": {}}},
    "cluster privilege typo": {"roles": {"r": {"elasticsearch": {"cluster": ["monitr"]}}}},
    "DLS query nested deep": {
        "roles": {
            "r": {
                "elasticsearch": {
                    "indices": [{"names": ["a"], "privileges": ["read"], "query": "[" * 5000}]
                }
            }
        }
    },
    "role field as a role name": {"roles": {"alerts": {"observability": "read"}}},
    "not an email": {"members": {"bob": {"organization": "billing-admin"}}},
    "cloud role of another type": {
        "cloud": {"organizationId": "1"},
        "members": {"a@example.com": {"projects": {"security": {"all": "editor"}}}},
    },
    "mistyped key": {"role": {"r": {}}},
}


@pytest.mark.parametrize("config", KINDS.values(), ids=KINDS.keys())
def test_the_program_refuses_what_validate_refuses_in_the_same_words(
    config: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {"kibana": {"version": "9.5.0", "flavor": "stateful"}, **config}
    expected = validate_lines(config, tmp_path, capsys)
    assert expected
    assert program_lines(config) == expected


def test_a_config_without_elastic_access_settings_is_refused() -> None:
    assert program_lines({}) == [
        "config: has no elastic-access settings: nothing to check or manage. Its config: "
        "section takes elastic-access:kibana, elastic-access:cloud, elastic-access:roles, "
        "elastic-access:members, elastic-access:spaces, elastic-access:kibanaApiKey, elastic-access:kibanaUsername, "
        "elastic-access:kibanaPassword, elastic-access:cloudApiKey"
    ]


def test_a_value_nested_past_what_json_can_read_is_refused() -> None:
    # The engine hands objects over as JSON text; Python's json recurses and gives up near 1,000.
    deep = '{"r": {"metadata": {"x": ' + "[" * 3000 + "]" * 3000 + "}}}"
    assert program_lines({"roles": deep}) == ["roles: is nested more than 64 levels deep"]
    shallower = '{"r": {"metadata": {"x": ' + "[" * 100 + "]" * 100 + "}}}"
    assert program_lines({"roles": shallower}) == [
        "roles: is nested more than 64 levels deep (at roles.r.metadata.x[0][0][0][0][0]...)"
    ]


def test_text_where_a_mapping_is_needed_is_a_message_not_a_traceback() -> None:
    assert program_lines({"roles": "soc-leads"}) == ["roles: must be a mapping, not 'soc-leads'"]


ONLY_9_5 = {"r": {"cases": {"stack": {"access": "all", "deny": ["cases_manage_templates"]}}}}


def test_an_error_of_some_releases_only_is_left_to_the_live_check() -> None:
    # cases_manage_templates exists from 9.5: without kibana.version the live Kibana decides.
    assert program_lines({"roles": ONLY_9_5}) == []
    assert program_lines({"kibana": {"version": "9.1.0"}, "roles": ONLY_9_5}) == [
        "roles.r.cases.stack.deny[0]: 'cases_manage_templates' is not a sub-feature privilege "
        "of generalCasesV3 in Kibana 9.1.0; it was added in 9.5; allowed: cases_delete, "
        "cases_settings, create_comment, case_reopen, cases_assign"
    ]


def test_the_flavor_decides_what_is_refused() -> None:
    stack_cases = {"r": {"cases": {"stack": "all"}}}
    assert program_lines({"roles": stack_cases}) == []
    assert program_lines({"kibana": {"flavor": "serverless"}, "roles": stack_cases}) == [
        "roles.r.cases.stack: Stack Management cases do not exist on serverless; allowed: "
        "observability, security"
    ]


def test_a_config_no_covered_release_accepts_is_refused_without_a_version() -> None:
    # Wrong everywhere: refused whatever the live Kibana is, worded for the newest release.
    assert program_refusal(
        {"roles": {"r": {"cases": {"stack": {"access": "all", "deny": ["x"]}}}}}
    ) == [
        "the elastic-access stack config has problems whatever Kibana release it meets "
        "(kibana.version is not set; the lines name Kibana 9.5.0, the newest elastic-access "
        "knows):",
        "roles.r.cases.stack.deny[0]: 'x' is not a sub-feature privilege of generalCasesV3; "
        "allowed: cases_delete, cases_settings, create_comment, case_reopen, cases_assign, "
        "cases_manage_templates",
    ]


MEMBER = {"a@example.com": {"organization": "billing-admin"}}
EXPIRY = 'write whole hours or days with the unit, such as "7d" or "72h"'
ONE_LINE_EACH = {
    # One bad field of a section leaves the others read: no "organizationId is required".
    "expiry a number": (
        {"cloud": {"organizationId": "1", "inviteExpiresIn": 7}, "members": MEMBER},
        [f"cloud.inviteExpiresIn: is the number 7, not a duration: {EXPIRY}"],
    ),
    "expiry without a unit": (
        {"cloud": {"organizationId": "1", "inviteExpiresIn": "7"}, "members": MEMBER},
        [f"cloud.inviteExpiresIn: '7' is not a duration: {EXPIRY}"],
    ),
    "expiry zero": (
        {"cloud": {"organizationId": "1", "inviteExpiresIn": "0d"}, "members": MEMBER},
        ["cloud.inviteExpiresIn: '0d' is no time at all: an invitation must last 1h or more"],
    ),
    "organization id of the wrong kind": (
        {"cloud": {"organizationId": ["1"]}, "members": MEMBER},
        ["cloud.organizationId: must be text, not a list"],
    ),
    "cloud not a mapping": (
        {"cloud": ["1"], "members": MEMBER},
        [
            "cloud: must be a mapping (fields: url, organizationId, inviteExpiresIn, "
            "authoritative, protect), not a list"
        ],
    ),
    "every member invalid, no organization": (
        {"members": {"a@example.com": {"organization": "owner"}}},
        [
            "cloud.organizationId: is required when members are declared",
            "members.a@example.com.organization[0]: 'owner' is not allowed; allowed: "
            "organization-admin, billing-admin",
        ],
    ),
    # Quoting is advised only where the quoted text is valid.
    "a version where text is needed": (
        {"kibana": {"version": 9.1}},
        ['kibana.version: is the number 9.1, but must be text: quote it: version: "9.1"'],
    ),
}


@pytest.mark.parametrize(("config", "lines"), ONE_LINE_EACH.values(), ids=ONE_LINE_EACH.keys())
def test_one_line_per_mistake_in_validate_and_the_program(
    config: dict[str, Any], lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate_lines(config, tmp_path, capsys) == lines
    assert program_lines(config) == lines
