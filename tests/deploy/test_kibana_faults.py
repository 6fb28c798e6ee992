"""What a new user met on the Kibana side, under both drivers (the real engine is the judge):
an object that exists already with other settings is refused at preview (contract section 5,
adoption), a Kibana nobody answers at fails the preview, a credential ``configure`` cannot use
is one message; each with the exact text a user reads and no traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.deploy.conftest import StackFactory
from tests.support.deploy import CheckFailed
from tests.support.provider_host import ProviderError

SECRET = "faults-s3cret"
SECRETS = {"kibanaApiKey": SECRET}
HEADERS = {"Authorization": f"ApiKey {SECRET}"}
READERS = {"spaces": ["*"], "cases": {"security": "read"}}


def taken(kind: str, name: str, fields: str) -> str:
    what, section, other = {
        "role": ("privileges", "roles", "name"),
        "space": ("settings", "spaces", "id"),
    }[kind]
    return (
        f"{kind} {name} already exists in Kibana with other {what} ({fields}); elastic-access "
        f"does not overwrite it. Set adopt: true under elastic-access:{section}.{name} to take "
        f"it over (its {what} become the config's), or pick another {other}."
    )


@pytest.fixture
def a() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET, cluster_uuid="cluster-a") as running:
        yield running


@pytest.fixture
def b() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=SECRET, cluster_uuid="cluster-b") as running:
        yield running


def writes(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in Controls(sandbox.kibana_url).requests()
        if r["method"] in ("PUT", "POST", "DELETE") and not r["path"].startswith("/_sandbox")
    ]


def live_space(sandbox: Sandbox, space_id: str) -> dict[str, Any]:
    url = f"{sandbox.kibana_url}/api/spaces/space/{space_id}"
    answer: dict[str, Any] = requests.get(url, headers=HEADERS, timeout=5).json()
    return answer


def closed_port() -> int:
    with socket.socket() as probe:  # free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_existing_different_space_or_role_is_refused_at_preview_and_by_up(
    a: Sandbox, new_stack: StackFactory
) -> None:
    kibana = Controls(a.kibana_url)
    kibana.seed_space("prexist", "Made by hand")
    kibana.seed_space("equal", "Equal")
    kibana.seed_role("handmade", {"kibana": [{"base": ["read"], "spaces": ["*"]}]})
    config: dict[str, Any] = {"kibana": {"url": a.kibana_url}}
    declared = [
        (
            "prexist",
            {"spaces": {"prexist": {"name": "Other name"}}},
            taken("space", "prexist", "name"),
        ),
        ("handmade", {"roles": {"handmade": READERS}}, taken("role", "handmade", "kibana")),
    ]
    for name, sections, message in declared:
        stack = new_stack({**config, **sections}, secrets=SECRETS)
        for run in (stack.preview, lambda: stack.up(skip_preview=True)):  # noqa: B023
            with pytest.raises(CheckFailed) as refused:
                run()
            assert message in refused.value.failures[name][0]
            assert "Traceback" not in str(refused.value)
    assert writes(a) == []
    assert live_space(a, "prexist")["name"] == "Made by hand"

    # The way out the message names: adopt: true; the equal space is taken over silently.
    config["spaces"] = {
        "prexist": {"name": "Other name", "adopt": True},
        "equal": {"name": "Equal"},
    }
    config["roles"] = {"handmade": {**READERS, "adopt": True}}
    plan = new_stack(config, secrets=SECRETS).up()
    assert plan.changed() == {"prexist": "create", "equal": "create", "handmade": "create"}
    assert live_space(a, "prexist")["name"] == "Other name"
    assert ("POST", "/api/spaces/space") in writes(a)  # the equal one: its 409 taken over


def test_a_space_that_exists_on_the_cluster_kibana_url_moves_to_is_refused_at_preview(
    a: Sandbox, b: Sandbox, new_stack: StackFactory
) -> None:
    new_stack(
        {"kibana": {"url": a.kibana_url}, "spaces": {"soc": {"name": "SOC"}}}, secrets=SECRETS
    ).up()
    Controls(b.kibana_url).seed_space("soc", "Someone else's SOC")
    moved = new_stack(
        {"kibana": {"url": b.kibana_url}, "spaces": {"soc": {"name": "SOC"}}}, secrets=SECRETS
    )
    with pytest.raises(CheckFailed) as refused:
        moved.preview()
    assert taken("space", "soc", "name") in refused.value.failures["soc"][0]
    assert live_space(b, "soc")["name"] == "Someone else's SOC"


def test_a_kibana_nobody_answers_at_fails_preview_and_up_naming_the_url_and_cause(
    new_stack: StackFactory,
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    role = {"kibana": [{"spaces": ["*"], "feature": {"discover_v9": ["read"]}}]}
    stack = new_stack({"kibana": {"url": url}, "roles": {"analysts": role}}, secrets=SECRETS)
    unreachable = (
        f"kibana: cannot reach the Kibana at {url} (connection refused: nothing listens on that "
        "port), so nothing can be checked against it or written to it: start it, or set "
        "elastic-access:kibana.url (or KIBANA_ENDPOINT) to one that answers"
    )
    for run in (stack.preview, lambda: stack.up(skip_preview=True)):
        with pytest.raises((CheckFailed, pulumi.RunError)) as failed:
            run()
        assert unreachable in str(failed.value)
        assert "Traceback" not in str(failed.value)
    assert stack.resources() == {}


@pytest.mark.parametrize(
    ("variable", "setting", "section"),
    [
        ("KIBANA_API_KEY", "Kibana API key", "roles"),
        ("EC_API_KEY", "Elastic Cloud API key", "members"),
    ],
)
def test_a_key_with_a_trailing_newline_is_one_message_at_preview(
    a: Sandbox, new_stack: StackFactory, variable: str, setting: str, section: str
) -> None:
    config: dict[str, Any] = {
        "kibana": {"url": a.kibana_url},
        "cloud": {"url": a.cloud_url, "organizationId": "1000000001"},
        section: {"analysts": READERS}
        if section == "roles"
        else {"ann@example.com": {"organization": "billing-admin"}},
    }
    stack = new_stack(config, env={variable: "sandbox\n"})
    with pytest.raises((CheckFailed, ProviderError)) as failed:
        stack.preview()
    message = (
        f"{variable}: the {setting} ends with whitespace (a newline or a space left from "
        "copying it?); set it again exactly as issued"
    )
    assert message in str(failed.value)
    assert "Traceback" not in str(failed.value) and "sandbox\n" not in str(failed.value)
