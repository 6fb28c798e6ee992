"""The Elastic Cloud organization API calls elastic-access makes (under ``/api/v1``).

Bodies go out and come back as the API shapes them (dicts); computing which role assignments
to add or remove is the core's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from components.clients.connection import CloudConnection, RetryPolicy
from components.clients.errors import ApiError, Forbidden, NotFound, Unauthorized
from components.clients.http import JsonHttpClient, ServiceClient

__all__ = ["CloudClient"]

_API = "/api/v1"

_HINTS: dict[type[ApiError], str] = {
    Unauthorized: (
        "Check the API key (elastic-access:cloudApiKey or EC_API_KEY): it is wrong, expired "
        "(Elastic Cloud keys expire, after 3 months by default) or deleted."
    ),
    Forbidden: (
        "The Elastic Cloud API key lacks the role this call needs (the code above names the "
        "check that failed): use a key with organization-admin on this organization."
    ),
    NotFound: (
        "Check cloud.organizationId, and that the member or invitation still exists "
        "(pulumi refresh)."
    ),
}


class CloudClient(ServiceClient):
    """Typed calls to the Elastic Cloud organization API. Thread-safe; ``close()`` (or
    ``with``) releases connections."""

    def __init__(self, connection: CloudConnection, retry: RetryPolicy | None = None) -> None:
        super().__init__(
            JsonHttpClient(connection, service="Elastic Cloud", retry=retry, hints=_HINTS)
        )
        # Accept an endpoint given with or without the /api/v1 suffix.
        self._api = "" if urlsplit(connection.url).path.rstrip("/").endswith(_API) else _API

    def organization(self, org_id: str) -> dict[str, Any]:
        """``GET /organizations/{id}``: ``{id, name, ...}``."""
        return self._http.call("GET", self._org(org_id)).object()

    def list_members(self, org_id: str) -> list[dict[str, Any]]:
        """Every member, each ``{user_id, email, name, member_since, role_assignments, ...}``."""
        return self._http.call("GET", f"{self._org(org_id)}/members").objects("members")

    def list_invitations(self, org_id: str) -> list[dict[str, Any]]:
        """Every pending or expired invitation, each ``{token, email, expired, expires_at,
        role_assignments, ...}``."""
        return self._http.call("GET", f"{self._org(org_id)}/invitations").objects("invitations")

    def create_invitation(
        self,
        org_id: str,
        *,
        emails: Sequence[str],
        expires_in: str,
        role_assignments: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """Invite ``emails`` with the role assignments they get on accepting (201); returns the
        invitations created. Not idempotent: retried only on 429 and when the connection could
        not be opened."""
        body = {
            "emails": list(emails),
            "expires_in": expires_in,
            "role_assignments": dict(role_assignments),
        }
        path = f"{self._org(org_id)}/invitations"
        return self._http.call("POST", path, body=body, idempotent=False).objects("invitations")

    def delete_invitations(self, org_id: str, tokens: Sequence[str]) -> None:
        """Delete invitations by token. The tokens are masked in errors and logs."""
        path = f"{self._org(org_id)}/invitations/"
        masked = f"{path}<{len(tokens)} invitation token{'s' if len(tokens) != 1 else ''}>"
        self._http.call("DELETE", path + _csv(tokens, "invitation token"), display_path=masked)

    def delete_members(self, org_id: str, user_ids: Sequence[str]) -> None:
        """Remove members from the organization by user id."""
        self._http.call("DELETE", f"{self._org(org_id)}/members/{_csv(user_ids, 'user id')}")

    def add_role_assignments(self, user_id: str, body: Mapping[str, Any]) -> None:
        """``POST /users/{user_id}/role_assignments``: add (merge) a ``RoleAssignments`` body.
        Adding an atom that is already held changes nothing, so the call is retried."""
        self._http.call("POST", self._assignments(user_id), body=dict(body), idempotent=True)

    def remove_role_assignments(self, user_id: str, body: Mapping[str, Any]) -> None:
        """``DELETE /users/{user_id}/role_assignments`` with a ``RoleAssignments`` body: remove
        exactly those atoms (a 403 ``UnauthorizedRoleAssignments`` refuses the whole body)."""
        self._http.call("DELETE", self._assignments(user_id), body=dict(body))

    def _org(self, org_id: str) -> str:
        return f"{self._api}/organizations/{_segment(org_id, 'organization id')}"

    def _assignments(self, user_id: str) -> str:
        return f"{self._api}/users/{_segment(user_id, 'user id')}/role_assignments"


def _segment(value: str, what: str) -> str:
    if not value:
        raise ValueError(f"the Elastic Cloud {what} must not be empty")
    return quote(value, safe="")


def _csv(values: Sequence[str], what: str) -> str:
    """A comma-separated path parameter, each value URL-encoded (a comma inside one too)."""
    if isinstance(values, str) or not values:
        raise ValueError(f"give at least one {what} as a list")
    return ",".join(_segment(value, what) for value in values)
