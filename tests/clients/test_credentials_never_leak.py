"""No credential reaches a message, a repr or a log record, even when the server echoes it."""

from __future__ import annotations

import logging

import pytest
import requests
import responses

from components.clients import (
    ApiError,
    CloudClient,
    CloudConnection,
    ConnectionFailed,
    KibanaClient,
    KibanaConnection,
)
from tests.clients.client_fakes import (
    API,
    API_KEY,
    API_KEY_SECRET,
    BASIC_TOKEN,
    CLOUD_KEY,
    KIBANA,
    PASSWORD,
    cloud_error,
)

SECRETS = [API_KEY, API_KEY_SECRET, PASSWORD, BASIC_TOKEN, CLOUD_KEY]
ROLE = f"{KIBANA}/api/security/role/r"


def assert_clean(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


ECHOES = {
    "kibana": (
        f"bad header Authorization: ApiKey {API_KEY}; "
        f"decoded key VuaCfGcBCdbkQm-e5aOx:{API_KEY_SECRET}; secret {API_KEY_SECRET}"
    ),
    "kibana_basic": f"bad header Authorization: Basic {BASIC_TOKEN}; password {PASSWORD}",
}


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 503])
@pytest.mark.parametrize("client_fixture", ["kibana", "kibana_basic"])
def test_kibana_echoed_credentials_are_scrubbed(
    status: int,
    client_fixture: str,
    mock: responses.RequestsMock,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client: KibanaClient = request.getfixturevalue(client_fixture)
    body = {"statusCode": status, "error": "Error", "message": ECHOES[client_fixture]}
    mock.put(ROLE, status=status, json=body)

    with caplog.at_level(logging.DEBUG), pytest.raises(ApiError) as caught:
        client.put_role("r", {"description": "x"}, create_only=True)

    error = caught.value
    assert "[REDACTED]" in error.detail
    assert_clean(str(error), repr(error), error.detail, caplog.text)
    assert_clean(*(str(arg) for record in caplog.records for arg in record.args or ()))


def test_cloud_echoed_key_is_scrubbed(
    cloud: CloudClient, mock: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(
        f"{API}/organizations/42/members",
        status=401,
        json=cloud_error("root.unauthorized", f"The key ApiKey {CLOUD_KEY} is not valid"),
    )

    with caplog.at_level(logging.DEBUG), pytest.raises(ApiError) as caught:
        cloud.list_members("42")

    assert "The key [REDACTED] is not valid" in str(caught.value)
    assert_clean(str(caught.value), repr(caught.value), caplog.text)


def test_connection_error_text_is_scrubbed(
    kibana: KibanaClient, mock: responses.RequestsMock
) -> None:
    mock.get(ROLE, body=requests.exceptions.SSLError(f"handshake failed for {API_KEY}"))

    with pytest.raises(ConnectionFailed) as caught:
        kibana.get_role("r")

    assert_clean(str(caught.value), repr(caught.value))


def test_connections_and_clients_never_show_credentials() -> None:
    kibana_key = KibanaConnection(KIBANA, api_key=API_KEY)
    kibana_basic = KibanaConnection(KIBANA, username="elastic", password=PASSWORD)
    cloud = CloudConnection(api_key=CLOUD_KEY)

    texts = [repr(kibana_key), str(kibana_basic), repr(cloud), str(cloud)]
    texts += [repr(KibanaClient(kibana_key)), repr(CloudClient(cloud))]
    assert_clean(*texts)
    assert "auth=api_key" in repr(kibana_key)
    assert "auth=basic" in repr(kibana_basic)
    assert "username='elastic'" in repr(kibana_basic)


def test_url_with_embedded_credentials_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as caught:
        KibanaConnection(f"https://elastic:{PASSWORD}@kibana.test")

    assert_clean(str(caught.value))
    assert "must not contain credentials" in str(caught.value)
