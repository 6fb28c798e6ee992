"""The Elastic Cloud organization API calls elastic-access makes (under ``/api/v1``).

Bodies go out and come back as the API shapes them (dicts), each answer checked against its
model in ``components.clients.answers`` first (``UnexpectedResponse`` naming the field when it
does not fit); computing which role assignments to add or remove is the core's job. Every call
raises the ``components.clients.errors`` family; the deadline and size limit of an answer are
those of ``components.clients.http``. Invitation tokens are masked in messages and logs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from components.clients.answers import Invitations, Members, Organization, WriteAnswer
from components.clients.connection import CloudConnection, RetryPolicy
from components.clients.errors import ApiError, Forbidden, NotFound, Unauthorized
from components.clients.http import JsonHttpClient, ServiceClient
from components.clients.redaction import masked

__all__ = ["CloudClient"]

_API = "/api/v1"
# Invitation tokens are credentials of their own: hidden wherever a path is shown.
_TOKENS = masked(r"(/invitations/)[^/?#\s\"'<>]+", r"\1<invitation tokens>")

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
            JsonHttpClient(
                connection, service="Elastic Cloud", retry=retry, hints=_HINTS, masks=[_TOKENS]
            )
        )
        # Accept an endpoint given with or without the /api/v1 suffix.
        self._api = "" if urlsplit(connection.url).path.rstrip("/").endswith(_API) else _API

    def organization(self, org_id: str) -> dict[str, Any]:
        """``GET /organizations/{id}``: ``{id, name, ...}`` (``answers.Organization``)."""
        organization: dict[str, Any] = self._http.call("GET", self._org(org_id)).checked(
            Organization
        )
        return organization

    def list_members(self, org_id: str) -> list[dict[str, Any]]:
        """Every member, each ``{user_id, email, name, member_since, role_assignments, ...}``
        (``answers.Member``)."""
        answer = self._http.call("GET", f"{self._org(org_id)}/members").checked(Members)
        members: list[dict[str, Any]] = answer["members"]
        return members

    def list_invitations(self, org_id: str) -> list[dict[str, Any]]:
        """Every pending or expired invitation, each ``{token, email, expired, expires_at,
        role_assignments, ...}`` (``answers.Invitation``)."""
        answer = self._http.call("GET", f"{self._org(org_id)}/invitations").checked(Invitations)
        invitations: list[dict[str, Any]] = answer["invitations"]
        return invitations

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
        answer = self._http.call("POST", path, body=body, idempotent=False).checked(Invitations)
        created: list[dict[str, Any]] = answer["invitations"]
        return created

    def delete_invitations(self, org_id: str, tokens: Sequence[str]) -> None:
        """Delete invitations by token (done on a 2xx without an error body). The tokens are
        masked in errors and logs."""
        path = f"{self._org(org_id)}/invitations/"
        shown = f"{path}<{len(tokens)} invitation token{'s' if len(tokens) != 1 else ''}>"
        self._http.call(
            "DELETE", path + _csv(tokens, "invitation token"), display_path=shown
        ).checked(WriteAnswer)

    def delete_members(self, org_id: str, user_ids: Sequence[str]) -> None:
        """Remove members from the organization by user id (done on a 2xx without an error
        body)."""
        path = f"{self._org(org_id)}/members/{_csv(user_ids, 'user id')}"
        self._http.call("DELETE", path).checked(WriteAnswer)

    def add_role_assignments(self, user_id: str, body: Mapping[str, Any]) -> None:
        """``POST /users/{user_id}/role_assignments``: add (merge) a ``RoleAssignments`` body.
        Adding an atom that is already held changes nothing, so the call is retried."""
        self._http.call(
            "POST", self._assignments(user_id), body=dict(body), idempotent=True
        ).checked(WriteAnswer)

    def remove_role_assignments(self, user_id: str, body: Mapping[str, Any]) -> None:
        """``DELETE /users/{user_id}/role_assignments`` with a ``RoleAssignments`` body: remove
        exactly those atoms (a 403 ``UnauthorizedRoleAssignments`` refuses the whole body)."""
        self._http.call("DELETE", self._assignments(user_id), body=dict(body)).checked(WriteAnswer)

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
