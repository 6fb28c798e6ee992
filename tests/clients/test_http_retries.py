"""Which failures are retried, how long the client waits, and when it gives up."""

from __future__ import annotations

import email.utils
import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses

from components.clients import (
    CloudClient,
    ConnectionFailed,
    KibanaClient,
    KibanaConnection,
    RateLimited,
    RetryPolicy,
    ServerError,
)
from tests.clients.client_fakes import (
    API,
    KIBANA,
    FakeTime,
    boom,
    cloud_error,
    connection_dropped,
    connection_refused,
)

ROLES = f"{KIBANA}/api/security/role"
INVITATIONS = f"{API}/organizations/42/invitations"
ASSIGNMENTS = f"{API}/users/u1/role_assignments"


def invite(cloud: CloudClient) -> list[dict[str, object]]:
    return cloud.create_invitation(
        "42", emails=["a@example.com"], expires_in="7d", role_assignments={}
    )


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_call_is_retried_on_retryable_status(
    status: int,
    kibana: KibanaClient,
    mock: responses.RequestsMock,
    fake_time: FakeTime,
) -> None:
    mock.get(ROLES, status=status, json=boom(status, "busy"))
    mock.get(ROLES, json=[{"name": "a"}])

    assert kibana.list_roles() == [{"name": "a"}]
    assert len(mock.calls) == 2
    assert fake_time.sleeps == [0.5]


@pytest.mark.parametrize(
    "error",
    [
        connection_refused(),
        connection_dropped(),
        requests.ConnectTimeout("connect timed out"),
        requests.ReadTimeout("read timed out"),
        requests.exceptions.ChunkedEncodingError("connection broken mid-body"),
    ],
    ids=["refused", "dropped", "connect-timeout", "read-timeout", "broken-body"],
)
def test_idempotent_call_is_retried_on_connection_errors(
    error: Exception, kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.put(f"{ROLES}/r", body=error)
    mock.put(f"{ROLES}/r", status=204)

    kibana.put_role("r", {}, create_only=False)

    assert len(mock.calls) == 2


def test_backoff_doubles_per_retry_up_to_max_delay(
    mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    policy = RetryPolicy(
        max_attempts=7,
        max_total_seconds=1000,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        jitter=lambda: 1.0,
    )
    client = KibanaClient(KibanaConnection(KIBANA), retry=policy)
    mock.get(ROLES, status=503)

    with pytest.raises(ServerError):
        client.list_roles()

    assert fake_time.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_backoff_is_full_jitter_below_the_exponential_ceiling(
    mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    draws = iter([0.0, 0.5, 0.25])
    policy = RetryPolicy(
        max_attempts=4, sleep=fake_time.sleep, clock=fake_time.clock, jitter=lambda: next(draws)
    )
    client = KibanaClient(KibanaConnection(KIBANA), retry=policy)
    mock.get(ROLES, status=502)

    with pytest.raises(ServerError):
        client.list_roles()

    assert fake_time.sleeps == [0.0, 0.5, 0.5]  # 0 x 0.5, 0.5 x 1, 0.25 x 2


def test_retry_after_seconds_replaces_backoff(
    kibana: KibanaClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.get(ROLES, status=429, headers={"Retry-After": "7"})
    mock.get(ROLES, json=[])

    kibana.list_roles()

    assert fake_time.sleeps == [7.0]


def test_retry_after_http_date_is_honoured(
    kibana: KibanaClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=10)
    mock.get(ROLES, status=503, headers={"Retry-After": email.utils.format_datetime(when, True)})
    mock.get(ROLES, json=[])

    kibana.list_roles()

    [slept] = fake_time.sleeps
    assert 8.0 < slept <= 10.0


def test_retry_after_is_capped_by_the_policy(
    kibana: KibanaClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.get(ROLES, status=429, headers={"Retry-After": "3600"})
    mock.get(ROLES, json=[])

    kibana.list_roles()

    assert fake_time.sleeps == [30.0]


def test_rate_limited_error_carries_retry_after(
    mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    policy = RetryPolicy(max_attempts=1, sleep=fake_time.sleep, clock=fake_time.clock)
    client = KibanaClient(KibanaConnection(KIBANA), retry=policy)
    mock.get(ROLES, status=429, headers={"Retry-After": "12"}, json=boom(429, "slow down"))

    with pytest.raises(RateLimited) as caught:
        client.list_roles()

    assert caught.value.retry_after == 12.0
    assert "slow down" in str(caught.value)


def test_gives_up_after_max_attempts_and_says_so(
    kibana: KibanaClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.get(ROLES, status=503, json=boom(503, "Kibana server is not ready yet"))

    with pytest.raises(ServerError) as caught:
        kibana.list_roles()

    error = caught.value
    assert len(mock.calls) == 5
    assert (error.attempts, error.gave_up, error.status) == (5, True, 503)
    assert error.elapsed == pytest.approx(7.5)  # 0.5 + 1 + 2 + 4
    assert "Gave up after 5 attempts in 7.5 s" in str(error)
    assert "Kibana server is not ready yet" in str(error)


def test_gives_up_when_the_next_wait_would_pass_max_total_seconds(
    kibana: KibanaClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.get(ROLES, status=429, headers={"Retry-After": "25"})

    with pytest.raises(RateLimited) as caught:
        kibana.list_roles()

    assert fake_time.sleeps == [25.0, 25.0]  # a third wait would end at 75 s > 60 s
    assert len(mock.calls) == 3
    assert "Gave up after 3 attempts in 50.0 s" in str(caught.value)


def test_connection_errors_give_up_with_host_and_what_to_check(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(ROLES, body=connection_refused())

    with pytest.raises(ConnectionFailed) as caught:
        kibana.list_roles()

    message = str(caught.value)
    assert caught.value.host == "kibana.test:9243"
    assert caught.value.status is None
    assert "could not reach kibana.test:9243" in message
    assert (
        "could not reach kibana.test:9243 (connection refused: nothing listens on that port)"
        in (message)
    )
    assert "Gave up after 5 attempts" in message
    assert "Check the url" in message
    assert "object at 0x" not in message


def test_tls_failure_is_not_retried_and_points_at_ca_cert(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(ROLES, body=requests.exceptions.SSLError("certificate verify failed"))

    with pytest.raises(ConnectionFailed) as caught:
        kibana.list_roles()

    assert len(mock.calls) == 1
    assert "caCert" in str(caught.value)
    assert "certificate verify failed" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 500, 501])
def test_other_statuses_are_not_retried(
    status: int, kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.put(f"{ROLES}/r", status=status, json=boom(status, "no"))

    with pytest.raises(Exception):  # noqa: B017 - the class is tested in test_http_errors
        kibana.put_role("r", {}, create_only=True)

    assert len(mock.calls) == 1


def test_non_idempotent_post_is_not_retried_on_503(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.post(INVITATIONS, status=503, json=cloud_error("root.unavailable", "down"))

    with pytest.raises(ServerError) as caught:
        invite(cloud)

    assert len(mock.calls) == 1
    assert not caught.value.gave_up


def test_non_idempotent_post_is_retried_on_429(
    cloud: CloudClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.post(
        INVITATIONS,
        status=429,
        headers={"Retry-After": "2"},
        json=cloud_error("organization.invitations_rate_limit_exceeded", "too many"),
    )
    created = [{"token": "t", "email": "a@example.com"}]
    mock.post(INVITATIONS, status=201, json={"invitations": created})

    assert invite(cloud) == created
    assert fake_time.sleeps == [2.0]


@pytest.mark.parametrize(
    "error", [connection_refused(), requests.ConnectTimeout("connect timed out")]
)
def test_non_idempotent_post_is_retried_when_it_was_never_sent(
    error: Exception, cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.post(INVITATIONS, body=error)
    mock.post(INVITATIONS, status=201, json={"invitations": []})

    assert invite(cloud) == []
    assert len(mock.calls) == 2


@pytest.mark.parametrize(
    "error", [connection_dropped(), requests.ReadTimeout("read timed out")], ids=["drop", "read"]
)
def test_non_idempotent_post_is_not_repeated_once_it_may_have_arrived(
    error: Exception, cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.post(INVITATIONS, body=error)

    with pytest.raises(ConnectionFailed) as caught:
        invite(cloud)

    assert len(mock.calls) == 1
    assert "may have been applied" in str(caught.value)
    assert "pulumi refresh" in str(caught.value)


def test_post_marked_idempotent_is_retried_on_503(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.post(ASSIGNMENTS, status=503)
    mock.post(ASSIGNMENTS, json={})

    cloud.add_role_assignments("u1", {"organization": []})

    assert len(mock.calls) == 2


def test_delete_with_body_is_retried_on_dropped_connection(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.delete(ASSIGNMENTS, body=connection_dropped())
    mock.delete(ASSIGNMENTS, json={})

    cloud.remove_role_assignments("u1", {"organization": []})

    assert len(mock.calls) == 2


@pytest.mark.parametrize(
    ("interval", "wait"), [("2s", 2.0), ("1m0s", 30.0), ("10", 10.0), ("1500ms", 1.5)]
)
def test_exhausted_rate_limit_quota_pauses_the_next_request(
    interval: str,
    wait: float,
    cloud: CloudClient,
    mock: responses.RequestsMock,
    fake_time: FakeTime,
) -> None:
    quota = {"x-ratelimit-remaining": "0", "x-ratelimit-interval": interval}
    mock.get(f"{API}/organizations/42/members", json={"members": []}, headers=quota)
    mock.get(f"{API}/organizations/42/invitations", json={"invitations": []})

    cloud.list_members("42")
    assert fake_time.sleeps == []
    cloud.list_invitations("42")

    assert fake_time.sleeps == [wait]  # the interval, capped at max_retry_after (30 s)


def test_remaining_quota_does_not_pause(
    cloud: CloudClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    quota = {"x-ratelimit-remaining": "3", "x-ratelimit-interval": "1m"}
    mock.get(f"{API}/organizations/42/members", json={"members": []}, headers=quota)

    cloud.list_members("42")
    cloud.list_members("42")

    assert fake_time.sleeps == []


def test_each_attempt_and_wait_is_logged_at_debug(
    kibana: KibanaClient,
    mock: responses.RequestsMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mock.get(f"{ROLES}/r", status=503)
    mock.get(f"{ROLES}/r", json={"name": "r"})

    with caplog.at_level(logging.DEBUG, logger="elastic_access.http"):
        kibana.get_role("r")

    lines = [r.getMessage() for r in caplog.records if r.name == "elastic_access.http"]
    assert lines == [
        "GET /api/security/role/r -> 503 (attempt 1, 0.000 s)",
        "GET /api/security/role/r: retrying in 0.50 s",
        "GET /api/security/role/r -> 200 (attempt 2, 0.500 s)",
    ]


def test_nothing_listening_is_named_in_words_without_library_names() -> None:
    """A closed port on 127.0.0.1: the cause in words, never urllib3's connection repr
    (``_WatchedHTTPConnection(host=...)``)."""

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = KibanaClient(
        KibanaConnection(url=f"http://127.0.0.1:{port}", api_key="sandbox"),
        retry=RetryPolicy(max_attempts=1, max_total_seconds=5),
    )
    with client, pytest.raises(ConnectionFailed) as caught:
        client.status()

    assert str(caught.value).startswith(
        f"Kibana GET /api/status failed: could not reach 127.0.0.1:{port} (connection refused: "
        "nothing listens on that port). Gave up after 1 attempt in "
    )
    assert "Connection(" not in str(caught.value)


def test_https_to_a_plain_http_port_says_so_in_words() -> None:
    """Found by a new user: ``https://`` to the sandbox's http port printed OpenSSL's
    ``[SSL: WRONG_VERSION_NUMBER]`` and the advice to start a server that was running."""
    from sandbox.server import Sandbox

    with Sandbox() as sandbox:
        url = sandbox.kibana_url.replace("http://", "https://")
        client = KibanaClient(
            KibanaConnection(url=url, api_key="sandbox"),
            retry=RetryPolicy(max_attempts=1, max_total_seconds=5),
        )
        with client, pytest.raises(ConnectionFailed) as caught:
            client.status()
    assert "(the server does not speak TLS (https) on that port: is the URL http://?)" in str(
        caught.value
    )
    assert "SSL" not in str(caught.value)


def test_a_dropped_connection_is_named_in_words(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(ROLES, body=connection_dropped())

    with pytest.raises(ConnectionFailed) as caught:
        kibana.list_roles()

    assert "(the server closed the connection without an answer)" in str(caught.value)
