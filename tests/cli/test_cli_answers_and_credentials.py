"""The command line against wrong answers and unusable or echoed credentials: one message, exit
2, never a traceback or a credential (issue 10 sections 4 and 5)."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.cli import common, main
from components.clients import RetryPolicy
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.clients.test_answer_shapes import JSON, mutated

KEY = "cl1-s3cret-k3y-0123456789"
ORG = "1000000001"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIBANA_ENDPOINT", "KIBANA_USERNAME", "KIBANA_PASSWORD", "EC_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ELASTIC_ACCESS_LOG", raising=False)
    monkeypatch.setenv("KIBANA_API_KEY", KEY)
    monkeypatch.setenv("EC_API_KEY", KEY)
    monkeypatch.setattr(common, "RETRY", RetryPolicy(max_attempts=1, max_total_seconds=10))


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(controls=True, api_key=KEY) as running:
        yield running


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def live_import(sandbox: Sandbox) -> list[str]:
    cloud = ["--cloud-url", sandbox.cloud_url, "--cloud-org", ORG]
    return ["import", "--kibana-url", sandbox.kibana_url, *cloud]


def test_a_key_with_a_trailing_newline_is_refused_naming_the_variable(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIBANA_API_KEY", "secret\n")

    code, out, err = run("import", "--kibana-url", sandbox.kibana_url)

    assert (code, out) == (2, "")
    assert err == (
        "elastic-access: KIBANA_API_KEY: the Kibana API key ends with whitespace (a newline or a "
        "space left from copying it?); set it again exactly as issued\n"
    )
    assert Controls(sandbox.kibana_url).requests() == []


def test_a_cloud_error_code_echoing_the_key_is_not_printed(sandbox: Sandbox) -> None:
    echo = {"errors": [{"code": f"ApiKey {KEY}", "message": f"key {KEY} refused"}]}
    Controls(sandbox.cloud_url).fault("/members$", "GET", status=403, body=echo)

    code, out, err = run(*live_import(sandbox))

    assert (code, out) == (2, "")
    assert err.startswith(
        f"elastic-access: Elastic Cloud GET /api/v1/organizations/{ORG}/members returned 403 "
        "Forbidden [[REDACTED]]: key [REDACTED] refused. "
    )
    assert KEY not in err


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        ({"elasticsearch": {"cluster": "all"}}, 'roles[0] (soc).elasticsearch.cluster: should be '
                                                'a list, got "all"'),
        ({"kibana": [{"spaces": "default", "base": ["read"], "feature": {}}]},
         'roles[0] (soc).kibana[0].spaces: should be a list, got "default"'),
    ],
)  # fmt: skip
def test_import_refuses_roles_whose_fields_have_the_wrong_type(
    sandbox: Sandbox, edit: dict[str, Any], field: str
) -> None:
    role = {"name": "soc", "elasticsearch": {"cluster": [], "indices": []}, "kibana": [], **edit}
    Controls(sandbox.kibana_url).fault("^/api/security/role$", "GET", body=[role])

    code, out, err = run("import", "--kibana-url", sandbox.kibana_url)

    assert (code, out) == (2, "")
    assert err.startswith(
        "elastic-access: Kibana GET /api/security/role returned 200 OK: unexpected answer: "
        f"{field}. Nothing was taken from this answer."
    )


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restored_logging")
def test_debug_logs_show_each_request_without_the_key(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELASTIC_ACCESS_LOG", "debug")

    code, _, err = run(*live_import(sandbox))

    assert code == 0
    assert "DEBUG elastic_access.http: GET /api/security/role -> 200 (attempt 1" in err
    assert "DEBUG urllib3.connectionpool:" in err
    assert KEY not in err


def test_an_unknown_log_level_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELASTIC_ACCESS_LOG", "loud")

    assert run("render", "--stack", "local") == (
        2,
        "",
        "elastic-access: ELASTIC_ACCESS_LOG must be one of debug, info, warning, not 'loud'\n",
    )


# ---------------------------------------------------------------- no answer makes a traceback

KIBANA = "http://kibana.test:5601"
CLOUD = "http://cloud.test"
ROLE = {
    "name": "soc",
    "metadata": {"team": "soc"},
    "elasticsearch": {"cluster": ["monitor"], "indices": [], "run_as": []},
    "kibana": [{"base": [], "feature": {"securitySolutionCasesV3": ["all"]}, "spaces": ["soc"]}],
}
ANSWERS: dict[str, Any] = {
    f"{KIBANA}/api/status": {"version": {"number": "9.1.0", "build_flavor": "traditional"}},
    f"{KIBANA}/api/security/role": [ROLE],
    f"{CLOUD}/api/v1/organizations/{ORG}/members": {
        "members": [{"user_id": "u1", "email": "a@x.io", "role_assignments": {
            "organization": [{"role_id": "billing-admin", "organization_id": ORG}],
            "project": {"security": [{"role_id": "security-viewer", "organization_id": ORG,
                                      "all": True}]}}}]
    },
    f"{CLOUD}/api/v1/organizations/{ORG}/invitations": {"invitations": []},
}  # fmt: skip


@st.composite
def answers(draw: st.DrawFn) -> tuple[str, int, Any]:
    url = draw(st.sampled_from(sorted(ANSWERS)))
    status = draw(st.sampled_from([200, 200, 200, 302, 400, 401, 404, 500]))
    body = draw(mutated(ANSWERS[url]) | JSON)
    return url, status, body


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers())
def test_import_exits_0_or_2_on_any_answer_and_never_raises(case: tuple[str, int, Any]) -> None:
    url, status, body = case
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for each, valid in ANSWERS.items():
            answer = (status, body) if each == url else (200, copy.deepcopy(valid))
            rsps.get(each, status=answer[0], body=json.dumps(answer[1]))
        code, _, err = run("import", "--kibana-url", KIBANA, "--cloud-url", CLOUD,
                           "--cloud-org", ORG)  # fmt: skip
    assert code in (0, 2)
    assert "Traceback" not in err and KEY not in err
