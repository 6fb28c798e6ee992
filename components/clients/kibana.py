"""The Kibana HTTP API calls elastic-access makes: status, stats, roles, privileges, features,
spaces.

Bodies go out and come back as the API shapes them (dicts), each answer checked against its
model in ``components.clients.answers`` first (``UnexpectedResponse`` naming the field when it
does not fit); deciding what to send and comparing what comes back is the core's job. Every call
raises the ``components.clients.errors`` family; the deadline and size limit of an answer are
those of ``components.clients.http``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from components.clients.answers import (
    BuiltinPrivileges,
    Features,
    KibanaRole,
    KibanaRoles,
    KibanaStats,
    KibanaStatusAnswer,
    Privileges,
    Space,
    Spaces,
    WriteAnswer,
)
from components.clients.connection import KibanaConnection, RetryPolicy
from components.clients.errors import (
    ApiError,
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
)
from components.clients.http import Hint, JsonHttpClient, ServiceClient

__all__ = ["KibanaClient", "KibanaStatus"]

Flavor = Literal["stateful", "serverless"]

# Every write needs kbn-xsrf (any value). The role routes have one public version; pinning it
# keeps their shape fixed if Kibana adds another.
_XSRF = {"kbn-xsrf": "elastic-access"}
_ROLE_API = {"elastic-api-version": "2023-10-31"}
_INTERNAL = {"x-elastic-internal-origin": "Kibana"}

_HINTS: dict[type[ApiError], Hint] = {
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
    Conflict: lambda path: (
        "A space with this id already exists."
        if path.startswith("/api/spaces/")
        else "A role of this name already exists."
    ),
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
        status = self._http.call("GET", "/api/status").checked(KibanaStatusAnswer)
        version = status["version"]
        flavor: Flavor = "serverless" if version.get("build_flavor") == "serverless" else "stateful"
        return KibanaStatus(version=version["number"], flavor=flavor, name=status.get("name"))

    def cluster_uuid(self) -> str | None:
        """The uuid of the Elasticsearch cluster behind Kibana, from ``GET /api/stats
        ?extended=true&exclude_usage=true`` (``cluster_uuid``; usage is not collected), or None
        when the answer has none. Right after start Kibana may answer 503 "Stats not ready",
        which is retried (src/plugins/usage_collection/server/routes/stats)."""
        stats = self._http.call(
            "GET", "/api/stats", params={"extended": "true", "exclude_usage": "true"}
        ).checked(KibanaStats)
        uuid: str | None = stats.get("cluster_uuid") or None
        return uuid

    def get_role(self, name: str) -> dict[str, Any] | None:
        """The role as Kibana returns it (``answers.KibanaRole``), or None when there is no such
        role (404)."""
        try:
            response = self._http.call("GET", _role_path(name), headers=_ROLE_API)
        except NotFound:
            return None
        role: dict[str, Any] = response.checked(KibanaRole)
        return role

    def list_roles(self) -> list[dict[str, Any]]:
        """Every role (``GET /api/security/role``, each an ``answers.KibanaRole``), sorted by
        name by Kibana."""
        response = self._http.call("GET", "/api/security/role", headers=_ROLE_API)
        roles: list[dict[str, Any]] = response.checked(KibanaRoles, root="roles")
        return roles

    def put_role(self, name: str, body: dict[str, Any], *, create_only: bool) -> None:
        """Create or fully replace a role (204). With ``create_only`` an existing role gives
        ``Conflict`` (409) instead of being replaced; note that a retried create whose first
        attempt was applied also answers 409. Done only on a 2xx without an error body."""
        self._http.call(
            "PUT",
            _role_path(name),
            params={"createOnly": "true" if create_only else "false"},
            body=body,
            headers=_ROLE_API | _XSRF,
        ).checked(WriteAnswer)

    def delete_role(self, name: str) -> bool:
        """Delete a role: True when deleted (a 2xx without an error body), False when there was
        no such role (404)."""
        try:
            response = self._http.call("DELETE", _role_path(name), headers=_ROLE_API | _XSRF)
        except NotFound:
            return False
        response.checked(WriteAnswer)
        return True

    def privileges(self, *, respect_license_level: bool = True) -> dict[str, Any]:
        """``GET /api/security/privileges`` (``answers.Privileges``): ``{global, space,
        features: {id: [privilege]}, reserved}``. With ``respect_license_level=False`` it also
        lists the sub-feature privileges the current license does not grant."""
        params = None if respect_license_level else {"respectLicenseLevel": "false"}
        response = self._http.call("GET", "/api/security/privileges", params=params)
        privileges: dict[str, Any] = response.checked(Privileges)
        return privileges

    def builtin_es_privileges(self) -> dict[str, Any]:
        """``GET /internal/security/esPrivileges/builtin``: Elasticsearch's built-in privilege
        names, ``{cluster, index, remote_cluster}`` (security plugin get_builtin.ts). An internal
        route, sent with ``x-elastic-internal-origin``; serverless may refuse it (400). Shape:
        ``answers.BuiltinPrivileges``."""
        response = self._http.call(
            "GET", "/internal/security/esPrivileges/builtin", headers=_INTERNAL
        )
        names: dict[str, Any] = response.checked(BuiltinPrivileges)
        return names

    def features(self, *, ignore_valid_licenses: bool = False) -> list[dict[str, Any]]:
        """``GET /api/features``: the registered, non-deprecated features (``answers.Feature``;
        with ``ignore_valid_licenses`` also those the license does not cover)."""
        params = {"ignoreValidLicenses": "true"} if ignore_valid_licenses else None
        features: list[dict[str, Any]] = self._http.call(
            "GET", "/api/features", params=params
        ).checked(Features, root="features")
        return features

    def spaces(self) -> list[dict[str, Any]]:
        """``GET /api/spaces/space``: every space the credential can see (``answers.Space``)."""
        spaces: list[dict[str, Any]] = self._http.call("GET", "/api/spaces/space").checked(
            Spaces, root="spaces"
        )
        return spaces

    def get_space(self, space_id: str) -> dict[str, Any] | None:
        """``GET /api/spaces/space/{id}`` (``answers.Space``), or None when there is no such
        space (404)."""
        try:
            response = self._http.call("GET", _space_path(space_id))
        except NotFound:
            return None
        space: dict[str, Any] = response.checked(Space)
        return space

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
