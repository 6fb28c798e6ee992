"""HTTP clients for Kibana and the Elastic Cloud organization API.

They speak HTTP and nothing else: one ``requests.Session`` per client, auth, TLS, timeouts,
retries that honour ``Retry-After`` (rules in ``components.clients.http``), and the exception
family of ``components.clients.errors``. No Pulumi, no business rules.
"""

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
