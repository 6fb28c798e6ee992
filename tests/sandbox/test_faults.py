"""What a misbehaving server shows: lying status codes, redirects, slow and oversized answers,
wrong shapes (issue 10 sections 3 and 5)."""

from __future__ import annotations

import json
import time

import pytest
import requests

from sandbox.controls import ControlError, Controls
from sandbox.server import Sandbox
from tests.sandbox.conftest import ORG, TIMEOUT, Api

ROLE = {"kibana": [{"base": ["read"]}]}
ERROR = {"statusCode": 400, "error": "Bad Request", "message": "role not saved"}


@pytest.mark.parametrize("status", [200, 201])
def test_a_2xx_whose_body_is_an_error_and_nothing_written(
    kibana: Api, controls: Controls, status: int
) -> None:
    controls.fault(r"^/api/security/role/r$", "PUT", status, body=ERROR)
    response = kibana("PUT", "/api/security/role/r", json=ROLE)
    assert (response.status_code, response.json()) == (status, ERROR)
    assert kibana("GET", "/api/security/role/r").status_code == 404
    assert controls.requests()[0]["status"] == status


def test_a_204_with_a_body_closes_the_connection(kibana: Api, controls: Controls) -> None:
    controls.fault(r"/api/security/role/r$", "DELETE", 204, body=ERROR)
    kibana("PUT", "/api/security/role/r", json=ROLE)
    response = kibana("DELETE", "/api/security/role/r")
    assert response.status_code == 204
    assert response.headers["Content-Length"] == str(len(json.dumps(ERROR)))
    assert response.headers["Connection"] == "close"
    assert kibana("GET", "/api/security/role/r").status_code == 200


def test_an_error_body_under_200_on_cloud_member_delete(cloud: Api, controls: Controls) -> None:
    user = controls.seed_member("bob@example.com", ["deployment-viewer"])
    body = {"errors": [{"code": "organization.membership_not_found", "message": "nope"}]}
    controls.fault(f"/members/{user}$", "DELETE", body=body)
    response = cloud("DELETE", f"/organizations/{ORG}/members/{user}")
    assert (response.status_code, response.json()) == (200, body)
    members = cloud("GET", f"/organizations/{ORG}/members").json()["members"]
    assert user in [m["user_id"] for m in members]


def test_a_redirect_elsewhere_is_not_the_write(
    kibana: Api, controls: Controls, sandbox: Sandbox
) -> None:
    elsewhere = f"{sandbox.cloud_url}/api/status"
    controls.fault(r"/api/security/role/r$", "PUT", 302, location=elsewhere)
    response = kibana("PUT", "/api/security/role/r", json=ROLE, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == elsewhere
    assert kibana("GET", "/api/security/role/r").status_code == 404


def test_a_redirect_without_location(kibana: Api, controls: Controls) -> None:
    controls.fault(r"/api/security/role/r$", "PUT", 307)
    response = kibana("PUT", "/api/security/role/r", json=ROLE, allow_redirects=False)
    assert response.status_code == 307
    assert "Location" not in response.headers
    with pytest.raises(ControlError):
        controls.fault("/api/status", "GET", 200, location="http://127.0.0.1:1/")


def test_a_dripping_answer_arrives_a_byte_at_a_time(kibana: Api, controls: Controls) -> None:
    controls.fault("/api/status", "GET", body={"ok": 1}, drip=0.1)
    started = time.monotonic()
    with kibana("GET", "/api/status", stream=True) as response:
        headers_after = time.monotonic() - started
        chunks = list(response.iter_content(chunk_size=1))
    assert b"".join(chunks) == b'{"ok": 1}'
    assert headers_after < 0.5
    assert time.monotonic() - started >= 0.8


def test_a_client_with_a_read_deadline_gives_up_on_a_drip_and_others_are_served(
    kibana: Api, controls: Controls
) -> None:
    controls.fault("/api/status", "GET", body={"ok": 1}, drip=1.0)
    with pytest.raises(requests.ConnectionError):
        kibana("GET", "/api/status", timeout=(TIMEOUT, 0.3))
    assert kibana("GET", "/api/security/role/superuser").status_code == 200


def test_an_oversized_role_list_is_streamed(kibana: Api, controls: Controls) -> None:
    size = 300 * 1024 * 1024
    controls.fault(r"^/api/security/role$", "GET", oversize=size)
    with kibana("GET", "/api/security/role", stream=True) as response:
        assert response.headers["Content-Length"] == str(size)
        first = next(response.iter_content(chunk_size=65536))
    assert first.startswith(b'[{"name": "role-000000000", "description": ""')
    assert kibana("GET", "/api/status").status_code == 200


@pytest.mark.parametrize(("service", "size"), [("kibana", 100_000), ("cloud", 4_000)])
def test_an_oversized_answer_is_valid_json_of_exactly_that_size(
    sandbox: Sandbox, controls: Controls, service: str, size: int
) -> None:
    controls.fault(r"/members$|/api/security/role$", "GET", oversize=size)
    url = (
        f"{sandbox.kibana_url}/api/security/role"
        if service == "kibana"
        else f"{sandbox.cloud_url}/api/v1/organizations/{ORG}/members"
    )
    raw = requests.get(url, headers={"Authorization": "ApiKey sandbox"}, timeout=TIMEOUT).content
    assert len(raw) == size
    items = json.loads(raw) if service == "kibana" else json.loads(raw)["members"]
    assert len(items) > 10 and len({json.dumps(i) for i in items}) == len(items)


def test_wrong_shapes_replace_a_route_for_count_answers(
    kibana: Api, cloud: Api, controls: Controls
) -> None:
    controls.fault("^/api/status$", "GET", body={"version": {"number": "banana"}}, count=2)
    controls.fault("/api/security/privileges", "GET", body={"features": "all"})
    controls.fault("/members$", "GET", body={"members": [{"email": "no-id@example.com"}]})
    assert kibana("GET", "/api/status").json()["version"]["number"] == "banana"
    assert kibana("GET", "/api/status").json()["version"]["number"] == "banana"
    assert kibana("GET", "/api/status").json()["version"]["number"] == "9.1.0"
    assert kibana("GET", "/api/security/privileges").json() == {"features": "all"}
    members = cloud("GET", f"/organizations/{ORG}/members").json()["members"]
    assert members == [{"email": "no-id@example.com"}]


def test_pending_faults_can_be_cleared(kibana: Api, controls: Controls) -> None:
    controls.fault("/api/status", "GET", 503, count=10)
    controls.clear_faults()
    assert kibana("GET", "/api/status").status_code == 200
