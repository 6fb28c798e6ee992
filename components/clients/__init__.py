"""HTTP clients for Kibana and the Elastic Cloud organization API.

They speak HTTP and nothing else: one ``requests.Session`` per client, auth, TLS, timeouts,
retries that honour ``Retry-After`` (rules in ``components.clients.http``), and the exception
family of ``components.clients.errors``. No Pulumi, no business rules.
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
        ApiError,
        Conflict,
        ConnectionFailed,
        Forbidden,
        InvalidRequest,
        NotFound,
        RateLimited,
        ServerError,
        Unauthorized,
        UnauthorizedRoleAssignments,
        UnexpectedResponse,
    )
    from components.clients.http import USER_AGENT, JsonHttpClient, JsonResponse
    from components.clients.kibana import KibanaClient, KibanaStatus

# Each name's module, imported on first use: a provider host that talks to Kibana only never
# loads the Cloud client, and the reverse.
_MODULES = {
    "ApiError": "errors",
    "CloudClient": "cloud",
    "CloudConnection": "connection",
    "Conflict": "errors",
    "Connection": "connection",
    "ConnectionFailed": "errors",
    "DEFAULT_CLOUD_URL": "connection",
    "Forbidden": "errors",
    "InvalidRequest": "errors",
    "JsonHttpClient": "http",
    "JsonResponse": "http",
    "KibanaClient": "kibana",
    "KibanaConnection": "connection",
    "KibanaStatus": "kibana",
    "NotFound": "errors",
    "RateLimited": "errors",
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
    "USER_AGENT",
    "ApiError",
    "CloudClient",
    "CloudConnection",
    "Conflict",
    "Connection",
    "ConnectionFailed",
    "Forbidden",
    "InvalidRequest",
    "JsonHttpClient",
    "JsonResponse",
    "KibanaClient",
    "KibanaConnection",
    "KibanaStatus",
    "NotFound",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "Unauthorized",
    "UnauthorizedRoleAssignments",
    "UnexpectedResponse",
]
