"""The exceptions raised by the Kibana and Elastic Cloud clients.

Every failed call raises one ``ApiError``; catch the subclass you can act on::

    ApiError                        any failed call
    ├── InvalidRequest              400, 422: the server refused the body or a parameter
    ├── Unauthorized                401: the credential is wrong, expired or revoked
    ├── Forbidden                   403: the credential lacks a privilege (or the license a feature)
    │   └── UnauthorizedRoleAssignments
    │                               Cloud 403 ``role_assignments.unauthorized_role_assignments``
    ├── NotFound                    404
    ├── Conflict                    409: e.g. ``PUT ?createOnly=true`` on an existing role
    ├── RateLimited                 429
    ├── ServerError                 500-599
    ├── Redirected                  300-399: never followed (a write counts only on a 2xx from
    │                               the host it was sent to); ``location`` is where it pointed
    ├── ConnectionFailed            no response: refused, DNS, TLS, timeout, connection dropped
    │   └── DeadlineExceeded        no complete answer within the call's deadline (seconds)
    └── UnexpectedResponse          a success whose body is not the JSON the call expects: not
        │                           JSON, an error body under a 2xx, or a wrong shape (the field
        │                           is named)
        └── AnswerTooLarge          an answer over the size limit (bytes), not read further

Attributes (on every error): ``service`` ("Kibana" or "Elastic Cloud"), ``method``, ``path``
(the URL path without query string, with invitation tokens masked), ``status`` (HTTP status or
None when no response came), ``code`` (the Elastic Cloud error code, else None), ``detail`` (the
server's message), ``retry_after`` (seconds the server asked to wait, if it said),
``attempts`` and ``elapsed`` (seconds), and ``gave_up`` (true when the retry bound was hit).
``ConnectionFailed.host`` is the host that could not be reached.

``str(error)`` says what failed and what to do about it. It never contains a credential: the
HTTP layer removes every credential, in every encoding a server might echo it in, from every
text it puts in an error (detail, code, ``Location``; ``components.clients.redaction``), and no
request header is ever quoted.

Any other status of 400 and above raises ``ApiError`` itself. ``STATUS_ERRORS`` is the one table
from status to class; ``CODE_ERRORS`` refines it by Elastic Cloud error code.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

__all__ = [
    "CODE_ERRORS",
    "STATUS_ERRORS",
    "AnswerTooLarge",
    "ApiError",
    "Conflict",
    "ConnectionFailed",
    "DeadlineExceeded",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "RateLimited",
    "Redirected",
    "ServerError",
    "Unauthorized",
    "UnauthorizedRoleAssignments",
    "UnexpectedResponse",
    "error_class",
]


class ApiError(Exception):
    """A Kibana or Elastic Cloud call failed; see the module docstring for the attributes."""

    default_hint: ClassVar[str] = "See the detail above; the call was not completed."

    def __init__(
        self,
        *,
        service: str,
        method: str,
        path: str,
        status: int | None = None,
        code: str | None = None,
        detail: str = "",
        hint: str | None = None,
        retry_after: float | None = None,
        attempts: int = 1,
        elapsed: float = 0.0,
        gave_up: bool = False,
    ) -> None:
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.detail = detail
        self.hint = hint if hint is not None else self.default_hint
        self.retry_after = retry_after
        self.attempts = attempts
        self.elapsed = elapsed
        self.gave_up = gave_up
        super().__init__(self._message())

    def _outcome(self) -> str:
        if self.status is None:
            return f"failed: {self.detail}" if self.detail else "failed"
        try:
            reason = f" {HTTPStatus(self.status).phrase}"
        except ValueError:
            reason = ""
        code = f" [{self.code}]" if self.code else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"returned {self.status}{reason}{code}{detail}"

    def _message(self) -> str:
        text = f"{self.service} {self.method} {self.path} {self._outcome()}"
        if self.gave_up:
            attempts = "attempt" if self.attempts == 1 else "attempts"
            text += f". Gave up after {self.attempts} {attempts} in {self.elapsed:.1f} s"
        return f"{text.rstrip('.')}. {self.hint}"


class InvalidRequest(ApiError):
    """400 or 422: the server refused the request body or a parameter."""

    # No check is recommended here: preview already ran every check elastic-access has against
    # this server, so the value the server names is one they could not catch (issue 11 §3).
    default_hint = "Fix the value the server names above."


class Unauthorized(ApiError):
    """401: the server did not accept the credential."""

    default_hint = (
        "Check the API key / credentials: they are wrong, expired or revoked, or belong to "
        "another cluster or organization."
    )


class Forbidden(ApiError):
    """403: the credential is valid but lacks a privilege, or the license lacks a feature."""

    default_hint = "The credential lacks a privilege this call needs; grant it and retry."


class UnauthorizedRoleAssignments(Forbidden):
    """Cloud 403 ``role_assignments.unauthorized_role_assignments``.

    The API key may not grant or revoke at least one (role, deployment / project) in the body;
    Elastic Cloud also says so for hidden (stopped or deleted) deployments still referenced in a
    member's assignments (terraform-provider-ec#1041).
    """

    default_hint = (
        "The API key may not manage one of the roles or deployment / project ids in the request: "
        "use an organization-admin key, and drop ids of deployments that were shut down or deleted."
    )


class NotFound(ApiError):
    """404: the object (or the route) does not exist."""

    default_hint = "Check the name or id, and that the url points at the right server."


class Conflict(ApiError):
    """409: the object already exists or changed concurrently."""

    default_hint = "The object already exists or was changed meanwhile; refresh and retry."


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` is the wait the server asked for, if any."""

    default_hint = (
        "The server is rate limiting this credential: retry later, or lower the parallelism "
        "(pulumi up --parallel 2)."
    )


class ServerError(ApiError):
    """500-599: the server failed."""

    default_hint = "The server failed; retry later, and check its health and logs if it persists."


class Redirected(ApiError):
    """300-399: the server answered with a redirect, which is never followed. ``location`` is
    its ``Location`` header (credentials removed), or None when it sent none."""

    default_hint = (
        "elastic-access follows no redirect, so that a write counts only when the server it was "
        "sent to answers 2xx: set the url to the address that answers directly (scheme, host, "
        "port and base path), not one that a proxy or login page redirects."
    )

    def __init__(self, *, location: str | None = None, **fields: Any) -> None:
        self.location = location
        super().__init__(**fields)

    def _outcome(self) -> str:
        where = f", redirecting to {self.location}" if self.location else " without a Location"
        return super()._outcome() + where


class ConnectionFailed(ApiError):
    """No HTTP response: connection refused, DNS failure, TLS failure, timeout or a dropped
    connection. ``host`` is the ``host:port`` that could not be reached."""

    default_hint = (
        "Check the url, the network or proxy between here and the server, and the TLS settings "
        "(caCert, insecure)."
    )

    def __init__(
        self,
        *,
        service: str,
        method: str,
        path: str,
        host: str,
        detail: str = "",
        hint: str | None = None,
        attempts: int = 1,
        elapsed: float = 0.0,
        gave_up: bool = False,
    ) -> None:
        self.host = host
        super().__init__(
            service=service,
            method=method,
            path=path,
            detail=f"could not reach {host}" + (f" ({detail})" if detail else ""),
            hint=hint,
            attempts=attempts,
            elapsed=elapsed,
            gave_up=gave_up,
        )


class DeadlineExceeded(ConnectionFailed):
    """No complete answer within the call's deadline (``deadline`` seconds after its first
    attempt, retries included: ``RetryPolicy.max_total_seconds``), e.g. a server that trickles
    its answer: the connection is cut then."""

    default_hint = (
        "The server is stalled or far too slow (or a proxy in between is): retry later, and "
        "check its health; a write cut off this way may have been applied, so run "
        "`pulumi refresh` before trying again."
    )

    def __init__(self, *, deadline: float, **fields: Any) -> None:
        self.deadline = deadline
        super().__init__(**fields)

    def _outcome(self) -> str:
        return (
            f"failed: no complete answer from {self.host} within {self.deadline:g} s (the "
            "deadline of one call, retries included)"
        )


class UnexpectedResponse(ApiError):
    """A success status whose body is not the JSON the call expects: not JSON, an error body
    under a 2xx status, or a field of the wrong shape (``detail`` names it)."""

    default_hint = (
        "Nothing was taken from this answer. Check that the url points at the right service "
        "(Kibana, not Elasticsearch or a login proxy; the Elastic Cloud API, not the console), "
        "and that nothing in between rewrites its answers."
    )


class AnswerTooLarge(UnexpectedResponse):
    """An answer larger than the client's limit (``limit`` bytes): reading stopped there."""

    default_hint = (
        "elastic-access reads at most this much from one answer, far more than any role or "
        "member list it expects: check that the url points at the right service."
    )


STATUS_ERRORS: Mapping[int, type[ApiError]] = {
    **dict.fromkeys(range(300, 400), Redirected),
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: InvalidRequest,
    429: RateLimited,
    **dict.fromkeys(range(500, 600), ServerError),
}

CODE_ERRORS: Mapping[str, type[ApiError]] = {
    "role_assignments.unauthorized_role_assignments": UnauthorizedRoleAssignments,
}


def error_class(status: int, code: str | None = None) -> type[ApiError]:
    """The exception class for an error response: by Cloud error code first, then by status."""
    if code is not None and code in CODE_ERRORS:
        return CODE_ERRORS[code]
    return STATUS_ERRORS.get(status, ApiError)
