"""The Kibana HTTP API calls elastic-access makes: status, stats, roles, privileges, features,
spaces.

Bodies go out and come back as the API shapes them (dicts); deciding what to send and
comparing what comes back is the core's job.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from components.clients.connection import KibanaConnection, RetryPolicy
from components.clients.errors import (
    ApiError,
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
)
from components.clients.http import JsonHttpClient, ServiceClient

__all__ = ["KibanaClient", "KibanaStatus"]

Flavor = Literal["stateful", "serverless"]

# Every write needs kbn-xsrf (any value). The role routes have one public version; pinning it
# keeps their shape fixed if Kibana adds another.
_XSRF = {"kbn-xsrf": "elastic-access"}
_ROLE_API = {"elastic-api-version": "2023-10-31"}
_INTERNAL = {"x-elastic-internal-origin": "Kibana"}

_HINTS: dict[type[ApiError], str] = {
    Unauthorized: (
        "Check the API key / credentials (elastic-access:kibanaApiKey or KIBANA_API_KEY, or "
        "kibanaUsername / kibanaPassword): they are wrong, expired or revoked, or belong to "
        "another cluster."
    ),
    Forbidden: (
        "The API key (or user) needs the manage_security cluster privilege to manage roles. If it "
        "has it, the detail names what the license or the server refused."
    ),
    NotFound: (
        "Check the name, and that the url points at Kibana (not Elasticsearch) with its base "
        "path; on Serverless, custom roles must be enabled for the project."
    ),
    Conflict: "A role of this name already exists.",
}


@dataclass(frozen=True)
class KibanaStatus:
    """What ``GET /api/status`` says about the server: its version, flavor and server name."""

    version: str
    flavor: Flavor
    name: str | None = None


class KibanaClient(ServiceClient):
    """Typed calls to one Kibana. Thread-safe; ``close()`` (or ``with``) releases connections."""

    def __init__(self, connection: KibanaConnection, retry: RetryPolicy | None = None) -> None:
        super().__init__(JsonHttpClient(connection, service="Kibana", retry=retry, hints=_HINTS))
        self._status: KibanaStatus | None = None
        self._status_lock = threading.Lock()

    def status(self) -> KibanaStatus:
        """Version and flavor from ``GET /api/status``, fetched once per client.

        ``version.build_flavor`` "serverless" is the serverless flavor; "traditional" or no
        build_flavor (older releases) is stateful.
        """
        with self._status_lock:
            if self._status is None:
                self._status = self._fetch_status()
            return self._status

    def _fetch_status(self) -> KibanaStatus:
        response = self._http.call("GET", "/api/status")
        version = response.object().get("version")
        if not isinstance(version, dict) or not isinstance(version.get("number"), str):
            raise response.unexpected("the status body has no version.number")
        flavor: Flavor = "serverless" if version.get("build_flavor") == "serverless" else "stateful"
        name = response.object().get("name")
        return KibanaStatus(
            version=version["number"], flavor=flavor, name=name if isinstance(name, str) else None
        )

    def cluster_uuid(self) -> str | None:
        """The uuid of the Elasticsearch cluster behind Kibana, from ``GET /api/stats
        ?extended=true&exclude_usage=true`` (``cluster_uuid``; usage is not collected), or None
        when the answer has none. Right after start Kibana may answer 503 "Stats not ready",
        which is retried (src/plugins/usage_collection/server/routes/stats)."""
        response = self._http.call(
            "GET", "/api/stats", params={"extended": "true", "exclude_usage": "true"}
        )
        uuid = response.object().get("cluster_uuid")
        return uuid if isinstance(uuid, str) and uuid else None

    def get_role(self, name: str) -> dict[str, Any] | None:
        """The role as Kibana returns it, or None when there is no such role (404)."""
        try:
            return self._http.call("GET", _role_path(name), headers=_ROLE_API).object()
        except NotFound:
            return None

    def list_roles(self) -> list[dict[str, Any]]:
        """Every role (``GET /api/security/role``), sorted by name by Kibana."""
        return self._http.call("GET", "/api/security/role", headers=_ROLE_API).objects()

    def put_role(self, name: str, body: dict[str, Any], *, create_only: bool) -> None:
        """Create or fully replace a role (204). With ``create_only`` an existing role gives
        ``Conflict`` (409) instead of being replaced; note that a retried create whose first
        attempt was applied also answers 409."""
        self._http.call(
            "PUT",
            _role_path(name),
            params={"createOnly": "true" if create_only else "false"},
            body=body,
            headers=_ROLE_API | _XSRF,
        )

    def delete_role(self, name: str) -> bool:
        """Delete a role: True when deleted, False when there was no such role (404)."""
        try:
            self._http.call("DELETE", _role_path(name), headers=_ROLE_API | _XSRF)
        except NotFound:
            return False
        return True

    def privileges(self, *, respect_license_level: bool = True) -> dict[str, Any]:
        """``GET /api/security/privileges``: ``{global, space, features: {id: [privilege]},
        reserved}``. With ``respect_license_level=False`` it also lists the sub-feature
        privileges the current license does not grant."""
        params = None if respect_license_level else {"respectLicenseLevel": "false"}
        return self._http.call("GET", "/api/security/privileges", params=params).object()

    def builtin_es_privileges(self) -> dict[str, Any]:
        """``GET /internal/security/esPrivileges/builtin``: Elasticsearch's built-in privilege
        names, ``{cluster, index, remote_cluster}`` (security plugin get_builtin.ts). An internal
        route, sent with ``x-elastic-internal-origin``; serverless may refuse it (400)."""
        return self._http.call(
            "GET", "/internal/security/esPrivileges/builtin", headers=_INTERNAL
        ).object()

    def features(self, *, ignore_valid_licenses: bool = False) -> list[dict[str, Any]]:
        """``GET /api/features``: the registered, non-deprecated features (with
        ``ignore_valid_licenses`` also those the license does not cover)."""
        params = {"ignoreValidLicenses": "true"} if ignore_valid_licenses else None
        return self._http.call("GET", "/api/features", params=params).objects()

    def spaces(self) -> list[dict[str, Any]]:
        """``GET /api/spaces/space``: every space the credential can see."""
        return self._http.call("GET", "/api/spaces/space").objects()

    def get_space(self, space_id: str) -> dict[str, Any] | None:
        """``GET /api/spaces/space/{id}``, or None when there is no such space (404)."""
        try:
            return self._http.call("GET", _space_path(space_id)).object()
        except NotFound:
            return None

    def create_space(self, body: dict[str, Any]) -> None:
        """``POST /api/spaces/space``; ``Conflict`` (409) when a space of that id exists, also
        when a retried attempt finds the space its first attempt created (the caller compares
        the live space then, which is what makes retrying this POST safe)."""
        self._http.call("POST", "/api/spaces/space", body=body, headers=_XSRF, idempotent=True)

    def put_space(self, space_id: str, body: dict[str, Any]) -> None:
        """``PUT /api/spaces/space/{id}``. Kibana merges: a field left out keeps its stored
        value (spaces_client.ts update), so send every field to reset it."""
        self._http.call("PUT", _space_path(space_id), body=body, headers=_XSRF)

    def delete_space(self, space_id: str) -> bool:
        """``DELETE /api/spaces/space/{id}``, which deletes every saved object in the space
        (cases included): True when deleted, False when there was no such space (404)."""
        try:
            self._http.call("DELETE", _space_path(space_id), headers=_XSRF)
        except NotFound:
            return False
        return True


def _space_path(space_id: str) -> str:
    if not space_id:
        raise ValueError("a Kibana space id must not be empty")
    return f"/api/spaces/space/{quote(space_id, safe='')}"


def _role_path(name: str) -> str:
    if not name:
        raise ValueError("a Kibana role name must not be empty")
    return f"/api/security/role/{quote(name, safe='')}"
