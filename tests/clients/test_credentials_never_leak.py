"""No credential reaches a message, a repr or a log record, even when the server echoes it."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest
import requests
import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from components.clients import (
    ApiError,
    CloudClient,
    CloudConnection,
    ConnectionFailed,
    KibanaClient,
    KibanaConnection,
)
from components.clients.redaction import Redactor
from sandbox.controls import Controls
from sandbox.server import Sandbox
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
MEMBERS = f"{API}/organizations/42/members"


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


# ---------------------------------------------------------------- echoes, in every encoding

FORBIDDEN_HINT = (
    "The Elastic Cloud API key lacks the role this call needs (the code above names the check "
    "that failed): use a key with organization-admin on this organization."
)


def test_a_cloud_error_code_echoing_the_key_is_redacted(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.get(MEMBERS, status=403, json=cloud_error(f"ApiKey {CLOUD_KEY}", "denied"))

    with pytest.raises(ApiError) as caught:
        cloud.list_members("42")

    assert str(caught.value) == (
        "Elastic Cloud GET /api/v1/organizations/42/members returned 403 Forbidden [[REDACTED]]: "
        f"denied. {FORBIDDEN_HINT}"
    )
    assert caught.value.code == "[REDACTED]"


def test_an_error_code_header_echoing_the_key_is_redacted(
    cloud: CloudClient, mock: responses.RequestsMock
) -> None:
    mock.get(MEMBERS, status=403, body="", headers={"x-cloud-error-codes": f"ApiKey {CLOUD_KEY}"})

    with pytest.raises(ApiError) as caught:
        cloud.list_members("42")

    assert str(caught.value).startswith(
        "Elastic Cloud GET /api/v1/organizations/42/members returned 403 Forbidden [[REDACTED]]."
    )


@pytest.mark.parametrize(
    ("client_fixture", "echo"),
    [
        ("kibana_basic", quote(f"Basic {BASIC_TOKEN}", safe="")),  # ...%3D
        ("kibana_basic", quote_plus(BASIC_TOKEN)),
        ("kibana_basic", quote(PASSWORD, safe="")),
        ("kibana", base64.b64encode(API_KEY.encode()).decode()),
        ("kibana", base64.b64encode(f"ApiKey {API_KEY}".encode()).decode()),
        ("kibana", base64.urlsafe_b64encode(f"x{API_KEY_SECRET}y".encode()).decode().rstrip("=")),
        ("kibana", API_KEY.encode().hex()),
        ("kibana", json.dumps({"authorization": f"ApiKey {API_KEY}"}).replace("/", "\\/")),
    ],
    ids=["basic-url", "token-plus", "password-url", "key-b64", "header-b64", "secret-b64url",
         "hex", "json"],
)  # fmt: skip
def test_encoded_echoes_are_redacted(
    client_fixture: str, echo: str, mock: responses.RequestsMock, request: pytest.FixtureRequest
) -> None:
    client: KibanaClient = request.getfixturevalue(client_fixture)
    mock.put(ROLE, status=400, json={"statusCode": 400, "error": "Bad", "message": f"got {echo}!"})

    with pytest.raises(ApiError) as caught:
        client.put_role("r", {}, create_only=True)

    assert echo not in str(caught.value)
    assert "[REDACTED]" in caught.value.detail


SECRET_TEXT = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=60
).filter(lambda s: s.strip() == s)
AROUND = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)


def _revealed(text: str, secret: str) -> bool:
    """Whether ``secret`` can be read back from ``text`` by undoing any one encoding."""
    raw = secret.encode()
    candidates = {text, unquote(text), unquote(unquote(text)), unquote_plus(text)}
    for run in re.findall(r"[A-Za-z0-9+/_=-]{4,}", " ".join(candidates)):
        for start in range(4):
            part = run[start:].rstrip("=")
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                with contextlib.suppress(ValueError):
                    candidates.add(decode(part + "=" * (-len(part) % 4)).decode("latin-1"))
    for run in re.findall(r"[0-9a-fA-F]{4,}", text):
        for start in range(2):
            part = run[start:]
            with contextlib.suppress(ValueError):
                candidates.add(bytes.fromhex(part[: len(part) // 2 * 2]).decode("latin-1"))
    return any(secret in c or raw.decode("latin-1") in c for c in candidates)


ENCODERS: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "repr": lambda s: repr(s.encode()),
    "url": lambda s: quote(s, safe=""),
    "url-lower": lambda s: re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(s, safe="")),
    "url-plus": quote_plus,
    "url-twice": lambda s: quote(quote(s, safe=""), safe=""),
    "b64": lambda s: base64.b64encode(s.encode()).decode(),
    "b64-url-unpadded": lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="),
    "b64-then-url": lambda s: quote(base64.b64encode(s.encode()).decode(), safe=""),
    "hex": lambda s: s.encode().hex(),
    "HEX": lambda s: s.encode().hex().upper(),
}


@settings(max_examples=300, deadline=None)
@given(
    secret=SECRET_TEXT,
    encoder=st.sampled_from(sorted(ENCODERS)),
    scheme=st.sampled_from(["", "ApiKey ", "Basic "]),
    inner=st.tuples(AROUND, AROUND),
    outer=st.tuples(AROUND, AROUND),
)
def test_no_echo_form_of_a_credential_survives_redaction(
    secret: str, encoder: str, scheme: str, inner: tuple[str, str], outer: tuple[str, str]
) -> None:
    echo = ENCODERS[encoder](inner[0] + scheme + secret + inner[1])
    text = outer[0] + echo + outer[1]

    cleaned = Redactor([secret])(text)

    assert not _revealed(cleaned, secret), (encoder, cleaned)


def test_invitation_tokens_and_keys_are_masked_in_debug_logs_of_real_requests(
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = "dbg-cloud-k3y-0123456789"
    with Sandbox(controls=True, api_key=key) as sandbox:
        token = Controls(sandbox.cloud_url).seed_invitation("a@x.io", {}, "7d")
        connection = CloudConnection(sandbox.cloud_url, api_key=key)
        with CloudClient(connection) as cloud, caplog.at_level(logging.DEBUG):
            cloud.delete_invitations("1000000001", [token])

    requests_logged = [r for r in caplog.records if r.name.startswith("urllib3")]
    assert any("/invitations/<invitation tokens>" in r.getMessage() for r in requests_logged)
    assert token not in caplog.text and key not in caplog.text
