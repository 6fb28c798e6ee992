"""A write counts only on a 2xx, without an error body, from the host it was sent to; no request
follows a redirect (issue 10 section 3, contract section 5). Against the sandbox's faults."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from components.clients import (
    CloudClient,
    CloudConnection,
    KibanaClient,
    KibanaConnection,
    Redirected,
    RetryPolicy,
    UnexpectedResponse,
)
from sandbox.controls import Controls
from sandbox.server import Sandbox

ORG = "1000000001"
ROLE = {"kibana": [{"base": ["read"], "feature": {}, "spaces": ["*"]}], "elasticsearch": {}}
BOOM = {"statusCode": 500, "error": "Internal Server Error", "message": "role not saved"}
NOT_DONE = (
    "Not counted as done: the status says success but the body says it failed, so neither is "
    "trusted. Run `pulumi refresh` to see what is live, and check for a proxy between here and "
    "the server that rewrites its answers."
)
NO_REDIRECT = (
    "elastic-access follows no redirect, so that a write counts only when the server it was "
    "sent to answers 2xx: set the url to the address that answers directly (scheme, host, port "
    "and base path), not one that a proxy or login page redirects."
)


@pytest.fixture
def kibana(sandbox: Sandbox) -> Iterator[KibanaClient]:
    connection = KibanaConnection(sandbox.kibana_url, api_key="sandbox")
    with KibanaClient(connection, retry=RetryPolicy(max_total_seconds=10)) as client:
        yield client


@pytest.fixture
def cloud(sandbox: Sandbox) -> Iterator[CloudClient]:
    connection = CloudConnection(sandbox.cloud_url, api_key="sandbox")
    with CloudClient(connection, retry=RetryPolicy(max_total_seconds=10)) as client:
        yield client


def sent(controls: Controls) -> list[tuple[str, str, int]]:
    return [
        (r["method"], r["path"], r["status"])
        for r in controls.requests()
        if not r["path"].startswith("/_sandbox")
    ]


def test_a_200_whose_body_is_an_error_on_put_role_is_not_a_write(
    kibana: KibanaClient, controls: Controls
) -> None:
    controls.fault(r"^/api/security/role/r$", "PUT", 200, body=BOOM)

    with pytest.raises(UnexpectedResponse) as caught:
        kibana.put_role("r", ROLE, create_only=True)

    assert str(caught.value) == (
        "Kibana PUT /api/security/role/r returned 200 OK: the body is an error: (500) role not "
        f"saved. {NOT_DONE}"
    )
    assert kibana.get_role("r") is None


def test_a_200_whose_body_is_an_error_on_delete_role_is_not_a_delete(
    kibana: KibanaClient, controls: Controls
) -> None:
    kibana.put_role("r", ROLE, create_only=True)
    controls.fault(r"^/api/security/role/r$", "DELETE", 200, body=BOOM)

    with pytest.raises(UnexpectedResponse, match=r"DELETE .* returned 200 OK: the body is an"):
        kibana.delete_role("r")

    assert kibana.get_role("r") is not None


def test_a_200_whose_body_is_an_error_on_delete_member_is_not_a_removal(
    cloud: CloudClient, controls: Controls
) -> None:
    user = controls.seed_member("bob@example.com", ["deployment-viewer"])
    body = {"errors": [{"code": "organization.membership_not_found", "message": "not removed"}]}
    controls.fault(f"/members/{user}$", "DELETE", body=body)

    with pytest.raises(UnexpectedResponse) as caught:
        cloud.delete_members(ORG, [user])

    assert str(caught.value) == (
        f"Elastic Cloud DELETE /api/v1/organizations/{ORG}/members/{user} returned 200 OK "
        f"[organization.membership_not_found]: the body is an error: not removed. {NOT_DONE}"
    )
    assert user in [m["user_id"] for m in cloud.list_members(ORG)]


def test_a_302_on_put_role_is_not_followed_and_not_a_write(
    kibana: KibanaClient, controls: Controls, sandbox: Sandbox
) -> None:
    elsewhere = f"{sandbox.kibana_url}/api/status"  # answers 200 to a GET: the old false success
    controls.fault(r"^/api/security/role/r$", "PUT", 302, location=elsewhere)

    with pytest.raises(Redirected) as caught:
        kibana.put_role("r", ROLE, create_only=True)

    assert str(caught.value) == (
        f"Kibana PUT /api/security/role/r returned 302 Found, redirecting to {elsewhere}. "
        f"{NO_REDIRECT}"
    )
    assert caught.value.location == elsewhere
    assert sent(controls) == [("PUT", "/api/security/role/r", 302)]
    assert kibana.get_role("r") is None


@pytest.mark.parametrize("status", [301, 303, 307, 308])
def test_a_redirect_without_location_is_an_error_naming_the_status(
    kibana: KibanaClient, controls: Controls, status: int
) -> None:
    controls.fault(r"^/api/security/role/r$", "PUT", status)

    with pytest.raises(Redirected, match=rf"returned {status} [A-Za-z ]+ without a Location\. "):
        kibana.put_role("r", ROLE, create_only=True)

    assert sent(controls) == [("PUT", "/api/security/role/r", status)]


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("GET", r"^/api/security/role$", lambda k, c: k.list_roles()),
        ("GET", r"/members$", lambda k, c: c.list_members(ORG)),
        ("POST", r"/invitations$", lambda k, c: c.create_invitation(ORG, emails=["a@x.io"],
                                                                    expires_in="7d",
                                                                    role_assignments={})),
    ],
)  # fmt: skip
def test_no_call_follows_a_redirect_to_another_host(
    kibana: KibanaClient,
    cloud: CloudClient,
    controls: Controls,
    method: str,
    path: str,
    call: Callable[[KibanaClient, CloudClient], Any],
) -> None:
    controls.fault(path, method, 307, location="http://127.0.0.1:1/elsewhere")

    with pytest.raises(Redirected, match=r"redirecting to http://127\.0\.0\.1:1/elsewhere\. "):
        call(kibana, cloud)

    assert len(sent(controls)) == 1


def test_a_204_announcing_a_body_is_not_a_delete(kibana: KibanaClient, controls: Controls) -> None:
    kibana.put_role("r", ROLE, create_only=True)
    controls.fault(r"^/api/security/role/r$", "DELETE", 204, body=BOOM)

    with pytest.raises(UnexpectedResponse) as caught:
        kibana.delete_role("r")

    assert str(caught.value) == (
        f"Kibana DELETE /api/security/role/r returned 204 No Content: it announces a body of "
        f"{len(json.dumps(BOOM))} bytes, which a 204 never has. Not counted as done: a 204 never "
        "has a body, so this one may carry an error unseen. Run `pulumi refresh` to see what is "
        "live, and check for a proxy between here and the server that rewrites its answers."
    )
    assert kibana.get_role("r") is not None
