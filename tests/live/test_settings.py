"""Credentials and endpoints: the stack config (or command line) first, then the environment."""

from __future__ import annotations

import pytest

from components.clients import DEFAULT_CLOUD_URL, CloudConnection, KibanaConnection
from components.core.members.spec import CloudSettings
from components.core.target import KibanaSettings
from components.live.errors import MissingSetting, SetupError
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
    env.setenv("KIBANA_API_KEY", "k")

    assert kibana_connection(NO_URL).url == "http://from-env:5601"


def test_a_url_without_credential_says_where_one_is_set(env: pytest.MonkeyPatch) -> None:
    """Said before any call: Kibana's 401 would blame a credential that was never given."""
    with pytest.raises(MissingSetting) as missing:
        kibana_connection(KibanaSettings(url="http://127.0.0.1:5601"))
    assert str(missing.value) == (
        "no Kibana credential: set elastic-access:kibanaApiKey (secret) or env KIBANA_API_KEY, "
        "or elastic-access:kibanaUsername and kibanaPassword (env KIBANA_USERNAME and "
        "KIBANA_PASSWORD)"
    )


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


# ---------------------------------------------------------------- unusable credentials


@pytest.mark.parametrize(
    ("variables", "given", "message"),
    [
        (
            {"KIBANA_API_KEY": "secret\n"},
            {},
            "KIBANA_API_KEY: the Kibana API key ends with whitespace (a newline or a space left "
            "from copying it?); set it again exactly as issued",
        ),
        (
            {},
            {"api_key": "secret\n"},
            "elastic-access:kibanaApiKey: the Kibana API key ends with whitespace (a newline or a "
            "space left from copying it?); set it again exactly as issued",
        ),
        (
            {"KIBANA_API_KEY": "sec ret"},
            {},
            "KIBANA_API_KEY: the Kibana API key contains a space or a character that is not "
            "ASCII; an API key has neither; set it again exactly as issued",
        ),
        (
            {"KIBANA_USERNAME": "elastic", "KIBANA_PASSWORD": "pass\x07word"},
            {},
            "KIBANA_PASSWORD: the Kibana password contains a control character (such as a "
            "newline or a tab); set it again exactly as issued",
        ),
        (
            {"KIBANA_PASSWORD": "pw"},
            {"username": "ela:stic"},
            "elastic-access:kibanaUsername: the Kibana username contains ':', which HTTP basic "
            "authentication cannot carry in a username; set it again exactly as issued",
        ),
        (
            {"KIBANA_USERNAME": " elastic", "KIBANA_PASSWORD": "pw"},
            {},
            "KIBANA_USERNAME: the Kibana username starts with whitespace (a newline or a space "
            "left from copying it?); set it again exactly as issued",
        ),
    ],
)
def test_a_kibana_credential_with_whitespace_or_control_characters_is_refused(
    env: pytest.MonkeyPatch, variables: dict[str, str], given: dict[str, str], message: str
) -> None:
    environment(env, {"KIBANA_ENDPOINT": "https://kb", **variables})

    with pytest.raises(SetupError) as caught:
        kibana_connection(NO_URL, **given)

    assert str(caught.value) == message


def test_a_cloud_key_with_a_newline_is_refused_naming_where_it_was_set(
    env: pytest.MonkeyPatch,
) -> None:
    environment(env, {"EC_API_KEY": "essu_k3y\r\n"})
    with pytest.raises(SetupError) as from_env:
        cloud_connection(CloudSettings())
    with pytest.raises(SetupError) as from_config:
        cloud_connection(CloudSettings(), api_key="essu_k3y\n")

    assert str(from_env.value).startswith("EC_API_KEY: the Elastic Cloud API key ends with")
    assert str(from_config.value).startswith("elastic-access:cloudApiKey: the Elastic Cloud API")
    assert "essu_k3y" not in str(from_env.value) + str(from_config.value)


def test_a_password_with_spaces_inside_and_letters_beyond_ascii_is_fine(
    env: pytest.MonkeyPatch,
) -> None:
    environment(
        env,
        {"KIBANA_ENDPOINT": "https://kb", "KIBANA_USERNAME": "élodie", "KIBANA_PASSWORD": "a b ç"},
    )

    assert kibana_connection(NO_URL).authorization() == "Basic w6lsb2RpZTphIGIgw6c="


def test_a_url_with_a_trailing_newline_is_refused(env: pytest.MonkeyPatch) -> None:
    environment(env, {"KIBANA_ENDPOINT": "https://kb:5601\n"})

    with pytest.raises(SetupError, match=r"^Kibana url contains whitespace or a control char"):
        kibana_connection(NO_URL)
