"""Each call has a deadline (``RetryPolicy.max_total_seconds``, retries included) that a
trickling answer cannot stretch, and each answer a size limit (issue 10 section 5)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
import responses

from components.clients import (
    MAX_ANSWER_BYTES,
    AnswerTooLarge,
    CloudClient,
    CloudConnection,
    DeadlineExceeded,
    InvalidRequest,
    JsonHttpClient,
    KibanaClient,
    KibanaConnection,
    RetryPolicy,
)
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.clients.client_fakes import KIBANA

STATUS = {"version": {"number": "9.1.0", "build_flavor": "traditional"}}
STALLED = (
    "The server is stalled or far too slow (or a proxy in between is): retry later, and check "
    "its health; a write cut off this way may have been applied, so run `pulumi refresh` before "
    "trying again."
)
TOO_LARGE = (
    "elastic-access reads at most this much from one answer, far more than any role or member "
    "list it expects: check that the url points at the right service."
)


def kibana_client(sandbox: Sandbox, seconds: float = 2.0) -> KibanaClient:
    connection = KibanaConnection(sandbox.kibana_url, api_key="sandbox")
    return KibanaClient(connection, retry=RetryPolicy(max_total_seconds=seconds, base_delay=0.1))


def test_an_answer_sent_a_byte_a_second_is_cut_at_the_deadline(
    sandbox: Sandbox, controls: Controls
) -> None:
    controls.fault("^/api/status$", "GET", body=STATUS, drip=1.0)  # about 60 s to send whole
    host = sandbox.kibana_url.removeprefix("http://")

    with kibana_client(sandbox) as kibana, pytest.raises(DeadlineExceeded) as caught:
        kibana.status()

    assert str(caught.value) == (
        f"Kibana GET /api/status failed: no complete answer from {host} within 2 s (the deadline "
        f"of one call, retries included). {STALLED}"
    )


def test_the_deadline_counts_the_retries_before_it(sandbox: Sandbox, controls: Controls) -> None:
    controls.fault("^/api/security/role$", "GET", status=503, count=2)
    controls.fault("^/api/security/role$", "GET", body=[], drip=1.0)

    with kibana_client(sandbox) as kibana, pytest.raises(DeadlineExceeded) as caught:
        kibana.list_roles()

    assert caught.value.attempts == 3
    assert [r["status"] for r in controls.requests() if r["path"] == "/api/security/role"] == [
        503,
        503,
        200,
    ]


def test_a_client_cut_off_once_answers_the_next_call(sandbox: Sandbox, controls: Controls) -> None:
    controls.fault("^/api/security/privileges$", "GET", body={}, drip=1.0)
    with kibana_client(sandbox, seconds=1.0) as kibana:
        with pytest.raises(DeadlineExceeded):
            kibana.privileges()
        assert kibana.status().version == "9.1.0"


def test_a_write_cut_off_says_it_may_have_been_applied(
    sandbox: Sandbox, controls: Controls
) -> None:
    controls.fault("/invitations$", "POST", status=201, body={"invitations": []}, drip=1.0)
    connection = CloudConnection(sandbox.cloud_url, api_key="sandbox")
    retry = RetryPolicy(max_total_seconds=1.0)
    with CloudClient(connection, retry=retry) as cloud, pytest.raises(DeadlineExceeded) as caught:
        cloud.create_invitation(
            "1000000001", emails=["a@x.io"], expires_in="7d", role_assignments={}
        )

    assert "may have been applied" in str(caught.value)
    assert caught.value.attempts == 1


def test_a_300_mb_role_list_is_refused_from_its_length_before_it_is_read(
    sandbox: Sandbox, controls: Controls
) -> None:
    controls.fault("^/api/security/role$", "GET", oversize=300 * 2**20)

    with kibana_client(sandbox, seconds=10) as kibana, pytest.raises(AnswerTooLarge) as caught:
        kibana.list_roles()

    assert str(caught.value) == (
        "Kibana GET /api/security/role returned 200 OK: the answer is larger than 64 MiB, the "
        f"limit of one answer; reading stopped there. {TOO_LARGE}"
    )
    assert MAX_ANSWER_BYTES == 64 * 2**20


def test_an_oversized_member_list_is_refused_too(sandbox: Sandbox, controls: Controls) -> None:
    controls.fault("/members$", "GET", oversize=65 * 2**20)
    connection = CloudConnection(sandbox.cloud_url, api_key="sandbox")

    with CloudClient(connection) as cloud, pytest.raises(AnswerTooLarge):
        cloud.list_members("1000000001")


def test_an_answer_without_a_length_stops_being_read_at_the_limit() -> None:
    client = JsonHttpClient(
        KibanaConnection(KIBANA), service="Kibana", retry=RetryPolicy(max_attempts=1),
        max_answer_bytes=1000,
    )  # fmt: skip
    with responses.RequestsMock() as rsps:
        rsps.get(f"{KIBANA}/api/security/role", body=b"[" + b" " * 5000 + b"]")
        with pytest.raises(AnswerTooLarge, match="larger than 1000 bytes"):
            client.call("GET", "/api/security/role")
        assert "Content-Length" not in rsps.calls[0].response.headers


def test_a_long_error_answer_is_cut_short_in_the_message() -> None:
    client = JsonHttpClient(KibanaConnection(KIBANA), service="Kibana",
                            retry=RetryPolicy(max_attempts=1))  # fmt: skip
    with responses.RequestsMock() as rsps:
        rsps.get(f"{KIBANA}/api/x", status=400, body=b"too bad " + b"x" * 2**20)
        with pytest.raises(InvalidRequest) as caught:
            client.call("GET", "/api/x")
    assert len(caught.value.detail) == 1000
    assert caught.value.detail.startswith("too bad xxx")


@pytest.fixture
def trickling_headers() -> Iterator[str]:
    """A server on 127.0.0.1 whose status line and headers come one byte every 0.2 s (about
    20 s in all); it stops when the client goes away, or after one answer."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(10)
        with contextlib.suppress(OSError), listener.accept()[0] as connection:
            connection.recv(65536)
            for i in range(len(answer)):
                if stop.wait(0.2):
                    return
                connection.sendall(answer[i : i + 1])

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    server.join(timeout=10)
    listener.close()


def test_headers_sent_a_byte_at_a_time_are_cut_at_the_deadline_too(trickling_headers: str) -> None:
    connection = KibanaConnection(trickling_headers, api_key="k")
    retry = RetryPolicy(max_total_seconds=1.0)
    with (
        KibanaClient(connection, retry=retry) as kibana,
        pytest.raises(DeadlineExceeded, match=r"no complete answer from 127\.0\.0\.1:\d+ "),
    ):
        kibana.status()
