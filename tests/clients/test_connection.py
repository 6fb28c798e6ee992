"""Connection settings from arguments, and the retry policy's arithmetic."""

from __future__ import annotations

import pytest

from components.clients import CloudConnection, KibanaConnection, RetryPolicy
from tests.clients.client_fakes import API_KEY, API_KEY_SECRET, BASIC_TOKEN, PASSWORD


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "kibana:5601"}, "http\\(s\\) URL"),
        ({"url": "https://kb?x=1"}, "query string"),
        ({"url": "https://kb", "api_key": "k", "username": "u", "password": "p"}, "not both"),
        ({"url": "https://kb", "username": "u"}, "needs a password"),
        ({"url": "https://kb", "read_timeout": 0}, "positive"),
    ],
)
def test_kibana_connection_refuses_bad_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        KibanaConnection(**kwargs)  # type: ignore[arg-type]


def test_authorization_and_secrets() -> None:
    api_key = KibanaConnection("https://kb", api_key=API_KEY)
    basic = KibanaConnection("https://kb", username="elastic", password=PASSWORD)

    assert api_key.authorization() == f"ApiKey {API_KEY}"
    assert API_KEY_SECRET in api_key.secrets()
    assert basic.authorization() == f"Basic {BASIC_TOKEN}"
    assert set(basic.secrets()) == {PASSWORD, BASIC_TOKEN}
    assert KibanaConnection("https://kb").authorization() is None
    assert CloudConnection().secrets() == ()
    assert CloudConnection(api_key="not-base64!").secrets() == ("not-base64!",)


def test_backoff_is_capped_and_scaled_by_jitter() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=lambda: 0.5)

    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 2.5]


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"base_delay": -1.0}])
def test_retry_policy_refuses_bad_bounds(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
