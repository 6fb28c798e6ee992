"""State persistence, the command line, and the product's own clients against the sandbox."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from components.clients.cloud import CloudClient
from components.clients.connection import CloudConnection, KibanaConnection, RetryPolicy
from components.clients.errors import Conflict, UnauthorizedRoleAssignments
from components.clients.kibana import KibanaClient
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.sandbox.conftest import ORG, Api, cloud_api, kibana_api

ROOT = Path(__file__).resolve().parents[2]


def test_state_survives_restart(make_sandbox: Callable[..., Sandbox], tmp_path: Path) -> None:
    state = tmp_path / "world.json"
    first = make_sandbox(state_file=state)
    kibana_api(first)("PUT", "/api/security/role/kept", json={"kibana": [{"base": ["read"]}]})
    cloud_api(first)(
        "POST", f"/organizations/{ORG}/invitations", json={"emails": ["p@example.com"]}
    )
    Controls(first.kibana_url).seed_member("m@example.com", ["billing-admin"])
    first.stop()
    assert json.loads(state.read_text())["roles"]["kept"]
    assert not [p for p in tmp_path.iterdir() if p.name != "world.json"]  # no temp files left

    second = make_sandbox(state_file=state)
    assert kibana_api(second)("GET", "/api/security/role/kept").status_code == 200
    cloud = cloud_api(second)
    assert [
        i["email"] for i in cloud("GET", f"/organizations/{ORG}/invitations").json()["invitations"]
    ] == ["p@example.com"]
    emails = {m["email"] for m in cloud("GET", f"/organizations/{ORG}/members").json()["members"]}
    assert emails == {"owner@sandbox.example", "m@example.com"}


def test_failed_writes_do_not_create_state(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path
) -> None:
    state = tmp_path / "world.json"
    sandbox = make_sandbox(state_file=state)
    kibana_api(sandbox)("PUT", "/api/security/role/bad", json={"nope": 1})
    kibana_api(sandbox)("GET", "/api/security/role")
    assert not state.exists()


def _run_cli(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line


def test_cli_prints_one_line_and_stops_on_sigterm() -> None:
    process, line = _run_cli("--port", "0", "--cloud-port", "0", "--controls")
    try:
        match = re.fullmatch(
            r"sandbox: kibana (http://127\.0\.0\.1:(\d+)) cloud (http://127\.0\.0\.1:(\d+))\n", line
        )
        assert match, line
        kibana_url, cloud_url = match.group(1), match.group(3)
        assert int(match.group(2)) > 0 and int(match.group(4)) > 0
        client = KibanaClient(KibanaConnection(url=kibana_url, api_key="sandbox"))
        assert client.status().version == "9.1.0"
        Controls(cloud_url).reset()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)


def test_cli_cluster_uuid_is_answered_and_kept_in_the_state(tmp_path: Path) -> None:
    state = str(tmp_path / "world.json")
    uuid = "0a0a0a0a-1111-4222-8333-444444444444"
    for args in (("--cluster-uuid", uuid), ()):
        process, line = _run_cli("--port", "0", "--cloud-port", "0", "--state", state, *args)
        try:
            kibana_url = line.split()[2]
            api = Api(kibana_url, {"Authorization": "ApiKey sandbox"})
            stats = api("GET", "/api/stats?extended=true&exclude_usage=true").json()
            assert stats["cluster_uuid"] == uuid
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=5)


def test_cli_rejects_bad_profile() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "--port", "0", "--cloud-port", "0", "--profile", "nine"],
        cwd=ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2
    assert "nine" in result.stderr


def test_product_clients_against_sandbox(sandbox: Sandbox) -> None:
    retry = RetryPolicy(max_attempts=3, max_total_seconds=5)
    kibana = KibanaClient(KibanaConnection(url=sandbox.kibana_url, api_key="sandbox"), retry=retry)
    status = kibana.status()
    assert (status.version, status.flavor) == ("9.1.0", "stateful")
    body = {"kibana": [{"spaces": ["soc"], "feature": {"securitySolutionCasesV3": ["all"]}}]}
    kibana.put_role("soc", body, create_only=True)
    try:
        kibana.put_role("soc", body, create_only=True)
        raise AssertionError("expected Conflict")
    except Conflict:
        pass
    assert kibana.get_role("soc") is not None
    assert kibana.get_role("missing") is None
    assert "generalCasesV3" in kibana.privileges()["features"]
    assert kibana.features() and kibana.spaces()
    assert kibana.delete_role("soc") is True and kibana.delete_role("soc") is False

    Controls(sandbox.kibana_url).fault("/api/status", "GET", 503, count=1)
    basic = KibanaClient(
        KibanaConnection(url=sandbox.kibana_url, username="elastic", password="sandbox"),
        retry=retry,
    )
    assert basic.status().flavor == "stateful"  # retried past the 503

    cloud = CloudClient(CloudConnection(url=sandbox.cloud_url, api_key="sandbox"), retry=retry)
    assert cloud.organization(ORG)["id"] == ORG
    invited = cloud.create_invitation(
        ORG, emails=["q@example.com"], expires_in="7d", role_assignments={}
    )
    cloud.delete_invitations(ORG, [invited[0]["token"]])
    user = Controls(sandbox.cloud_url).seed_member("r@example.com", [])
    entry = {
        "role_id": "deployment-viewer",
        "organization_id": ORG,
        "all": False,
        "deployment_ids": ["d9"],
    }
    cloud.add_role_assignments(user, {"deployment": [entry]})
    Controls(sandbox.cloud_url).hide_ids(["d9"])
    try:
        cloud.remove_role_assignments(user, {"deployment": [entry]})
        raise AssertionError("expected UnauthorizedRoleAssignments")
    except UnauthorizedRoleAssignments:
        pass
    cloud.delete_members(ORG, [user])
    assert [m["email"] for m in cloud.list_members(ORG)] == ["owner@sandbox.example"]


def test_console_script_reaches_the_sandbox() -> None:
    from components.cli import main

    assert main(["sandbox", "--port", "0", "--cloud-port", "0", "--profile", "bogus"]) == 2
