"""Where a client connects, how it authenticates, and how long it keeps trying.

The connection objects hold credentials, so they never show them: ``repr()`` and ``str()`` say
which kind of credential is set, never its value. They are built by ``components.live.settings``
(from stack config, command line or environment); they are not meant to be stored in Pulumi
state.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_CLOUD_URL",
    "CloudConnection",
    "Connection",
    "KibanaConnection",
    "RetryPolicy",
    "credential_problem",
]

DEFAULT_CLOUD_URL = "https://api.elastic-cloud.com"


class Connection(Protocol):
    """What the HTTP layer needs from a connection (both connection classes provide it)."""

    @property
    def url(self) -> str:
        """The service's base URL (``https://host:port`` and any base path)."""
        ...

    @property
    def ca_cert(self) -> str | None:
        """The path of a PEM bundle that signs the server certificate, or None."""
        ...

    @property
    def insecure(self) -> bool:
        """True to skip TLS verification (throwaway test servers only)."""
        ...

    @property
    def connect_timeout(self) -> float:
        """Seconds to wait for a connection."""
        ...

    @property
    def read_timeout(self) -> float:
        """Seconds to wait for each read of the answer."""
        ...

    def authorization(self) -> str | None:
        """The ``Authorization`` header value, or None to send none."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """Every credential string that must never appear in a message or log."""
        ...


@dataclass(frozen=True)
class KibanaConnection:
    """A Kibana endpoint: API key or username/password, TLS settings and timeouts (seconds).

    ``ca_cert`` is the path of a PEM bundle that signs the server certificate; TLS is always
    verified unless ``insecure`` is true. ``ValueError`` for an unusable URL or credential (a
    newline in a key: ``credential_problem``), never quoting a credential.
    """

    url: str
    api_key: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_cert: str | None = None
    insecure: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def __post_init__(self) -> None:
        _check_endpoint("Kibana", self.url, self.connect_timeout, self.read_timeout)
        _check_credential("Kibana API key", self.api_key, "api_key")
        _check_credential("Kibana username", self.username, "username")
        _check_credential("Kibana password", self.password, "password")
        if self.api_key is not None and (self.username is not None or self.password is not None):
            raise ValueError(
                "Kibana connection: give either an API key or a username and password, not both"
            )
        if (self.username is None) != (self.password is None):
            raise ValueError("Kibana connection: a username needs a password and vice versa")

    def __repr__(self) -> str:
        return (
            f"KibanaConnection(url={self.url!r}, auth={self._auth_kind()}, "
            f"username={self.username!r}, ca_cert={self.ca_cert!r}, insecure={self.insecure!r}, "
            f"connect_timeout={self.connect_timeout!r}, read_timeout={self.read_timeout!r})"
        )

    def _auth_kind(self) -> str:
        if self.api_key is not None:
            return "api_key"
        return "basic" if self.username is not None else "none"

    def authorization(self) -> str | None:
        """``ApiKey <key>``, ``Basic <base64(user:password)>``, or None without credentials."""
        if self.api_key is not None:
            return f"ApiKey {self.api_key}"
        if self.username is not None and self.password is not None:
            return f"Basic {_basic_token(self.username, self.password)}"
        return None

    def secrets(self) -> tuple[str, ...]:
        """The API key (and what it encodes), the password and the basic token."""
        found: list[str] = []
        if self.api_key is not None:
            found += _api_key_secrets(self.api_key)
        if self.username is not None and self.password is not None:
            found += [self.password, _basic_token(self.username, self.password)]
        return tuple(found)


@dataclass(frozen=True)
class CloudConnection:
    """The Elastic Cloud API (``/api/v1`` is added by the client): API key, TLS and timeouts.
    ``ValueError`` as for ``KibanaConnection``."""

    url: str = DEFAULT_CLOUD_URL
    api_key: str | None = field(default=None, repr=False)
    ca_cert: str | None = None
    insecure: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def __post_init__(self) -> None:
        _check_endpoint("Elastic Cloud", self.url, self.connect_timeout, self.read_timeout)
        _check_credential("Elastic Cloud API key", self.api_key, "api_key")

    def __repr__(self) -> str:
        auth = "api_key" if self.api_key is not None else "none"
        return (
            f"CloudConnection(url={self.url!r}, auth={auth}, ca_cert={self.ca_cert!r}, "
            f"insecure={self.insecure!r}, connect_timeout={self.connect_timeout!r}, "
            f"read_timeout={self.read_timeout!r})"
        )

    def authorization(self) -> str | None:
        """``ApiKey <key>``, or None without a key."""
        return None if self.api_key is None else f"ApiKey {self.api_key}"

    def secrets(self) -> tuple[str, ...]:
        """The API key (and what it encodes)."""
        return () if self.api_key is None else tuple(_api_key_secrets(self.api_key))


@dataclass(frozen=True)
class RetryPolicy:
    """How long a client keeps trying one call.

    A call is tried at most ``max_attempts`` times and never sleeps past ``max_total_seconds``
    since its first attempt; ``max_total_seconds`` is also the call's deadline: an answer still
    arriving then is cut off (``DeadlineExceeded``; ``components.clients.http``). The wait
    before retry n (n = 1, 2, ...) is ``Retry-After`` when the server sends one (capped at
    ``max_retry_after``), otherwise "full jitter" backoff: a uniform random value in
    ``[0, min(max_delay, base_delay * 2 ** (n - 1))]``. ``sleep``, ``clock``
    (monotonic seconds) and ``jitter`` (a value in [0, 1]) are injectable for tests.
    """

    max_attempts: int = 5
    max_total_seconds: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")
        if min(self.max_total_seconds, self.base_delay, self.max_delay, self.max_retry_after) < 0:
            raise ValueError("RetryPolicy durations must not be negative")

    def backoff(self, retry: int) -> float:
        """The jittered wait before retry number ``retry`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return ceiling * min(1.0, max(0.0, self.jitter()))


def credential_problem(value: str, kind: str) -> str | None:
    """What makes ``value`` unusable as a credential of ``kind`` (``api_key``, ``username`` or
    ``password``), in words that never quote it; None when it is usable.

    An API key travels as is in the ``Authorization`` header: only visible ASCII is allowed (a
    newline there made requests raise ``Invalid header value`` quoting the key, issue 10
    section 4). A username or password is base64-encoded, so spaces inside and non-ASCII
    letters are fine; control characters and surrounding whitespace are refused (a newline left
    by ``$(cat file)`` or a copy-paste), and so is ``:`` in a username (Basic auth, RFC 7617).
    """
    where = "ends" if value[-1:].isspace() else "starts" if value[:1].isspace() else ""
    if where:
        return f"{where} with whitespace (a newline or a space left from copying it?)"
    if any(not char.isprintable() for char in value):
        return "contains a control character (such as a newline or a tab)"
    if kind == "api_key" and any(char.isspace() or not char.isascii() for char in value):
        return "contains a space or a character that is not ASCII; an API key has neither"
    if kind == "username" and ":" in value:
        return "contains ':', which HTTP basic authentication cannot carry in a username"
    return None


def _check_credential(name: str, value: str | None, kind: str) -> None:
    problem = None if value is None else credential_problem(value, kind)
    if problem is not None:
        raise ValueError(f"the {name} {problem}")


def _check_endpoint(service: str, url: str, connect_timeout: float, read_timeout: float) -> None:
    if any(char.isspace() or not char.isprintable() for char in url):
        raise ValueError(
            f"{service} url contains whitespace or a control character (a newline at its end?)"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{service} url must be an http(s) URL such as https://host:port")
    if parts.username is not None or parts.password is not None:
        # Never echo the URL here: it holds a credential.
        raise ValueError(
            f"{service} url must not contain credentials; give the API key or password separately"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{service} url must not have a query string or fragment")
    if connect_timeout <= 0 or read_timeout <= 0:
        raise ValueError(f"{service} timeouts must be positive numbers of seconds")


def _basic_token(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _api_key_secrets(api_key: str) -> list[str]:
    """The key, plus the ``id:secret`` pair and the secret a base64 Elasticsearch key encodes."""
    found = [api_key]
    try:
        decoded = base64.b64decode(api_key, validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are both ValueErrors
        return found
    if decoded.count(":") == 1 and decoded.isprintable():
        found += [decoded, decoded.split(":", 1)[1]]
    return found
