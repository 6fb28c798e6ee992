"""The JSON-over-HTTP transport both clients share: one ``requests.Session``, auth, TLS,
timeouts, retries, rate-limit pacing, the checks on what an answer may be, and the mapping of
error bodies to ``errors``.

What counts as an answer (contract section 5, issue 10 sections 3 and 5):

- Only a 2xx from the host the request was sent to is a success. No redirect is ever followed:
  a 3xx raises ``Redirected`` naming the status and its ``Location`` (or its absence), since a
  followed redirect turned a PUT into a GET of another page that answered 200.
- A 2xx whose body is an error body (Kibana's ``{statusCode, error, message}``, Elasticsearch's
  ``{error: {type, reason}, status}``, Elastic Cloud's ``{errors: [...]}``) is not a success:
  ``UnexpectedResponse`` quoting it. A 2xx body that is not JSON is one too.
- Each call has a deadline: it ends, retries included, within ``RetryPolicy.max_total_seconds``
  of its first attempt (60 s by default, 20 s for the command line). An answer still arriving
  then is cut off (``components.clients.deadline``) and the call raises ``DeadlineExceeded``;
  each socket read also times out after ``read_timeout`` (or what is left, if less).
- An answer's body may be at most ``max_answer_bytes`` (``MAX_ANSWER_BYTES``, 64 MiB; the
  largest role or member lists are a few MiB), decompressed: past it, reading stops and the call
  raises ``AnswerTooLarge``. Of an error answer only the first 64 KiB are read, for its message.
- The service clients check the shape of each answer they read (``JsonResponse.checked`` with a
  model of ``components.clients.answers``): a wrong one raises ``UnexpectedResponse`` naming the
  field.

Retry rules (a call is one ``JsonHttpClient.call``):

- Idempotent calls (GET, PUT, DELETE, and POSTs the caller marks ``idempotent=True``) are
  retried on 429, 502, 503 and 504, on connect failures and timeouts, on read timeouts, and on
  connections dropped before the response was complete.
- Other POSTs are retried only when the server certainly did not act on them: on 429, and when
  the connection could not be opened (connect timeout, connection refused, DNS failure). A read
  timeout or dropped connection after a POST was sent is not retried: the error says the request
  may have been applied.
- TLS failures, redirects, the deadline, and every other status are never retried.
- The wait is the server's ``Retry-After`` (seconds or HTTP date) when given, capped at
  ``RetryPolicy.max_retry_after``; otherwise exponential backoff with full jitter
  (``RetryPolicy.backoff``). A call stops after ``max_attempts`` attempts, or when the next wait
  would end past ``max_total_seconds`` after its first attempt; it then raises the last error,
  whose message says it gave up after N attempts in S seconds.
- When a response says ``x-ratelimit-remaining: 0``, the next request of any thread on this
  client waits ``x-ratelimit-interval`` (capped at ``max_retry_after``) before it is sent.

The loop is tenacity's (``Retrying``) with our own wait, stop and retry rules; every attempt goes
through ``JsonHttpClient._attempt`` and every successful answer through ``_decode``.

Credentials: every text an error takes from the server (its message, code, ``Location``,
content type, the HTTP library's own words) goes through the client's ``Redactor``, which
removes each credential of the connection in every encoding a server might echo it in.

Logging: logger ``elastic_access.http`` at DEBUG, one record per attempt (method, path, status,
attempt, elapsed) and one per wait. Headers and bodies are never logged; invitation tokens in
paths are masked, in these records and in urllib3's (``components.clients.redaction``).

Thread safety: the session's headers and auth are fixed at construction, cookies are refused,
and the only mutable state (the rate-limit pause) is behind a lock, so one client may serve
several threads.
"""

from __future__ import annotations

import errno
import http.client
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from importlib import metadata
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import requests
import requests.auth
from tenacity import RetryCallState, Retrying, retry_if_exception
from urllib3 import Retry
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    InvalidHeader,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from components.clients.answers import Shape, shape_problems
from components.clients.connection import Connection, RetryPolicy
from components.clients.deadline import Deadline, WatchedAdapter
from components.clients.errors import (
    CODE_ERRORS,
    AnswerTooLarge,
    ApiError,
    ConnectionFailed,
    DeadlineExceeded,
    Redirected,
    UnexpectedResponse,
    error_class,
)
from components.clients.redaction import Mask, Redact, Redactor, install_log_redaction
from components.core.durations import duration_seconds

__all__ = ["MAX_ANSWER_BYTES", "USER_AGENT", "JsonHttpClient", "JsonResponse", "ServiceClient"]

_log = logging.getLogger("elastic_access.http")
install_log_redaction()


def _version() -> str:
    try:
        return metadata.version("elastic-access")
    except metadata.PackageNotFoundError:
        return "dev"


USER_AGENT = f"elastic-access/{_version()}"
MAX_ANSWER_BYTES = 64 * 1024 * 1024

_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_MAX_DETAIL = 1000
_ERROR_BODY_BYTES = 64 * 1024
_CHUNK = 64 * 1024
_RETRY_AFTER = Retry(0)  # only for its Retry-After parser
_TLS_HINT = (
    "TLS verification failed: set caCert to the PEM bundle of the CA that signed the server "
    "certificate (insecure: true only for a throwaway test server)."
)
_MAYBE_APPLIED_HINT = (
    "The request was sent but no answer came, so it may have been applied and was not repeated: "
    "run `pulumi refresh` before trying again."
)
_ERROR_UNDER_SUCCESS_HINT = (
    "Not counted as done: the status says success but the body says it failed, so neither is "
    "trusted. Run `pulumi refresh` to see what is live, and check for a proxy between here and "
    "the server that rewrites its answers."
)
_BODY_ON_204_HINT = (
    "Not counted as done: a 204 never has a body, so this one may carry an error unseen. Run "
    "`pulumi refresh` to see what is live, and check for a proxy between here and the server "
    "that rewrites its answers."
)
# Transport failures that say nothing about whether the server acted (besides requests' own).
_TRANSPORT_ERRORS = (requests.RequestException, HTTPError, http.client.HTTPException, OSError)


# What to do about an error: a sentence, or a function of the call's URL path giving one.
Hint = str | Callable[[str], str]


@dataclass(frozen=True)
class JsonResponse:
    """A successful response: its status and decoded JSON body (None when empty)."""

    service: str
    method: str
    path: str
    status: int
    body: Any
    redact: Redact = field(default=str, repr=False, compare=False)

    def checked(self, shape: Shape, *, root: str = "") -> Any:
        """The body, once it fits ``shape`` (a model of ``components.clients.answers``);
        ``UnexpectedResponse`` naming each wrong field otherwise (``root`` names a bare list)."""
        problems = shape_problems(shape, self.body, root=root)
        if problems:
            raise self.unexpected("unexpected answer: " + "; ".join(problems))
        return self.body

    def unexpected(self, detail: str) -> UnexpectedResponse:
        """The error to raise when this body is not what the call expects."""
        return UnexpectedResponse(
            service=self.service,
            method=self.method,
            path=self.path,
            status=self.status,
            detail=_shorten(self.redact(detail)),
        )


@dataclass(frozen=True)
class _Received:
    """What one attempt got: the status, the headers and the body read (maybe cut short)."""

    status: int
    headers: Mapping[str, str]
    content: bytes


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
    location: str | None = None


class _FailedAttempt(Exception):
    """One attempt that failed: carried through the retry loop to the error it becomes."""

    def __init__(self, failure: _Failure, number: int, elapsed: float) -> None:
        self.failure = failure
        self.number = number
        self.elapsed = elapsed
        super().__init__(failure.detail)


class _TooLarge(Exception):
    """The body of a ``status`` answer went past the size limit while it was read."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(status)


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
    (a text, or a function of the URL path giving one)
    (and of its subclasses that have no default of their own); ``masks`` hide more than the
    credentials in messages and logs (invitation tokens in paths); ``max_answer_bytes`` is the
    size limit of one answer.
    """

    def __init__(
        self,
        connection: Connection,
        *,
        service: str,
        retry: RetryPolicy | None = None,
        hints: Mapping[type[ApiError], Hint] | None = None,
        masks: Iterable[Mask] = (),
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.service = service
        self.retry = retry if retry is not None else RetryPolicy()
        self.max_answer_bytes = max_answer_bytes
        self._base_url = connection.url.rstrip("/")
        self._host = urlsplit(connection.url).netloc
        self._hints = dict(hints or {})
        self._redact = Redactor(connection.secrets(), masks)
        self._timeout = (connection.connect_timeout, connection.read_timeout)
        self._verify: bool | str = False if connection.insecure else (connection.ca_cert or True)
        session = requests.Session()
        adapter = WatchedAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
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
        DELETE. ``display_path`` replaces ``path`` in errors and logs (to mask tokens). Raises
        an ``ApiError`` subclass (``components.clients.errors``) when the call fails.
        """
        method = method.upper()
        shown = display_path if display_path is not None else path
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        started = self.retry.clock()
        deadline = started + self.retry.max_total_seconds

        def send(seconds: float) -> requests.Response:
            return self._session.request(
                method,
                self._base_url + path,
                params=params,
                json=body,
                headers=headers,
                # A second past the deadline: the watchdog, not a read timeout, ends it there.
                timeout=(min(self._timeout[0], seconds), min(self._timeout[1], seconds + 1.0)),
                verify=self._verify,
                allow_redirects=False,
                stream=True,
            )

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
                    received = self._attempt(
                        send, method, shown, number, (started, deadline), idempotent
                    )
        except _FailedAttempt as failed:
            failure = failed.failure
            raise self._error(
                failure, method, shown, failed.number, failed.elapsed, gave_up=failure.retryable
            ) from None
        return self._decode(received, method, shown)

    def _attempt(
        self,
        send: Callable[[float], requests.Response],
        method: str,
        shown: str,
        number: int,
        window: tuple[float, float],
        idempotent: bool,
    ) -> _Received:
        """One attempt within ``window`` (the call's start and deadline, on the policy's clock):
        the answer on success, else ``_FailedAttempt`` saying what failed."""
        self._wait_for_quota()
        started, deadline = window
        failure: _Failure | None = None
        received: _Received | None = None
        left = deadline - self.retry.clock()
        if left <= 0:
            failure = _Failure(DeadlineExceeded, False)
            outcome = "deadline"
        else:
            with Deadline(left) as cutoff:
                try:
                    received = self._receive(send(left))
                except _TooLarge as large:
                    failure = _Failure(
                        AnswerTooLarge,
                        False,
                        status=large.status,
                        detail=f"the answer is larger than {_size(self.max_answer_bytes)}, the "
                        "limit of one answer; reading stopped there",
                    )
                except (*_TRANSPORT_ERRORS, ValueError) as exc:
                    if cutoff.expired or self.retry.clock() >= deadline:
                        failure = _Failure(DeadlineExceeded, False)
                    else:
                        failure = self._connection_failure(exc, idempotent=idempotent)
            outcome = failure.error.__name__ if failure is not None else ""
        if received is not None:
            self._note_quota(received)
            failure = self._status_failure(received, idempotent)
            outcome = str(received.status)
        elapsed = self.retry.clock() - started
        _log.debug("%s %s -> %s (attempt %d, %.3f s)", method, shown, outcome, number, elapsed)
        if failure is not None:
            raise _FailedAttempt(failure, number, elapsed)
        assert received is not None
        return received

    def _receive(self, response: requests.Response) -> _Received:
        """Status, headers and body of ``response`` (the body within the size limits), the
        connection released or closed."""
        try:
            status = response.status_code
            if 300 <= status < 400:
                return _Received(status, response.headers, b"")
            limit = self.max_answer_bytes if status < 400 else _ERROR_BODY_BYTES
            declared = response.headers.get("content-length", "").strip()
            if status < 400 and declared.isdigit() and int(declared) > limit:
                raise _TooLarge(status)
            content = bytearray()
            for chunk in response.iter_content(_CHUNK):
                content += chunk
                if len(content) > limit:
                    if status < 400:
                        raise _TooLarge(status)
                    break  # an error's message is in its first bytes
            return _Received(status, response.headers, bytes(content))
        finally:
            response.close()

    def _status_failure(self, received: _Received, idempotent: bool) -> _Failure | None:
        status = received.status
        announced = received.headers.get("content-length", "").strip()
        if status == 204 and announced.isdigit() and int(announced) > 0:
            # The HTTP library reads no body after a 204, so what it says (an error, from the
            # sandbox's faults) would go unseen: such a success is not trusted.
            return _Failure(
                UnexpectedResponse,
                False,
                status=status,
                detail=f"it announces a body of {int(announced)} bytes, which a 204 never has",
                hint=_BODY_ON_204_HINT,
            )
        if 200 <= status < 300:
            return None
        if 300 <= status < 400:
            location = received.headers.get("location")
            return _Failure(
                Redirected,
                False,
                status=status,
                location=_shorten(self._redact(location)) if location else None,
            )
        if status < 200:
            return _Failure(UnexpectedResponse, False, status=status, detail="not a final answer")
        return self._response_failure(received, idempotent)

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

    def _note_quota(self, received: _Received) -> None:
        remaining = received.headers.get("x-ratelimit-remaining", "").strip()
        if not remaining.lstrip("-").isdigit() or int(remaining) > 0:
            return
        interval = duration_seconds(received.headers.get("x-ratelimit-interval", ""))
        if interval is None:
            return
        until = self.retry.clock() + min(interval, self.retry.max_retry_after)
        with self._pause_lock:
            self._paused_until = max(self._paused_until, until)

    def _decode(self, received: _Received, method: str, path: str) -> JsonResponse:
        """The JSON of a 2xx answer; ``UnexpectedResponse`` when it is not JSON or is an error
        body."""
        answer = JsonResponse(self.service, method, path, received.status, None, self._redact)
        if received.status == 204 or not received.content.strip():
            return answer
        try:
            body = json.loads(received.content)
        except (ValueError, RecursionError):
            kind = received.headers.get("content-type", "unknown")
            raise answer.unexpected(f"the body is not JSON (content type {kind!r})") from None
        error = _error_payload(body)
        if error is not None:
            code, detail = error
            raise UnexpectedResponse(
                service=self.service,
                method=method,
                path=path,
                status=received.status,
                code=self._redact(code) if code else None,
                detail=_shorten(self._redact(f"the body is an error: {detail}")),
                hint=_ERROR_UNDER_SUCCESS_HINT,
            )
        return JsonResponse(self.service, method, path, received.status, body, self._redact)

    def _response_failure(self, received: _Received, idempotent: bool) -> _Failure:
        status = received.status
        code, detail = _error_body(received)
        code = self._redact(code) if code else None
        retryable = status == 429 or (idempotent and status in _RETRYABLE_STATUSES)
        return _Failure(
            error_class(status, code),
            retryable,
            status=status,
            code=code,
            detail=_shorten(self._redact(detail)),
            retry_after=_retry_after(received.headers.get("retry-after")),
        )

    def _connection_failure(self, exc: Exception, *, idempotent: bool) -> _Failure:
        detail = _shorten(self._redact(_exception_text(exc)))
        if isinstance(exc, requests.exceptions.SSLError):
            return _Failure(ConnectionFailed, False, detail=detail, hint=_TLS_HINT)
        if isinstance(exc, ValueError):  # a URL or header requests refused: nothing was sent
            return _Failure(ConnectionFailed, False, detail=f"the request was not sent: {detail}")
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
        hint = failure.hint if failure.hint is not None else self._hint(failure.error, path)
        fields: dict[str, Any] = {
            "service": self.service,
            "method": method,
            "path": path,
            "hint": hint,
            "attempts": attempts,
            "elapsed": elapsed,
        }
        host = self._host
        if failure.error is DeadlineExceeded:
            return DeadlineExceeded(host=host, deadline=self.retry.max_total_seconds, **fields)
        if failure.error is ConnectionFailed:
            return ConnectionFailed(host=host, detail=failure.detail, gave_up=gave_up, **fields)
        if failure.error is Redirected:
            return Redirected(status=failure.status, location=failure.location, **fields)
        return failure.error(
            status=failure.status,
            code=failure.code,
            detail=failure.detail,
            retry_after=failure.retry_after,
            gave_up=gave_up,
            **fields,
        )

    def _hint(self, error: type[ApiError], path: str) -> str | None:
        """The client's hint for the nearest class that has one (a callable hint is given the
        call's ``path``: the hint fits the kind of object), unless a nearer class has its own
        default hint (then None: the error uses that)."""
        for cls in error.__mro__:
            if cls in self._hints:
                hint = self._hints[cls]
                return hint if isinstance(hint, str) else hint(path)
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


def _error_payload(payload: Any) -> tuple[str | None, str] | None:
    """(Cloud error code, server message) when a success's ``payload`` is an error body:
    Cloud's ``{errors: [{code, message}]}``, Kibana's Boom ``{statusCode >= 400, error,
    message}``, or Elasticsearch's ``{error: {type, reason} | str, status}``; None for any other
    JSON (none of the answers elastic-access reads has ``errors``, ``error`` or ``statusCode``).
    """
    if not isinstance(payload, dict):
        return None
    errors = payload.get("errors")
    status = payload.get("statusCode", payload.get("status"))
    error = payload.get("error")
    boom = isinstance(status, int) and not isinstance(status, bool) and status >= 400
    cloud = isinstance(errors, list) and bool(errors)
    if not (cloud or boom or (isinstance(error, str | dict) and error)):
        return None
    code, detail = _server_message(payload)
    detail = detail or _json_text(payload)
    return code, f"({status}) {detail}" if boom else detail


def _server_message(payload: Any) -> tuple[str | None, str]:
    """(Cloud error code, message) from a Cloud ``{errors: [{code, message}]}`` body, a
    Kibana Boom ``{statusCode, error, message}`` body or an Elasticsearch ``{error}`` body;
    ``(None, "")`` when ``payload`` is none of them."""
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
            detail = str(payload["error"].get("reason") or _json_text(payload["error"]))
    return code, detail


def _error_body(received: _Received) -> tuple[str | None, str]:
    """(Cloud error code, server message) of an error answer: its error body, else its text;
    the code from ``x-cloud-error-codes`` when the body has none."""
    try:
        payload = json.loads(received.content) if received.content.strip() else None
    except (ValueError, RecursionError):
        payload = None
    code, detail = _server_message(payload)
    if code is None:
        header = received.headers.get("x-cloud-error-codes", "")
        code = header.split(",")[0].strip() or None
    if not detail and payload is None:
        detail = " ".join(received.content.decode("utf-8", "replace").split())
    return code, detail


def _cloud_message(item: Mapping[str, Any]) -> str:
    message = str(item.get("message") or item.get("code") or "")
    fields = item.get("fields")
    if isinstance(fields, list) and fields:
        message += f" (fields: {', '.join(map(str, fields))})"
    return message


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date, RFC 9110
    section 10.2.3, as urllib3 reads it), or None when there is none or it is malformed."""
    if not value or not value.strip():
        return None
    try:
        return max(0.0, float(_RETRY_AFTER.parse_retry_after(value.strip())))
    except InvalidHeader:
        return None


def _not_sent(exc: Exception) -> bool:
    """True when the connection could not be opened, so the server never saw the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)


def _exception_text(exc: Exception) -> str:
    """The cause in words (``connection refused``, ``the host name does not resolve``...), from
    the innermost urllib3 cause; never a library's class name or object repr."""
    reason: object = exc.args[0] if exc.args else exc
    if isinstance(reason, MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    if isinstance(reason, ProtocolError) and len(reason.args) > 1:  # ("Connection aborted.", why)
        reason = reason.args[1]
    if isinstance(reason, NameResolutionError):
        return "the host name does not resolve (DNS)"
    number = getattr(reason, "errno", None) or _errno(str(reason))
    if number in _ERRNO_WORDS:
        return _ERRNO_WORDS[number]
    for kind, words in _CAUSES:  # NewConnectionError is a ConnectTimeoutError: errno first
        if isinstance(reason, kind) or isinstance(exc, kind):
            return words
    for openssl, words in _TLS_WORDS.items():
        if openssl in str(reason):
            return words
    text = _REPR.sub("", str(reason))
    text = re.sub(r"<[^<>]*>:?\s*", "", text).strip(" :")
    return text or "the connection failed"


# urllib3 puts its connection object's repr (``_WatchedHTTPConnection(host=..., port=...): ``)
# before the cause; the host and port are named by the message already.
_REPR = re.compile(r"\b_?\w+\(host=[^)]*\):?\s*")
_ERRNO = re.compile(r"\[Errno (-?\d+)\]")


def _errno(text: str) -> int | None:
    found = _ERRNO.search(text)
    return int(found.group(1)) if found else None


_ERRNO_WORDS = {
    errno.ECONNREFUSED: "connection refused: nothing listens on that port",
    errno.ECONNRESET: "the connection was reset by the server or a proxy",
    errno.EHOSTUNREACH: "no route to the host",
    errno.ENETUNREACH: "the network is unreachable",
    errno.ETIMEDOUT: "the connection timed out",
}
# OpenSSL's reasons (in ssl.SSLError texts) in words, with what to change.
_TLS_WORDS = {
    "WRONG_VERSION_NUMBER": "the server does not speak TLS (https) on that port: is the URL http://?",
    "CERTIFICATE_VERIFY_FAILED": "its TLS certificate is not trusted here: set the CA (caCert)",
    "TLSV1_ALERT_PROTOCOL_VERSION": "the server refuses this client's TLS version",
}
_CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectTimeoutError, "the connection timed out"),
    (requests.exceptions.ConnectTimeout, "the connection timed out"),
    (requests.exceptions.ReadTimeout, "no answer came in time (read timeout)"),
    (ReadTimeoutError, "no answer came in time (read timeout)"),
    (http.client.RemoteDisconnected, "the server closed the connection without an answer"),
)


def _size(limit: int) -> str:
    return f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit} bytes"


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 3] + "..."
