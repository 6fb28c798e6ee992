"""HTTP clients for Kibana and the Elastic Cloud organization API.

They speak HTTP and nothing else: one ``requests.Session`` per client, auth, TLS, timeouts,
retries that honour ``Retry-After``, a deadline per call, a size limit per answer, no
redirects (rules in ``components.clients.http``), the shape of every answer checked
(``components.clients.answers``), credentials kept out of every message and log
(``components.clients.redaction``), and the exception family of ``components.clients.errors``.
No Pulumi, no business rules.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.clients.cloud import CloudClient
    from components.clients.connection import (
        DEFAULT_CLOUD_URL,
        CloudConnection,
        Connection,
        KibanaConnection,
        RetryPolicy,
    )
    from components.clients.errors import (
        AnswerTooLarge,
        ApiError,
        Conflict,
        ConnectionFailed,
        DeadlineExceeded,
        Forbidden,
        InvalidRequest,
        NotFound,
        RateLimited,
        Redirected,
        ServerError,
        Unauthorized,
        UnauthorizedRoleAssignments,
        UnexpectedResponse,
    )
    from components.clients.http import MAX_ANSWER_BYTES, USER_AGENT, JsonHttpClient, JsonResponse
    from components.clients.kibana import KibanaClient, KibanaStatus

# Each name's module, imported on first use: a provider host that talks to Kibana only never
# loads the Cloud client, and the reverse.
_MODULES = {
    "AnswerTooLarge": "errors",
    "ApiError": "errors",
    "CloudClient": "cloud",
    "CloudConnection": "connection",
    "Conflict": "errors",
    "Connection": "connection",
    "ConnectionFailed": "errors",
    "DEFAULT_CLOUD_URL": "connection",
    "DeadlineExceeded": "errors",
    "Forbidden": "errors",
    "InvalidRequest": "errors",
    "JsonHttpClient": "http",
    "JsonResponse": "http",
    "KibanaClient": "kibana",
    "KibanaConnection": "connection",
    "KibanaStatus": "kibana",
    "MAX_ANSWER_BYTES": "http",
    "NotFound": "errors",
    "RateLimited": "errors",
    "Redirected": "errors",
    "RetryPolicy": "connection",
    "ServerError": "errors",
    "USER_AGENT": "http",
    "Unauthorized": "errors",
    "UnauthorizedRoleAssignments": "errors",
    "UnexpectedResponse": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(import_module(f"components.clients.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_CLOUD_URL",
    "MAX_ANSWER_BYTES",
    "USER_AGENT",
    "AnswerTooLarge",
    "ApiError",
    "CloudClient",
    "CloudConnection",
    "Conflict",
    "Connection",
    "ConnectionFailed",
    "DeadlineExceeded",
    "Forbidden",
    "InvalidRequest",
    "JsonHttpClient",
    "JsonResponse",
    "KibanaClient",
    "KibanaConnection",
    "KibanaStatus",
    "NotFound",
    "RateLimited",
    "Redirected",
    "RetryPolicy",
    "ServerError",
    "Unauthorized",
    "UnauthorizedRoleAssignments",
    "UnexpectedResponse",
]
