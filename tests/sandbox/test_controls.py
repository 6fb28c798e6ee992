"""Faults, latency, the request log, counters, shuffle, and controls being opt-in."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests

from sandbox.controls import ControlError, Controls
from sandbox.server import Sandbox
from tests.sandbox.conftest import ORG, TIMEOUT, Api, cloud_api, kibana_api


def test_controls_are_off_by_default(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(controls=False)
    for url in (sandbox.kibana_url, sandbox.cloud_url):
        assert requests.post(f"{url}/_sandbox/reset", timeout=TIMEOUT).status_code == 404
    with pytest.raises(ControlError):
        Controls(sandbox.kibana_url).reset()


def test_controls_need_no_auth_and_work_on_both_servers(sandbox: Sandbox) -> None:
    Controls(sandbox.cloud_url).seed_role("seeded", {"kibana": [{"base": ["read"]}]})
    assert kibana_api(sandbox)("GET", "/api/security/role/seeded").status_code == 200


def test_status_fault_then_recovery(kibana: Api, controls: Controls) -> None:
    controls.fault(r"^/api/security/role/", "GET", 503, count=2)
    first = kibana("GET", "/api/security/role/superuser")
    assert first.status_code == 503
    assert first.json()["statusCode"] == 503
    assert kibana("GET", "/api/security/role/superuser").status_code == 503
    assert kibana("GET", "/api/security/role/superuser").status_code == 200
    assert kibana("GET", "/api/status").status_code == 200


def test_fault_matches_method(kibana: Api, controls: Controls) -> None:
    controls.fault("/api/security/role/r", "PUT", 500)
    assert kibana("GET", "/api/security/role/r").status_code == 404
    assert kibana("PUT", "/api/security/role/r", json={}).status_code == 500
    assert kibana("PUT", "/api/security/role/r", json={}).status_code == 204


def test_429_fault_has_retry_after(cloud: Api, controls: Controls) -> None:
    controls.fault("/members$", "GET", 429, retry_after=2)
    response = cloud("GET", f"/organizations/{ORG}/members")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response.json()["errors"][0]["code"]


def test_drop_closes_connection(kibana: Api, controls: Controls) -> None:
    controls.fault("/api/status", None, "drop")
    with pytest.raises(requests.ConnectionError):
        kibana("GET", "/api/status")
    assert kibana("GET", "/api/status").status_code == 200
    assert controls.requests()[0]["status"] is None


def test_fault_latency_and_global_latency(kibana: Api, controls: Controls) -> None:
    controls.fault("/api/status", "GET", latency=0.3)
    started = time.monotonic()
    assert kibana("GET", "/api/status").status_code == 200
    assert time.monotonic() - started >= 0.3
    controls.latency(0.2)
    started = time.monotonic()
    kibana("GET", "/api/status")
    assert time.monotonic() - started >= 0.2
    controls.latency(0)
    with pytest.raises(requests.Timeout):
        controls.fault("/api/status", "GET", latency=1.5)
        kibana("GET", "/api/status", timeout=0.5)


def test_request_log_and_counters_never_hold_credentials(
    sandbox: Sandbox, controls: Controls
) -> None:
    kibana = kibana_api(sandbox)
    cloud = cloud_api(sandbox)
    kibana("PUT", "/api/security/role/a", json={"metadata": {"k": "v"}})
    kibana("PUT", "/api/security/role/b?createOnly=true", json={})
    kibana("GET", "/api/security/role/a")
    cloud("GET", f"/organizations/{ORG}/members")
    log = controls.requests()
    assert [(r["service"], r["method"], r["path"], r["status"]) for r in log] == [
        ("kibana", "PUT", "/api/security/role/a", 204),
        ("kibana", "PUT", "/api/security/role/b", 204),
        ("kibana", "GET", "/api/security/role/a", 200),
        ("cloud", "GET", f"/api/v1/organizations/{ORG}/members", 200),
    ]
    assert log[1]["query"] == {"createOnly": "true"}
    text = str(log)
    assert (
        "sandbox" not in text.replace("/_sandbox", "")
        and "ApiKey" not in text
        and "metadata" not in text
    )
    assert controls.counters() == {
        "PUT /api/security/role/{name}": 2,
        "GET /api/security/role/{name}": 1,
        "GET /api/v1/organizations/{organization_id}/members": 1,
    }
    controls.clear_requests()
    assert controls.requests() == [] and controls.counters() == {}


def test_reset(kibana: Api, controls: Controls) -> None:
    kibana("PUT", "/api/security/role/a", json={})
    controls.seed_member("z@example.com", ["billing-admin"])
    controls.fault("/api/status", None, 500, count=5)
    controls.reset()
    assert kibana("GET", "/api/security/role/a").status_code == 404
    assert kibana("GET", "/api/status").status_code == 200
    assert controls.requests()[-1]["path"] == "/api/status"


def test_shuffle(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(shuffle=True)
    controls = Controls(sandbox.kibana_url)
    names = [f"n{i}" for i in range(12)]
    controls.seed_role("big", {"elasticsearch": {"cluster": names}})
    for i in range(8):
        controls.seed_member(
            f"m{i}@example.com",
            {
                "deployment": [
                    {
                        "role_id": "deployment-viewer",
                        "organization_id": ORG,
                        "deployment_ids": names,
                    }
                ]
            },
        )
    kibana = kibana_api(sandbox)
    cloud = cloud_api(sandbox)
    clusters = {
        tuple(kibana("GET", "/api/security/role/big").json()["elasticsearch"]["cluster"])
        for _ in range(6)
    }
    assert len(clusters) > 1 and all(sorted(c) == sorted(names) for c in clusters)
    members = {
        tuple(m["email"] for m in cloud("GET", f"/organizations/{ORG}/members").json()["members"])
        for _ in range(6)
    }
    assert len(members) > 1
    ids = {
        tuple(
            cloud("GET", f"/organizations/{ORG}/members")
            .json()["members"][0]["role_assignments"]
            .get("deployment", [{}])[0]
            .get("deployment_ids", [])
        )
        for _ in range(10)
    }
    assert len(ids) > 1
    controls.shuffle(False)
    assert {
        tuple(kibana("GET", "/api/security/role/big").json()["elasticsearch"]["cluster"])
        for _ in range(3)
    } == {tuple(names)}


def test_an_applied_fault_needs_an_answer_and_an_organization_must_exist(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    controls = Controls(make_sandbox().cloud_url)
    with pytest.raises(ControlError, match="applied needs a status"):
        controls.fault("/x", applied=True)
    with pytest.raises(ControlError, match="no organization '42'"):
        controls.seed_member("a@example.com", [], organization="42")
