"""``pulumi up`` / ``destroy`` / ``refresh`` against a server that lies, redirects, answers the
wrong shape or echoes the key, under the real engine and the stand-in (issue 10 sections 3 to
5): the operation fails with one message, the state claims only what was done, a later refresh
agrees with it, and no credential is printed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.deploy.conftest import Stack, StackFactory
from tests.support.deploy import CheckFailed
from tests.support.provider_host import ProviderError

KEY = "d3ploy-s3cret-k3y-0123456789"
ORG = "1000000001"
SOC = {"spaces": ["default"], "cases": {"security": "all"}}
FAILED = (CheckFailed, ProviderError, pulumi.RunError)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=KEY) as running:
        yield running


@pytest.fixture
def controls(sandbox: Sandbox) -> Controls:
    return Controls(sandbox.kibana_url)  # faults and requests of both services


def kibana_stack(new_stack: StackFactory, sandbox: Sandbox, roles: dict[str, Any]) -> Stack:
    config = {"kibana": {"url": sandbox.kibana_url}, "roles": roles}
    return new_stack(config, secrets={"kibanaApiKey": KEY})


def cloud_stack(new_stack: StackFactory, sandbox: Sandbox, members: dict[str, Any]) -> Stack:
    config = {"cloud": {"url": sandbox.cloud_url, "organizationId": ORG}, "members": members}
    return new_stack(config, secrets={"cloudApiKey": KEY})


def live_roles(sandbox: Sandbox) -> dict[str, Any]:
    response = requests.get(
        f"{sandbox.kibana_url}/api/security/role",
        headers={"Authorization": f"ApiKey {KEY}"},
        timeout=5,
    )
    return {role["name"]: role for role in response.json()}


def printed(stack: Stack, error: BaseException) -> str:
    """Everything the operation showed: the error, and the engine's output when it ran."""
    return "\n".join(
        [str(error), str(getattr(error, "details", "")), *getattr(stack, "output", [])]
    )


def test_an_up_against_a_redirecting_kibana_fails_and_claims_no_role(
    new_stack: StackFactory, sandbox: Sandbox, controls: Controls
) -> None:
    controls.fault("^/api/security/role/soc$", "PUT", 302, location="http://127.0.0.1:1/x")
    stack = kibana_stack(new_stack, sandbox, {"soc": SOC})

    with pytest.raises(FAILED) as failed:
        stack.up()

    assert (
        "Kibana PUT /api/security/role/soc returned 302 Found, redirecting to "
        "http://127.0.0.1:1/x. elastic-access follows no redirect"
    ) in printed(stack, failed.value)
    assert "soc" not in stack.resources()
    assert "soc" not in live_roles(sandbox)
    assert stack.refresh().changed() == {}
    assert "soc" not in stack.resources()
    assert stack.up().changed() == {"soc": "create"}  # the redirect gone, up does it


def test_writes_answered_200_with_an_error_body_are_not_recorded_as_done(
    new_stack: StackFactory, sandbox: Sandbox, controls: Controls
) -> None:
    boom = {"statusCode": 500, "error": "Internal Server Error", "message": "not saved"}
    kibana_stack(new_stack, sandbox, {"soc": SOC}).up()
    saved = kibana_stack(new_stack, sandbox, {"soc": SOC}).resources()["soc"]["outputs"]["body"]

    changed = kibana_stack(new_stack, sandbox, {"soc": {**SOC, "cases": {"security": "read"}}})
    controls.fault("^/api/security/role/soc$", "PUT", 200, body=boom, count=10)
    with pytest.raises(FAILED) as update:
        changed.up()
    assert (
        "Kibana PUT /api/security/role/soc returned 200 OK: the body is an error: (500) not "
        "saved. Not counted as done"
    ) in printed(changed, update.value)
    assert changed.resources()["soc"]["outputs"]["body"] == saved

    controls.clear_faults()
    controls.fault("^/api/security/role/soc$", "DELETE", 200, body=boom, count=10)
    with pytest.raises(FAILED) as destroy:
        changed.destroy()
    assert "DELETE /api/security/role/soc returned 200 OK: the body is an error" in printed(
        changed, destroy.value
    )
    assert "soc" in changed.resources() and "soc" in live_roles(sandbox)
    assert changed.refresh().changed() == {}  # what the state says is what is live


def test_a_member_removal_answered_200_with_an_error_body_keeps_the_member(
    new_stack: StackFactory, sandbox: Sandbox, controls: Controls
) -> None:
    user = controls.seed_member("carol@example.com", ["billing-admin"])
    cloud_stack(new_stack, sandbox, {"carol@example.com": {"organization": "billing-admin"}}).up()

    body = {"errors": [{"code": "organization.membership_not_found", "message": "kept"}]}
    controls.fault(f"/members/{user}$", "DELETE", body=body, count=10)
    emptied = cloud_stack(new_stack, sandbox, {})
    with pytest.raises(FAILED) as failed:
        emptied.up()

    assert f"DELETE /api/v1/organizations/{ORG}/members/{user} returned 200 OK " in printed(
        emptied, failed.value
    )
    assert "carol@example.com" in emptied.resources()
    assert emptied.refresh().changed() == {}


def test_a_member_list_of_the_wrong_shape_stops_up_with_one_message(
    new_stack: StackFactory, sandbox: Sandbox, controls: Controls
) -> None:
    controls.fault("/members$", "GET", body={"members": [{"email": "a@x.io"}]}, count=50)
    stack = cloud_stack(new_stack, sandbox, {"a@x.io": {"organization": "billing-admin"}})

    with pytest.raises(FAILED) as failed:
        stack.up()

    assert (
        f"Elastic Cloud GET /api/v1/organizations/{ORG}/members returned 200 OK: unexpected "
        "answer: members[0] (a@x.io).user_id is missing."
    ) in printed(stack, failed.value)
    assert [r for r in controls.requests() if r["method"] != "GET"] == []


def test_a_key_with_a_trailing_newline_is_refused_naming_the_setting(
    new_stack: StackFactory, sandbox: Sandbox, controls: Controls
) -> None:
    config = {"kibana": {"url": sandbox.kibana_url}, "roles": {"soc": SOC}}
    stack = new_stack(config, secrets={"kibanaApiKey": "n3wline-k3y\n"})

    with pytest.raises(FAILED) as failed:
        stack.up()

    text = printed(stack, failed.value)
    assert (
        "elastic-access:kibanaApiKey: the Kibana API key ends with whitespace (a newline or a "
        "space left from copying it?); set it again exactly as issued"
    ) in text
    assert "n3wline-k3y" not in text and "Invalid header value" not in text
    assert controls.requests() == []


def test_a_cloud_error_code_echoing_the_key_is_never_printed(
    new_stack: StackFactory, sandbox: Sandbox, controls: Controls
) -> None:
    echo = {"errors": [{"code": f"ApiKey {KEY}", "message": f"{KEY} may not invite"}]}
    controls.fault("/invitations$", "POST", status=403, body=echo)
    stack = cloud_stack(new_stack, sandbox, {"a@x.io": {"organization": "billing-admin"}})

    with pytest.raises(FAILED) as failed:
        stack.up()

    text = printed(stack, failed.value)
    assert "returned 403 Forbidden [[REDACTED]]: [REDACTED] may not invite" in text
    assert KEY not in text
    assert KEY not in stack.saved_text()
