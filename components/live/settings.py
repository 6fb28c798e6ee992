"""Credentials and endpoints, and their precedence: the one place that decides them.

Each value comes from the stack config (or, for the CLI, the command line) when given there,
else from the environment: ``KIBANA_ENDPOINT``, ``KIBANA_API_KEY``, ``KIBANA_USERNAME``,
``KIBANA_PASSWORD``, ``EC_ENDPOINT``, ``EC_API_KEY`` (contract section 4). An API key wins over
a username and password. Empty values count as unset.

Providers call this in ``configure()`` (after unpickling, in the provider host), so nothing read
here is ever stored on a provider or in the Pulumi state; the connection objects never show a
credential in ``repr()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..clients.connection import (
    DEFAULT_CLOUD_URL,
    CloudConnection,
    KibanaConnection,
    credential_problem,
)
from ..core.problems import problems_from
from .errors import MissingCredential, MissingSetting, SetupError

if TYPE_CHECKING:  # each provider imports only its own service's settings
    from ..core.members.spec import CloudSettings
    from ..core.target import KibanaSettings

Lookup = Callable[[str], Any]
Section = TypeVar("Section", bound=BaseModel)


class _FromEnvironment(BaseSettings):
    """Fields given to the constructor win; the rest come from the environment."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", frozen=True)


class KibanaCredentials(_FromEnvironment):
    """Kibana's URL and credential (``KIBANA_*`` when not given)."""

    model_config = SettingsConfigDict(env_prefix="KIBANA_")

    endpoint: str | None = None
    api_key: str | None = None
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        return f"KibanaCredentials(endpoint={self.endpoint!r}, username={self.username!r})"


class CloudCredentials(_FromEnvironment):
    """The Elastic Cloud API URL and key (``EC_*`` when not given)."""

    model_config = SettingsConfigDict(env_prefix="EC_")

    endpoint: str | None = None
    api_key: str | None = None

    def __repr__(self) -> str:
        return f"CloudCredentials(endpoint={self.endpoint!r})"


def _given(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value}


# Where a Kibana credential is set, for the stack (providers) and for the CLI (environment).
CONFIG_CREDENTIALS = (
    "elastic-access:kibanaApiKey (secret) or env KIBANA_API_KEY, or "
    "elastic-access:kibanaUsername and kibanaPassword (env KIBANA_USERNAME and KIBANA_PASSWORD)"
)
ENV_CREDENTIALS = "env KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD"

# Where each credential is set: (stack config key, environment variable).
_KIBANA_SOURCES = {
    "api_key": ("elastic-access:kibanaApiKey", "KIBANA_API_KEY", "Kibana API key"),
    "username": ("elastic-access:kibanaUsername", "KIBANA_USERNAME", "Kibana username"),
    "password": ("elastic-access:kibanaPassword", "KIBANA_PASSWORD", "Kibana password"),
}


def _check_credentials(
    found: BaseSettings, given: dict[str, Any], sources: dict[str, tuple[str, str, str]]
) -> None:
    """``SetupError`` naming the setting of the first unusable credential (never its value):
    whitespace or control characters, refused here rather than by the HTTP library, whose
    message quotes the header (issue 10 section 4)."""
    for field, (config_key, variable, what) in sources.items():
        value = getattr(found, field)
        problem = None if value is None else credential_problem(value, field)
        if problem is not None:
            where = config_key if field in given else variable
            raise SetupError(f"{where}: the {what} {problem}; set it again exactly as issued")


def kibana_connection(
    settings: KibanaSettings,
    *,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    url_from: str = "elastic-access:kibana.url",
    credential_from: str = CONFIG_CREDENTIALS,
) -> KibanaConnection:
    """The connection to Kibana: ``settings.url`` and the credentials given, else ``KIBANA_*``;
    TLS from ``settings``. ``url_from`` names where the URL is set, for the message of the
    ``MissingSetting`` raised when there is none, ``credential_from`` where a credential is
    set, for the ``MissingCredential`` raised when there is none (``SetupError`` when a value
    is unusable)."""
    given = _given(endpoint=settings.url, api_key=api_key, username=username, password=password)
    found = KibanaCredentials(**given)
    _check_credentials(found, given, _KIBANA_SOURCES)
    if not found.endpoint:
        raise MissingSetting("Kibana URL", f"set {url_from} or env KIBANA_ENDPOINT")
    basic = found.api_key is None
    try:
        connection = KibanaConnection(
            url=found.endpoint,
            api_key=found.api_key,
            username=found.username if basic else None,
            password=found.password if basic else None,
            ca_cert=settings.ca_cert,
            insecure=settings.insecure,
        )
    except ValueError as error:
        raise SetupError(str(error)) from None
    if connection.api_key is None and not (connection.username and connection.password):
        raise MissingCredential("Kibana credential", f"set {credential_from}")
    return connection


def cloud_connection(
    settings: CloudSettings,
    *,
    api_key: str | None = None,
    key_from: str | None = "elastic-access:cloudApiKey (secret)",
) -> CloudConnection:
    """The connection to the Elastic Cloud API: ``settings.url`` and ``api_key`` when given,
    else ``EC_ENDPOINT`` (default the public API) and ``EC_API_KEY``. ``MissingSetting`` (naming
    ``key_from``) without a key, ``SetupError`` when a value is unusable."""
    given = _given(endpoint=settings.url, api_key=api_key)
    found = CloudCredentials(**given)
    config_key = (key_from or "").removesuffix(" (secret)")
    _check_credentials(
        found, given, {"api_key": (config_key, "EC_API_KEY", "Elastic Cloud API key")}
    )
    if not found.api_key:
        where = f"{key_from} or env EC_API_KEY" if key_from else "env EC_API_KEY"
        raise MissingSetting("Elastic Cloud API key", f"set {where}")
    try:
        return CloudConnection(url=found.endpoint or DEFAULT_CLOUD_URL, api_key=found.api_key)
    except ValueError as error:
        raise SetupError(str(error)) from None


# ---------------------------------------------------------------- the provider host's config


def lookup_from(config: Any) -> Lookup:
    """``key -> value`` over a ``pulumi.dynamic.Config`` (structured values arrive as JSON)."""

    def get(key: str) -> Any:
        value = config.get(key)
        if isinstance(value, str) and key in ("kibana", "cloud"):
            try:
                return json.loads(value)
            except ValueError:
                raise SetupError(f"elastic-access:{key} must be a mapping") from None
        return value

    return get


def section(model: type[Section], key: str, raw: Any) -> Section:
    """``elastic-access:<key>`` parsed as ``model``; ``SetupError`` naming each mistake."""
    try:
        return model.model_validate(raw or {})
    except ValidationError as error:
        problems = problems_from(error, model, (key,))
        raise SetupError("; ".join(str(p) for p in problems)) from None
