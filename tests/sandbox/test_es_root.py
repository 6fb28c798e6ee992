"""The Elasticsearch root stand-in (``es_port`` / ``--es-port``) and the invitation rate limit
option (``--invite-rate-limit``): what the Terraform peers asked of the sandbox (issue 14)."""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.sandbox.conftest import ORG, Api, cloud_api

ROOT = Path(__file__).resolve().parents[2]
KEY = {"Authorization": "ApiKey sandbox"}


def es(sandbox: Sandbox, headers: dict[str, str] | None = None) -> Api:
    return Api(sandbox.es_url, KEY if headers is None else headers)


def test_root_answers_as_elasticsearch_with_the_product_header(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = make_sandbox(es_port=0, profile="8.17.0", cluster_uuid="c1uSt3rUuId0000000000A")
    response = es(sandbox)("GET", "/")
    assert response.status_code == 200
    assert response.headers["X-Elastic-Product"] == "Elasticsearch"
    body = response.json()
    assert set(body) == {"name", "cluster_name", "cluster_uuid", "version", "tagline"}
    assert body["cluster_uuid"] == "c1uSt3rUuId0000000000A"
    assert body["tagline"] == "You Know, for Search"
    version = body["version"]
    assert version["number"] == "8.17.0"
    assert version["build_flavor"] == "default"
    assert version["minimum_wire_compatibility_version"] == "7.17.0"
    assert {"build_type", "build_hash", "build_date", "build_snapshot", "lucene_version"} <= set(
        version
    )


def test_root_is_the_cluster_behind_kibana(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(es_port=0)
    kibana = Api(sandbox.kibana_url, KEY)
    stats = kibana("GET", "/api/stats?extended=true&exclude_usage=true").json()
    assert es(sandbox)("GET", "/").json()["cluster_uuid"] == stats["cluster_uuid"]
    Controls(sandbox.kibana_url).set_cluster_uuid("aNoThErClUsTeR00000000")
    assert es(sandbox)("GET", "/").json()["cluster_uuid"] == "aNoThErClUsTeR00000000"


def test_serverless_root_says_serverless(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(es_port=0, profile="serverless-security")
    version = es(sandbox)("GET", "/").json()["version"]
    status = Api(sandbox.kibana_url, KEY)("GET", "/api/status").json()["version"]
    assert version["build_flavor"] == "serverless"
    assert version["number"] == status["number"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "ApiKey wrong"}, {"Authorization": "Bearer sandbox"}],
    ids=["none", "wrong-key", "other-scheme"],
)
def test_root_needs_the_sandbox_credentials(
    make_sandbox: Callable[..., Sandbox], headers: dict[str, str]
) -> None:
    sandbox = make_sandbox(es_port=0)
    response = es(sandbox, headers)("GET", "/")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "security_exception"
    assert response.json()["status"] == 401
    assert "ApiKey" in response.headers["WWW-Authenticate"]


def test_root_accepts_basic_elastic_and_the_key(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(es_port=0)
    basic = base64.b64encode(b"elastic:sandbox").decode()
    assert es(sandbox, {"Authorization": f"Basic {basic}"})("GET", "/").status_code == 200
    assert es(sandbox, {"Authorization": "APIKey sandbox"})("GET", "/").status_code == 200


def test_everything_else_has_no_handler(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(es_port=0)
    for method, path in (("GET", "/_security/role/x"), ("PUT", "/logs"), ("GET", "/api/status")):
        response = es(sandbox)(method, path)
        assert response.status_code == 400, path
        assert response.json() == {
            "error": f"no handler found for uri [{path}] and method [{method}]"
        }
        assert response.headers["X-Elastic-Product"] == "Elasticsearch"


def test_root_is_logged_slowed_and_faulted_like_the_rest(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = make_sandbox(es_port=0)
    controls = Controls(sandbox.es_url)  # the controls answer on this port too
    controls.fault("^/$", "GET", 503)
    faulted = es(sandbox)("GET", "/")
    assert faulted.status_code == 503
    assert faulted.headers["X-Elastic-Product"] == "Elasticsearch"
    assert es(sandbox)("GET", "/").status_code == 200
    assert [(r["service"], r["method"], r["path"], r["status"]) for r in controls.requests()] == [
        ("elasticsearch", "GET", "/", 503),
        ("elasticsearch", "GET", "/", 200),
    ]


def test_no_stand_in_unless_asked(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox()
    assert not sandbox.has_es
    with pytest.raises(RuntimeError, match="es_port"):
        sandbox.es_url  # noqa: B018
    assert Api(sandbox.kibana_url, KEY)("GET", "/").status_code == 404  # Kibana has no root API


def test_invite_rate_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Sandbox(invite_rate_limit=0)


def _start_of_a_minute(controls: Controls) -> None:
    """The sandbox clock at the start of a clock-minute: the invitation window is that minute."""
    controls.advance_clock(60 - (time.time() % 60) + 1)


def _run_cli(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", "--cloud-port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    return process, process.stdout.readline()


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_cli_es_port_adds_the_stand_in_to_the_line() -> None:
    process, line = _run_cli("--es-port", "0")
    try:
        match = re.fullmatch(
            r"sandbox: kibana http://127\.0\.0\.1:\d+ cloud http://127\.0\.0\.1:\d+ "
            r"elasticsearch (http://127\.0\.0\.1:\d+)\n",
            line,
        )
        assert match, line
        response = Api(match.group(1), KEY)("GET", "/")
        assert response.headers["X-Elastic-Product"] == "Elasticsearch"
    finally:
        _stop(process)


def test_cli_invite_rate_limit() -> None:
    process, line = _run_cli("--invite-rate-limit", "2", "--controls")
    try:
        cloud_url = line.split()[4]
        cloud = Api(cloud_url + "/api/v1", KEY)
        _start_of_a_minute(Controls(cloud_url))
        statuses = [
            cloud(
                "POST", f"/organizations/{ORG}/invitations", json={"emails": [f"u{i}@example.com"]}
            ).status_code
            for i in range(3)
        ]
        assert statuses == [201, 201, 429]
    finally:
        _stop(process)


def test_cli_invite_rate_limit_default_is_ten(make_sandbox: Callable[..., Sandbox]) -> None:
    from sandbox.cli import build_parser

    assert build_parser().parse_args([]).invite_rate_limit == 10
    sandbox = make_sandbox()
    cloud = cloud_api(sandbox)
    _start_of_a_minute(Controls(sandbox.cloud_url))
    statuses = [
        cloud(
            "POST", f"/organizations/{ORG}/invitations", json={"emails": [f"v{i}@example.com"]}
        ).status_code
        for i in range(11)
    ]
    assert statuses == [201] * 10 + [429]


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_cli_refuses_a_bad_invite_rate_limit(value: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "--port", "0", "--invite-rate-limit", value],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--invite-rate-limit" in result.stderr
