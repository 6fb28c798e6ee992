"""Credentials and endpoints: the stack config (or command line) first, then the environment."""

from __future__ import annotations

import pytest

from components.clients import DEFAULT_CLOUD_URL, CloudConnection, KibanaConnection
from components.core.members.spec import CloudSettings
from components.core.target import KibanaSettings
from components.live.errors import MissingSetting
from components.live.settings import cloud_connection, kibana_connection
from tests.clients.client_fakes import API_KEY

NAMES = (
    "KIBANA_ENDPOINT",
    "KIBANA_API_KEY",
    "KIBANA_USERNAME",
    "KIBANA_PASSWORD",
    "EC_ENDPOINT",
    "EC_API_KEY",
)
NO_URL = KibanaSettings()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def environment(env: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        env.setenv(name, value)


def test_kibana_from_env_with_api_key(env: pytest.MonkeyPatch) -> None:
    environment(env, {"KIBANA_ENDPOINT": "https://kb:5601", "KIBANA_API_KEY": API_KEY})

    assert kibana_connection(NO_URL) == KibanaConnection("https://kb:5601", api_key=API_KEY)


def test_kibana_from_env_with_username_and_password(env: pytest.MonkeyPatch) -> None:
    environment(
        env, {"KIBANA_ENDPOINT": "http://kb", "KIBANA_USERNAME": "elastic", "KIBANA_PASSWORD": "pw"}
    )

    connection = kibana_connection(NO_URL)

    assert (connection.username, connection.password, connection.api_key) == ("elastic", "pw", None)


def test_kibana_from_env_prefers_the_api_key(env: pytest.MonkeyPatch) -> None:
    environment(
        env,
        {
            "KIBANA_ENDPOINT": "http://kb",
            "KIBANA_API_KEY": "key",
            "KIBANA_USERNAME": "elastic",
            "KIBANA_PASSWORD": "pw",
        },
    )

    connection = kibana_connection(NO_URL)

    assert (connection.api_key, connection.username) == ("key", None)


def test_kibana_from_env_needs_the_endpoint(env: pytest.MonkeyPatch) -> None:
    environment(env, {"KIBANA_API_KEY": "key"})

    with pytest.raises(MissingSetting, match="KIBANA_ENDPOINT"):
        kibana_connection(NO_URL)


def test_the_stack_config_comes_before_the_environment(env: pytest.MonkeyPatch) -> None:
    environment(env, {"KIBANA_ENDPOINT": "http://from-env:5601", "KIBANA_API_KEY": "env-key"})

    connection = kibana_connection(KibanaSettings(url="https://kb:5601"), api_key="config-key")

    assert (connection.url, connection.api_key) == ("https://kb:5601", "config-key")


def test_kibana_from_process_environment(env: pytest.MonkeyPatch) -> None:
    env.setenv("KIBANA_ENDPOINT", "http://from-env:5601")

    assert kibana_connection(NO_URL).url == "http://from-env:5601"


def test_cloud_from_env_defaults_to_the_public_api(env: pytest.MonkeyPatch) -> None:
    assert cloud_connection(CloudSettings(), api_key="k") == CloudConnection(
        DEFAULT_CLOUD_URL, api_key="k"
    )
    environment(env, {"EC_ENDPOINT": "http://127.0.0.1:9443", "EC_API_KEY": "k"})
    assert cloud_connection(CloudSettings()) == CloudConnection(
        "http://127.0.0.1:9443", api_key="k"
    )


def test_the_cloud_needs_a_key(env: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingSetting, match="EC_API_KEY"):
        cloud_connection(CloudSettings())
