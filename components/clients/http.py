"""The JSON-over-HTTP transport both clients share: one ``requests.Session``, auth, TLS,
timeouts, retries, rate-limit pacing and the mapping of error bodies to ``errors``.

Retry rules (a call is one ``JsonHttpClient.call``):

- Idempotent calls (GET, PUT, DELETE, and POSTs the caller marks ``idempotent=True``) are
  retried on 429, 502, 503 and 504, on connect failures and timeouts, on read timeouts, and on
  connections dropped before the response was complete.
- Other POSTs are retried only when the server certainly did not act on them: on 429, and when
  the connection could not be opened (connect timeout, connection refused, DNS failure). A read
  timeout or dropped connection after a POST was sent is not retried: the error says the request
  may have been applied.
- TLS failures, and every other status, are never retried.
- The wait is the server's ``Retry-After`` (seconds or HTTP date) when given, capped at
  ``RetryPolicy.max_retry_after``; otherwise exponential backoff with full jitter
  (``RetryPolicy.backoff``). A call stops after ``max_attempts`` attempts, or when the next wait
  would end past ``max_total_seconds`` after its first attempt; it then raises the last error,
  whose message says it gave up after N attempts in S seconds.
- When a response says ``x-ratelimit-remaining: 0``, the next request of any thread on this
  client waits ``x-ratelimit-interval`` (capped at ``max_retry_after``) before it is sent.

The loop is tenacity's (``Retrying``) with our own wait, stop and retry rules; every attempt goes
through ``JsonHttpClient._attempt`` and every answer through ``_decode``, the one place where
rules on what a response may be are enforced.

Logging: logger ``elastic_access.http`` at DEBUG, one record per attempt (method, path, status,
attempt, elapsed) and one per wait. Headers and bodies are never logged.

Thread safety: the session's headers and auth are fixed at construction, cookies are refused,
and the only mutable state (the rate-limit pause) is behind a lock, so one client may serve
several threads.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from http.cookiejar import DefaultCookiePolicy
from importlib import metadata
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import requests
import requests.auth
from tenacity import RetryCallState, Retrying, retry_if_exception
from urllib3 import Retry
from urllib3.exceptions import InvalidHeader, MaxRetryError, NewConnectionError

from components.clients.connection import Connection, RetryPolicy
from components.clients.errors import (
    CODE_ERRORS,
    ApiError,
    ConnectionFailed,
    UnexpectedResponse,
    error_class,
)
from components.core.durations import duration_seconds

__all__ = ["USER_AGENT", "JsonHttpClient", "JsonResponse", "ServiceClient"]

_log = logging.getLogger("elastic_access.http")


def _version() -> str:
    try:
        return metadata.version("elastic-access")
    except metadata.PackageNotFoundError:
        return "dev"


USER_AGENT = f"elastic-access/{_version()}"

_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_MAX_DETAIL = 1000
_REDACTED = "[REDACTED]"
_RETRY_AFTER = Retry(0)  # only for its Retry-After parser
_TLS_HINT = (
    "TLS verification failed: set caCert to the PEM bundle of the CA that signed the server "
    "certificate (insecure: true only for a throwaway test server)."
)
_MAYBE_APPLIED_HINT = (
    "The request was sent but no answer came, so it may have been applied and was not repeated: "
    "run `pulumi refresh` before trying again."
)


@dataclass(frozen=True)
class JsonResponse:
    """A successful response: its status and decoded JSON body (None when empty)."""

    service: str
    method: str
    path: str
    status: int
    body: Any

    def object(self) -> dict[str, Any]:
        """The body as a JSON object; ``UnexpectedResponse`` otherwise."""
        if not isinstance(self.body, dict):
            raise self.unexpected(f"expected a JSON object, got {type(self.body).__name__}")
        return self.body

    def objects(self, key: str | None = None) -> list[dict[str, Any]]:
        """The body (or its ``key`` member) as a list of JSON objects."""
        items = self.object().get(key) if key is not None else self.body
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            where = f" under {key!r}" if key is not None else ""
            raise self.unexpected(f"expected a list of objects{where}")
        return items

    def unexpected(self, detail: str) -> UnexpectedResponse:
        """The error to raise when this body is not what the call expects."""
        return UnexpectedResponse(
            service=self.service,
            method=self.method,
            path=self.path,
            status=self.status,
            detail=detail,
        )


@dataclass(frozen=True)
class _Failure:
    """What one failed attempt says, before it becomes an ``ApiError``."""

    error: type[ApiError]
    retryable: bool
    status: int | None = None
    code: str | None = None
    detail: str = ""
    retry_after: float | None = None
    hint: str | None = None


class _FailedAttempt(Exception):
    """One attempt that failed: carried through the retry loop to the error it becomes."""

    def __init__(self, failure: _Failure, number: int, elapsed: float) -> None:
        self.failure = failure
        self.number = number
        self.elapsed = elapsed
        super().__init__(failure.detail)


def _retryable(error: BaseException) -> bool:
    return isinstance(error, _FailedAttempt) and error.failure.retryable


def _failure_of(state: RetryCallState) -> _Failure:
    error = state.outcome.exception() if state.outcome is not None else None
    assert isinstance(error, _FailedAttempt)  # wait runs only after a retryable failure
    return error.failure


class _HeaderAuth(requests.auth.AuthBase):
    """Sets a fixed ``Authorization`` header. Being the session's auth also stops requests from
    replacing it with ~/.netrc credentials."""

    def __init__(self, value: str) -> None:
        self._value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._value
        return request

    def __repr__(self) -> str:
        return "_HeaderAuth(<hidden>)"


class JsonHttpClient:
    """JSON calls to one service over one ``requests.Session`` (see the module docstring).

    ``service`` names the server in messages ("Kibana"); each call's path is appended to the
    connection URL; ``hints`` replaces the default "what to do" sentence of an error class
    (and of its subclasses that have no default of their own).
    """

    def __init__(
        self,
        connection: Connection,
        *,
        service: str,
        retry: RetryPolicy | None = None,
        hints: Mapping[type[ApiError], str] | None = None,
    ) -> None:
        self.service = service
        self.retry = retry if retry is not None else RetryPolicy()
        self._base_url = connection.url.rstrip("/")
        self._host = urlsplit(connection.url).netloc
        self._hints = dict(hints or {})
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted({s for s in connection.secrets() if s}, key=len, reverse=True)
        self._timeout = (connection.connect_timeout, connection.read_timeout)
        self._verify: bool | str = False if connection.insecure else (connection.ca_cert or True)
        session = requests.Session()
        session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        authorization = connection.authorization()
        if authorization is not None:
            session.auth = _HeaderAuth(authorization)
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        # Proxies and the CA bundle from the environment are decided here, once for the one host
        # this client talks to: left to requests, every request reads the environment again.
        found = session.merge_environment_settings(self._base_url, {}, None, self._verify, None)
        session.proxies.update(found["proxies"])
        session.trust_env = False  # also keeps ~/.netrc credentials out
        self._verify = True if found["verify"] is None else found["verify"]
        self._session = session
        self._pause_lock = threading.Lock()
        self._paused_until = 0.0

    def __repr__(self) -> str:
        return f"JsonHttpClient(service={self.service!r}, url={self._base_url!r})"

    def close(self) -> None:
        """Close the session's pooled connections."""
        self._session.close()

    def scrub(self, text: str) -> str:
        """``text`` with every credential of this client's connection replaced."""
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: object | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        display_path: str | None = None,
    ) -> JsonResponse:
        """Send one JSON call, retrying as the module docstring says, and decode the answer.

        ``path`` is already URL-encoded. ``idempotent`` defaults to true for GET, HEAD, PUT and
        DELETE. ``display_path`` replaces ``path`` in errors and logs (to mask tokens).
        """
        method = method.upper()
        shown = display_path if display_path is not None else path
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        send = partial(
            self._session.request,
            method,
            self._base_url + path,
            params=params,
            json=body,
            headers=headers,
            timeout=self._timeout,
            verify=self._verify,
        )
        started = self.retry.clock()

        def wait(state: RetryCallState) -> float:
            if state.attempt_number >= self.retry.max_attempts:
                return 0.0  # giving up: no wait (and no jitter drawn)
            return self._delay(_failure_of(state), state.attempt_number)

        def stop(state: RetryCallState) -> bool:
            elapsed = self.retry.clock() - started
            return (
                state.attempt_number >= self.retry.max_attempts
                or elapsed + state.upcoming_sleep > self.retry.max_total_seconds
            )

        def waiting(state: RetryCallState) -> None:
            _log.debug("%s %s: retrying in %.2f s", method, shown, state.upcoming_sleep)

        attempts = Retrying(
            retry=retry_if_exception(_retryable),
            wait=wait,
            stop=stop,
            sleep=self.retry.sleep,
            before_sleep=waiting,
            reraise=True,
        )
        try:
            for attempt in attempts:
                with attempt:
                    number = attempt.retry_state.attempt_number
                    response = self._attempt(send, method, shown, number, started, idempotent)
        except _FailedAttempt as failed:
            failure = failed.failure
            raise self._error(
                failure, method, shown, failed.number, failed.elapsed, gave_up=failure.retryable
            ) from None
        return self._decode(response, method, shown)

    def _attempt(
        self,
        send: Callable[[], requests.Response],
        method: str,
        shown: str,
        number: int,
        started: float,
        idempotent: bool,
    ) -> requests.Response:
        """One attempt: the response on success, else ``_FailedAttempt`` saying what failed."""
        self._wait_for_quota()
        failure: _Failure | None
        try:
            response = send()
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            failure = self._connection_failure(exc, idempotent=idempotent)
            outcome = type(exc).__name__
        except requests.exceptions.TooManyRedirects:
            failure = _Failure(UnexpectedResponse, False, detail="too many redirects")
            outcome = "TooManyRedirects"
        else:
            self._note_quota(response)
            outcome = str(response.status_code)
            failure = None if response.ok else self._response_failure(response, idempotent)
        elapsed = self.retry.clock() - started
        _log.debug("%s %s -> %s (attempt %d, %.3f s)", method, shown, outcome, number, elapsed)
        if failure is not None:
            raise _FailedAttempt(failure, number, elapsed)
        return response

    def _delay(self, failure: _Failure, attempt: int) -> float:
        if failure.retry_after is not None:
            return min(failure.retry_after, self.retry.max_retry_after)
        return self.retry.backoff(attempt)

    def _wait_for_quota(self) -> None:
        with self._pause_lock:
            wait = self._paused_until - self.retry.clock()
        if wait > 0:
            _log.debug("%s: rate-limit quota used up, waiting %.2f s", self.service, wait)
            self.retry.sleep(wait)

    def _note_quota(self, response: requests.Response) -> None:
        remaining = response.headers.get("x-ratelimit-remaining", "").strip()
        if not remaining.lstrip("-").isdigit() or int(remaining) > 0:
            return
        interval = duration_seconds(response.headers.get("x-ratelimit-interval", ""))
        if interval is None:
            return
        until = self.retry.clock() + min(interval, self.retry.max_retry_after)
        with self._pause_lock:
            self._paused_until = max(self._paused_until, until)

    def _decode(self, response: requests.Response, method: str, path: str) -> JsonResponse:
        body: Any = None
        if response.status_code != 204 and response.content.strip():
            try:
                body = response.json()
            except ValueError:
                raise UnexpectedResponse(
                    service=self.service,
                    method=method,
                    path=path,
                    status=response.status_code,
                    detail="the body is not JSON (content type "
                    f"{response.headers.get('content-type', 'unknown')!r})",
                ) from None
        return JsonResponse(self.service, method, path, response.status_code, body)

    def _response_failure(self, response: requests.Response, idempotent: bool) -> _Failure:
        status = response.status_code
        code, detail = _error_body(response)
        retryable = status == 429 or (idempotent and status in _RETRYABLE_STATUSES)
        return _Failure(
            error_class(status, code),
            retryable,
            status=status,
            code=code,
            detail=_shorten(self.scrub(detail)),
            retry_after=_retry_after(response.headers.get("retry-after")),
        )

    def _connection_failure(self, exc: requests.RequestException, *, idempotent: bool) -> _Failure:
        detail = _shorten(self.scrub(_exception_text(exc)))
        if isinstance(exc, requests.exceptions.SSLError):
            return _Failure(ConnectionFailed, False, detail=detail, hint=_TLS_HINT)
        if idempotent or _not_sent(exc):
            return _Failure(ConnectionFailed, True, detail=detail)
        return _Failure(ConnectionFailed, False, detail=detail, hint=_MAYBE_APPLIED_HINT)

    def _error(
        self,
        failure: _Failure,
        method: str,
        path: str,
        attempts: int,
        elapsed: float,
        *,
        gave_up: bool,
    ) -> ApiError:
        hint = failure.hint if failure.hint is not None else self._hint(failure.error)
        if failure.error is ConnectionFailed:
            return ConnectionFailed(
                service=self.service,
                method=method,
                path=path,
                host=self._host,
                detail=failure.detail,
                hint=hint,
                attempts=attempts,
                elapsed=elapsed,
                gave_up=gave_up,
            )
        return failure.error(
            service=self.service,
            method=method,
            path=path,
            status=failure.status,
            code=failure.code,
            detail=failure.detail,
            hint=hint,
            retry_after=failure.retry_after,
            attempts=attempts,
            elapsed=elapsed,
            gave_up=gave_up,
        )

    def _hint(self, error: type[ApiError]) -> str | None:
        """The client's hint for the nearest class that has one, unless a nearer class has its
        own default hint (then None: the error uses that)."""
        for cls in error.__mro__:
            if cls in self._hints:
                return self._hints[cls]
            if "default_hint" in vars(cls):
                return None
        return None


class ServiceClient:
    """What the service clients share: one ``JsonHttpClient``, ``close()`` and ``with``."""

    def __init__(self, http: JsonHttpClient) -> None:
        self._http = http

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._http!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()


def _error_body(response: requests.Response) -> tuple[str | None, str]:
    """(Cloud error code, server message) from a Cloud ``{errors: [{code, message}]}`` body, a
    Kibana Boom ``{statusCode, error, message}`` body, or plain text."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    code: str | None = None
    detail = ""
    if isinstance(payload, dict):
        errors = payload.get("errors")
        if isinstance(errors, list) and errors:
            items = [item for item in errors if isinstance(item, dict)]
            codes = [str(item["code"]) for item in items if item.get("code")]
            # A code with its own exception class wins over the order the server chose.
            code = next((c for c in codes if c in CODE_ERRORS), codes[0] if codes else None)
            detail = "; ".join(_cloud_message(item) for item in items)
        elif isinstance(payload.get("message"), str):
            detail = payload["message"]
        elif isinstance(payload.get("error"), str):
            detail = payload["error"]
        elif isinstance(payload.get("error"), dict):
            detail = str(payload["error"].get("reason") or payload["error"])
    if code is None:
        header = response.headers.get("x-cloud-error-codes", "")
        code = header.split(",")[0].strip() or None
    if not detail and payload is None:
        detail = " ".join(response.text.split())
    return code, detail


def _cloud_message(item: Mapping[str, Any]) -> str:
    message = str(item.get("message") or item.get("code") or "")
    fields = item.get("fields")
    if isinstance(fields, list) and fields:
        message += f" (fields: {', '.join(map(str, fields))})"
    return message


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date, RFC 9110
    section 10.2.3, as urllib3 reads it), or None when there is none or it is malformed."""
    if not value or not value.strip():
        return None
    try:
        return max(0.0, float(_RETRY_AFTER.parse_retry_after(value.strip())))
    except InvalidHeader:
        return None


def _not_sent(exc: requests.RequestException) -> bool:
    """True when the connection could not be opened, so the server never saw the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)


def _exception_text(exc: requests.RequestException) -> str:
    """A short reason: the innermost urllib3 cause, without object reprs."""
    reason: object = exc.args[0] if exc.args else exc
    if isinstance(reason, MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    text = re.sub(r"<[^<>]*>:?\s*", "", str(reason)).strip() or type(reason).__name__
    return f"{type(exc).__name__}: {text}"


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 3] + "..."
