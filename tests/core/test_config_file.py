"""Reading a stack file as the Pulumi CLI reads it (issue 10 §7, issue 13 §2): each mistake one
message naming the file, line and column and the field, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.core.limits import MAX_DEPTH
from components.core.problems import InvalidConfig
from components.core.stack import read_stack_file


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "Pulumi.t.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    try:
        loaded = read_stack_file(path, "Pulumi.t.yaml")
    except InvalidConfig as error:
        return [str(p) for p in error.problems]
    return [str(p) for p in loaded.problems]


def roles(tmp_path: Path, text: str) -> dict[str, object]:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(text)
    return dict(read_stack_file(path).config.roles)


ROLE = "config:\n  elastic-access:roles:\n    r:\n"


# ---------------------------------------------------------------- bytes


def test_a_latin1_file_names_the_byte_and_where_it_is(tmp_path: Path) -> None:
    text = (ROLE + "      description: café\n").encode("latin-1")
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:4:23: byte 0xe9 is not UTF-8 (a Latin-1 or Windows file?); Pulumi reads "
        "stack files as UTF-8: save the file as UTF-8"
    ]


def test_utf16_with_a_byte_order_mark_is_read_as_pulumi_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_bytes((ROLE + "      description: café\n").encode("utf-16"))
    assert read_stack_file(path).config.roles["r"].description == "café"


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    text = (ROLE + "      description: x\n").encode("utf-16-le")
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:1:2: has NUL characters (UTF-16 without a byte order mark?); save the "
        "file as UTF-8"
    ]


# ---------------------------------------------------------------- YAML syntax


def test_a_syntax_error_names_the_file_line_and_column_as_editors_count(tmp_path: Path) -> None:
    text = ROLE + "      cases: {security: all\n      spaces: [soc]\n"
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:5:13: is not valid YAML: did not find expected ',' or '}', while parsing "
        "a flow mapping at line 4, column 14"
    ]


def test_a_tab_is_named(tmp_path: Path) -> None:
    assert problems(tmp_path, ROLE + "\tcases: {security: all}\n") == [
        "Pulumi.t.yaml:4:1: is not valid YAML: found character that cannot start any token "
        "(a tab: YAML indents with spaces only)"
    ]


# ---------------------------------------------------------------- size, depth, aliases


def test_yaml_nested_1000_deep_is_refused(tmp_path: Path) -> None:
    text = ROLE + "      metadata: {x: " + "[" * 1000 + "]" * 1000 + "}\n"
    assert problems(tmp_path, text) == [
        f"Pulumi.t.yaml:4:1016: is nested more than {MAX_DEPTH} levels deep"
    ]


def test_yaml_nested_deeper_than_the_limit_names_the_place(tmp_path: Path) -> None:
    text = ROLE + "      metadata: {x: " + "[" * 100 + "]" * 100 + "}\n"
    found = problems(tmp_path, text)
    assert found == [
        f"Pulumi.t.yaml:4:83: roles.r.metadata.x{'[0]' * 7}...: is nested more than {MAX_DEPTH} "
        "levels deep"
    ]


def test_aliases_that_expand_without_end_are_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    text = ROLE + "      metadata:\n" + "".join(f"        {line}\n" for line in lines)
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:1:1: expands through aliases to more than 1,000,000 values"
    ]


def test_an_alias_inside_its_own_node_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, ROLE + "      metadata: &m {x: *m}\n") == [
        "Pulumi.t.yaml:4:17: roles.r.metadata: an alias refers to a node that contains it; YAML "
        "data cannot contain itself"
    ]


def test_merge_keys_work_and_explicit_keys_win(tmp_path: Path) -> None:
    text = (
        "config:\n  elastic-access:roles:\n"
        "    base: &base {description: shared, spaces: [soc]}\n"
        "    r:\n      <<: *base\n      description: own\n"
    )
    found = roles(tmp_path, text)
    assert found["r"] == found["base"].model_copy(update={"description": "own"})  # type: ignore[attr-defined]


# ---------------------------------------------------------------- numbers, dates, tags


def test_an_integer_of_more_than_4300_digits_is_refused_with_its_line(tmp_path: Path) -> None:
    found = problems(tmp_path, ROLE + "      metadata: {n: " + "9" * 5000 + "}\n")
    assert found == [
        "Pulumi.t.yaml:4:21: roles.r.metadata.n: " + "9" * 80 + "... (5,000 characters) is a "
        "number of 5,000 digits, too large to keep exactly: Pulumi would pass on a rounded one; "
        'quote it: "' + "9" * 80 + '... (5,000 characters)"'
    ]


def test_a_date_in_metadata_is_refused_as_pulumi_would_change_it(tmp_path: Path) -> None:
    assert problems(tmp_path, ROLE + "      metadata: {reviewed: 2024-01-01}\n") == [
        "Pulumi.t.yaml:4:28: roles.r.metadata.reviewed: 2024-01-01 is a date to YAML, which "
        'Pulumi passes on as "2024-01-01 00:00:00 +0000 UTC"; quote it: "2024-01-01"'
    ]


def test_binary_in_a_dls_query_is_refused(tmp_path: Path) -> None:
    text = ROLE + (
        "      elasticsearch:\n        indices:\n"
        "          - {names: [a], privileges: [read], query: {term: !!binary aGVsbG8=}}\n"
    )
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:6:60: roles.r.elasticsearch.indices[0].query.term: a !!binary value, "
        "which Pulumi passes on decoded; write the text itself, quoted"
    ]


def test_numbers_pulumi_would_read_otherwise_say_how_to_quote_them(tmp_path: Path) -> None:
    text = ROLE + "      metadata: {octal: 012, hex: 0x1F, nan: .nan, ok: 12, f: 1.5}\n"
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:4:25: roles.r.metadata.octal: 012 is read by YAML as the number 10; "
        'quote it if it is text ("012"), or write 10',
        "Pulumi.t.yaml:4:35: roles.r.metadata.hex: 0x1F is read by YAML as the number 31; "
        'quote it if it is text ("0x1F"), or write 31',
        "Pulumi.t.yaml:4:46: roles.r.metadata.nan: .nan is not a number JSON can carry, and "
        'Pulumi refuses it; quote it: ".nan"',
    ]


def test_numbers_too_long_to_read_are_refused_without_reading_them(tmp_path: Path) -> None:
    text = ROLE + f"      metadata: {{h: 0x{'F' * 70}, u: 1_0e999}}\n"
    assert [p.split(": ", 2)[2] for p in problems(tmp_path, text)] == [
        f'0x{"F" * 70} is read by YAML as a number; quote it if it is text: "0x{"F" * 70}"',
        '1_0e999 is read by YAML as a number; quote it if it is text: "1_0e999"',
    ]


# ---------------------------------------------------------------- keys


def test_the_same_member_twice_is_refused_naming_both_lines(tmp_path: Path) -> None:
    text = (
        "config:\n  elastic-access:members:\n"
        "    a@example.com: {organization: organization-admin}\n"
        "    b@example.com: {organization: billing-admin}\n"
        "    a@example.com: {organization: billing-admin}\n"
    )
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:5:5: members: a@example.com is given twice in one mapping, at lines 3 and "
        "5; Pulumi refuses duplicate keys too: keep one"
    ]


def test_a_section_given_twice_is_refused_naming_both_lines(tmp_path: Path) -> None:
    text = ROLE + "      spaces: [soc]\n  elastic-access:roles:\n    s: {}\n"
    assert problems(tmp_path, text) == [
        "Pulumi.t.yaml:5:3: config: elastic-access:roles is given twice in one mapping, at "
        "lines 2 and 5; Pulumi refuses duplicate keys too: keep one"
    ]


def test_a_section_under_two_spellings_is_refused(tmp_path: Path) -> None:
    text = "config:\n  roles:\n    r: {}\n  elastic-access:roles:\n    s: {}\n"
    assert problems(tmp_path, text) == [
        "elastic-access:roles: is given twice, as roles and as elastic-access:roles; Pulumi "
        "reads one and ignores the other: keep one"
    ]


def test_yes_is_a_role_name_as_pulumi_reads_it(tmp_path: Path) -> None:
    # The Pulumi CLI (YAML 1.2) reads yes, no, on, off as text; only true and false are not.
    assert sorted(
        roles(tmp_path, "config:\n  elastic-access:roles:\n    yes: {}\n    on: {}\n")
    ) == [
        "on",
        "yes",
    ]


def test_keys_that_are_not_text_say_how_to_quote_them(tmp_path: Path) -> None:
    text = (
        "config:\n  elastic-access:roles:\n    true: {}\n"
        "  elastic-access:members:\n    12345: {}\n"
        "    b@example.com:\n      deployments:\n        deployments:\n"
        "          0123: deployment-viewer\n"
    )
    assert problems(tmp_path, text) == [
        'Pulumi.t.yaml:3:5: roles: the key true is a boolean to YAML, but names are text: quote it: "true":',
        'Pulumi.t.yaml:5:5: members: the key 12345 is a number to YAML, but names are text: quote it: "12345":',
        "Pulumi.t.yaml:9:11: members.b@example.com.deployments.deployments: the key 0123 is a "
        'number to YAML, but names are text: quote it: "0123":',
    ]


# ---------------------------------------------------------------- the layout


def test_sections_outside_config_are_named(tmp_path: Path) -> None:
    assert problems(tmp_path, "roles:\n  r: {}\n") == [
        "roles: is outside config:, where Pulumi ignores it: indent it under config: as "
        "elastic-access:roles"
    ]


def test_a_file_with_no_elastic_access_settings_says_so(tmp_path: Path) -> None:
    assert problems(tmp_path, "confg:\n  elastic-access:roles: {}\n") == [
        "Pulumi.t.yaml: has no elastic-access settings: nothing to check or manage. Its config: "
        "section takes elastic-access:kibana, elastic-access:cloud, elastic-access:roles, "
        "elastic-access:members, elastic-access:spaces, elastic-access:kibanaApiKey, elastic-access:kibanaUsername, "
        "elastic-access:kibanaPassword, elastic-access:cloudApiKey",
        "warning: confg: is not a key of a Pulumi stack file (did you mean config?), and Pulumi "
        "ignores it; allowed: config, environment, secretsprovider, encryptedkey, encryptionsalt",
    ]


def test_keys_without_the_namespace_are_read_as_pulumi_reads_them(tmp_path: Path) -> None:
    # Pulumi reads `roles` in project elastic-access as elastic-access:roles.
    assert list(roles(tmp_path, "config:\n  roles:\n    r: {}\n")) == ["r"]


def test_a_mistyped_namespace_names_the_key_meant(tmp_path: Path) -> None:
    text = "config:\n  elastic-acess:Roles: {}\n  aws:region: x\n  elasticstack:endpoint: y\n"
    assert problems(tmp_path, text) == [
        "elastic-acess:Roles: is not in the elastic-access namespace (did you mean "
        "elastic-access:roles?); elastic-access never reads it"
    ]


@pytest.mark.parametrize("size", [9 * 1024 * 1024])
def test_a_file_too_large_for_a_stack_file_is_refused(tmp_path: Path, size: int) -> None:
    assert problems(tmp_path, b"#" * size) == [
        "Pulumi.t.yaml: is larger than 8 MiB; no stack file is"
    ]
