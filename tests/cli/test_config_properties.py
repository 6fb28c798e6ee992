"""No config makes ``validate``, ``render`` or ``report`` (or the program's checks) raise or exit
with anything but 0, 1 or 2, and what ``validate`` accepts ``render`` and ``report`` accept
(issue 10 §7). Generated: configs as structures (the engine's values), as YAML text, as mutated
YAML text and as raw bytes. ``CONFIG_EXAMPLES`` sets how many examples each test runs."""

from __future__ import annotations

import io
import json
import os
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from components.cli import main
from components.core.problems import MAX_MESSAGE, MAX_PATH, errors
from components.core.stack import config_values, parse_sections, refusals, render_stack
from components.core.target import configured_target

EXAMPLES = int(os.environ.get("CONFIG_EXAMPLES", "150"))
LONGEST_LINE = MAX_PATH + MAX_MESSAGE + 60  # the longest a problem line may be
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

WORDS = [
    "kibana", "cloud", "roles", "members", "role", "spaces", "cases", "connectors", "alerts",
    "kibana", "elasticsearch", "metadata", "adopt", "description", "security", "observability",
    "stack", "secutiry", "access", "allow", "deny", "all", "read", "none", "feature", "base",
    "cluster", "indices", "names", "privileges", "query", "run_as", "organization",
    "deployments", "projects", "applicationRoles", "role", "url", "version", "flavor",
    "organizationId", "protect", "authoritative", "inviteExpiresIn", "soc", "*", "default",
    "cases_delete", "create_comment", "generalCasesV3", "securitySolutionCasesV3", "actions",
    "monitor", "billing-admin", "organization-admin", "deployment-viewer",
    "security-t2-analyst", "a@example.com", "B@Example.com", "9.1.0", "8.16.0", "serverless",
    "stateful", "7d", "_owner", "yes", "true",
]  # fmt: skip
word = st.sampled_from(WORDS)
key = st.one_of(word, word, st.text(max_size=12))
scalar = st.one_of(
    word,
    st.text(max_size=20),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(min_value=date(1990, 1, 1)),
    st.binary(max_size=8),
)
tree = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(key, inner, max_size=4),
    max_leaves=25,
)
access = st.one_of(
    st.sampled_from(["all", "read", "none", "rw"]),
    st.fixed_dictionaries(
        {"access": st.sampled_from(["all", "read", "al"])},
        optional={"allow": st.lists(word, max_size=3), "deny": st.lists(word, max_size=3)},
    ),
    tree,
)
solutions = st.dictionaries(st.sampled_from(["security", "observability", "stack", "siem"]), access)
role = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "description": st.one_of(st.text(max_size=20), scalar),
            "spaces": st.one_of(st.lists(word, max_size=3), scalar),
            "cases": solutions,
            "connectors": access,
            "alerts": solutions,
            "kibana": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "spaces": st.lists(word, max_size=2),
                        "base": st.lists(word, max_size=2),
                        "feature": st.dictionaries(word, st.lists(word, max_size=3), max_size=3),
                    },
                ),
                max_size=3,
            ),
            "elasticsearch": st.fixed_dictionaries(
                {},
                optional={
                    "cluster": st.lists(word, max_size=3),
                    "indices": st.lists(
                        st.fixed_dictionaries(
                            {"names": st.lists(word, max_size=2)},
                            optional={
                                "privileges": st.lists(word, max_size=2),
                                "query": st.one_of(st.text(max_size=30), tree),
                            },
                        ),
                        max_size=2,
                    ),
                },
            ),
            "metadata": tree,
            "adopt": scalar,
        },
    ),
    tree,
)
member = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "organization": st.one_of(word, st.lists(word, max_size=2)),
            "deployments": st.one_of(
                st.fixed_dictionaries({}, optional={"all": word}),
                st.fixed_dictionaries({"deployments": st.dictionaries(key, word, max_size=2)}),
            ),
            "projects": st.dictionaries(
                st.sampled_from(["security", "observability", "elasticsearch", "search"]),
                st.fixed_dictionaries(
                    {}, optional={"all": word, "projects": st.dictionaries(key, word, max_size=2)}
                ),
                max_size=2,
            ),
        },
    ),
    tree,
)
config = st.fixed_dictionaries(
    {},
    optional={
        "kibana": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "version": st.one_of(st.sampled_from(["9.1.0", "8.16.0", "8.0.0"]), scalar),
                    "flavor": st.one_of(st.sampled_from(["stateful", "serverless"]), scalar),
                },
            ),
            tree,
        ),
        "cloud": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "organizationId": scalar,
                    "protect": st.lists(word, max_size=2),
                    "authoritative": scalar,
                    "inviteExpiresIn": scalar,
                },
            ),
            tree,
        ),
        "roles": st.one_of(st.dictionaries(key, role, max_size=4), tree),
        "members": st.one_of(st.dictionaries(key, member, max_size=3), tree),
        "role": tree,
    },
)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def check_file(path: Path) -> None:
    """validate, render and report of one file: no exception, exit 0/1/2, bounded lines, and
    render and report accept what validate accepts."""
    code, _, err = run("validate", "--config", str(path))
    assert code in (0, 1, 2)
    assert all(len(line) <= LONGEST_LINE for line in err.splitlines())
    for command in ("render", "report"):
        other, _, err = run(command, "--config", str(path))
        assert other in (0, 2)
        assert all(len(line) <= LONGEST_LINE for line in err.splitlines())
        if code == 0:
            assert other == 0, err


def file_with(data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "Pulumi.fuzz.yaml"
    path.write_bytes(data)
    return path


def as_yaml(values: dict[str, Any]) -> str:
    document = {"config": {f"elastic-access:{k}": v for k, v in values.items()}}
    return yaml.safe_dump(document, allow_unicode=True)


@SETTINGS
@given(config)
@example({"roles": {"cloud": {"none": None}}})  # a key named like a union member: "none"
@example({"kibana": False})  # a section that is a scalar
@example({"roles": {"kibana": {}, "0²": []}})  # "²" is a digit to str.isdigit, not to int()
def test_no_config_as_values_breaks_the_program_checks(values: dict[str, Any]) -> None:
    # What the engine hands the program: JSON values (dates and bytes as text).
    engine = json.loads(json.dumps(values, default=str))
    raw = {f"elastic-access:{k}": v for k, v in engine.items()}
    found, problems = config_values(raw)
    loaded = parse_sections(found)
    refused = refusals(loaded.config)
    if not errors(problems + loaded.problems) and not refused:
        render_stack(loaded.config, configured_target(loaded.config.kibana))


@SETTINGS
@given(config)
def test_no_config_as_yaml_breaks_the_commands(values: dict[str, Any]) -> None:
    check_file(file_with(as_yaml(values).encode()))


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "duplicate-line", "indent", "dedent"]),
        st.integers(min_value=0),
        st.text(alphabet="\t :-[]{}&*!|>'\"#%@`,?\x00\xe9\n", max_size=3),
    ),
    min_size=1,
    max_size=4,
)


def mutate(text: str, edits: list[tuple[str, int, str]]) -> str:
    for what, at, chars in edits:
        at %= max(len(text), 1)
        lines = text.split("\n")
        line = at % max(len(lines), 1)
        if what == "insert":
            text = text[:at] + chars + text[at:]
        elif what == "delete":
            text = text[:at] + text[at + len(chars) + 1 :]
        elif what == "duplicate-line":
            text = "\n".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])
        elif what == "indent":
            text = "\n".join([*lines[:line], "  " + lines[line], *lines[line + 1 :]])
        else:
            text = "\n".join([*lines[:line], lines[line][2:], *lines[line + 1 :]])
    return text


@SETTINGS
@given(config, EDITS, st.sampled_from(["utf-8", "latin-1", "utf-16", "utf-16-le"]))
def test_no_mutated_yaml_breaks_the_commands(
    values: dict[str, Any], edits: list[tuple[str, int, str]], encoding: str
) -> None:
    text = mutate(as_yaml(values), edits)
    check_file(file_with(text.encode(encoding, errors="replace")))


@SETTINGS
@given(st.binary(max_size=300))
def test_no_bytes_break_the_commands(data: bytes) -> None:
    check_file(file_with(data))


SCALAR_TEXT = st.one_of(
    st.from_regex(r"[-+]?(0[xXoObB])?[0-9a-fA-F_.eE:+-]{0,80}", fullmatch=True),
    st.from_regex(
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9:.]{0,12}[Z+-]?[0-9:]{0,5})?", fullmatch=True
    ),
    st.sampled_from(
        [
            "yes",
            "No",
            "on",
            "~",
            "null",
            "NULL",
            ".inf",
            "-.Inf",
            ".NaN",
            "<<",
            "!!binary aGk=",
            "!!set {a}",
            "!foo x",
        ]
    ),
)


@SETTINGS
@given(SCALAR_TEXT, SCALAR_TEXT)
def test_no_scalar_text_breaks_the_commands(value: str, name: str) -> None:
    # Plain scalars as the user types them: numbers, dates and tags in every form YAML reads.
    text = (
        "config:\n  elastic-access:roles:\n"
        f"    r:\n      metadata: {{x: {value}}}\n      description: {value}\n"
        f"    {name}: {{}}\n"
        f"  elastic-access:kibana: {{version: {value}}}\n"
    )
    check_file(file_with(text.encode()))
