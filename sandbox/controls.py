"""A small client for the sandbox's test controls (``/_sandbox/`` on either server).

    controls = Controls(sandbox.kibana_url)
    user_id = controls.seed_member("bob@example.com", ["deployment-viewer"])
    controls.fault(r"/role_assignments$", "POST", 503, count=2)

Only available when the sandbox runs with ``controls=True`` (``--controls``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["NO_BODY", "ControlError", "Controls"]

NO_BODY: Any = object()
"""``Controls.fault(body=...)`` default: the fault brings no body of its own."""


class ControlError(RuntimeError):
    """A control request was refused (or controls are disabled: 404)."""


class Controls:
    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, name: str, body: Mapping[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/_sandbox/{name}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise ControlError(f"{method} /_sandbox/{name} -> {exc.code}: {detail}") from None
        return json.loads(raw) if raw.strip() else None

    # ------------------------------------------------------------ world

    def reset(self) -> None:
        """Back to the initial world (owner only, no custom roles); faults and logs cleared."""
        self._call("POST", "reset", {})

    def seed_role(self, name: str, body: Mapping[str, Any]) -> None:
        """Store a role as given (no validation; reserved-looking metadata allowed)."""
        self._call("POST", "roles", {"name": name, "body": dict(body)})

    def edit_role(self, name: str, body: Mapping[str, Any]) -> None:
        """Out-of-band change of a role (drift), as someone editing it in Kibana would."""
        self._call("POST", "edit_role", {"name": name, "body": dict(body)})

    def seed_space(self, space_id: str, name: str | None = None) -> None:
        """Create a space out of band (no validation), as someone using the Kibana UI would."""
        self._call("POST", "spaces", {"id": space_id, "name": name})

    def seed_saved_object(self, space_id: str, object_id: str, type: str = "cases") -> None:
        """Something kept in a space (a case, a dashboard); deleting the space drops it."""
        self._call("POST", "saved_objects", {"space": space_id, "id": object_id, "type": type})

    def set_cluster_uuid(self, uuid: str) -> None:
        """The uuid of the Elasticsearch cluster behind Kibana (``GET /api/stats``)."""
        self._call("POST", "cluster", {"uuid": uuid})

    def add_organization(self, organization_id: str, name: str | None = None) -> None:
        """Another organization on the same API (no members until seeded): the API key
        reaches every organization of the sandbox."""
        self._call("POST", "organizations", {"id": organization_id, "name": name})

    def server_guards(self, *, last_admin: bool) -> None:
        """Switch the sandbox's own refusal to remove or demote an organization's last admin
        (on by default; ``reset`` turns it on again). Off, the sandbox plays a Cloud without
        that check, so the product's own guard is what is tested."""
        self._call("POST", "guards", {"last_admin": last_admin})

    def seed_member(
        self,
        email: str,
        roles_atoms_or_assignments: Sequence[Any] | Mapping[str, Any] | None = None,
        name: str | None = None,
        organization: str | None = None,
    ) -> str:
        """Add (or replace the roles of) an accepted member of ``organization`` (default the
        sandbox's ``1000000001``); returns its user id.

        Roles: a ``RoleAssignments`` object, or a list of role ids (each granted on the whole
        organization / all deployments / all projects of its type) or atom dicts
        ``{"scope", "role", "target", "type"?, "applicationRoles"?}``.
        """
        value: Any = roles_atoms_or_assignments
        if value is not None and not isinstance(value, Mapping):
            value = list(value)
        elif value is not None:
            value = dict(value)
        body = {"email": email, "assignments": value, "name": name, "organization": organization}
        out = self._call("POST", "members", body)
        return str(out["user_id"])

    def seed_invitation(
        self,
        email: str,
        role_assignments: Mapping[str, Any] | Sequence[Any] | None = None,
        expires_in: str | None = None,
        organization: str | None = None,
    ) -> str:
        """Create a pending invitation (no rate limit) in ``organization`` (default the
        sandbox's); returns its token."""
        value: Any = role_assignments
        if value is not None:
            value = dict(value) if isinstance(value, Mapping) else list(value)
        body = {
            "email": email,
            "role_assignments": value,
            "expires_in": expires_in,
            "organization": organization,
        }
        return str(self._call("POST", "invitations", body)["token"])

    def hide_ids(self, ids: Sequence[str]) -> None:
        """Deployment / project ids the API key cannot see: naming one fails with 403."""
        self._call("POST", "hidden", {"ids": list(ids)})

    def accept_invitation(self, email: str) -> str:
        """The invitee accepts; returns the new member's user id."""
        return str(self._call("POST", "accept", {"email": email})["user_id"])

    def advance_clock(self, seconds: float) -> str:
        """Move the sandbox clock forward; returns the new time (RFC 3339)."""
        return str(self._call("POST", "clock", {"seconds": seconds})["now"])

    def set_assignments(
        self, user_id: str, role_assignments: Mapping[str, Any] | Sequence[Any]
    ) -> None:
        """Replace a member's role assignments out of band (drift)."""
        value: Any = (
            dict(role_assignments)
            if isinstance(role_assignments, Mapping)
            else list(role_assignments)
        )
        self._call("POST", "assignments", {"user_id": user_id, "role_assignments": value})

    # ------------------------------------------------------------ faults and observation

    def fault(
        self,
        path_regex: str,
        method: str | None = None,
        status: int | str | None = None,
        count: int = 1,
        retry_after: float | None = None,
        latency: float | None = None,
        *,
        body: Any = NO_BODY,
        location: str | None = None,
        drip: float | None = None,
        oversize: int | None = None,
        applied: bool = False,
    ) -> None:
        """The next ``count`` requests matching ``method`` (None: any) and ``path_regex``
        (searched in the path) misbehave; the route does not run when the fault answers itself.

        - ``status``: answer it with the service's error body (``Retry-After`` on 429), or
          ``"drop"`` to close the connection without an answer;
        - ``body``: answer this JSON instead (status 200 unless given; a 204 with a body
          closes the connection after it), e.g. an error body under a 2xx, or a wrong shape;
        - ``location``: with a 3xx ``status``, its ``Location`` (another host, port or path);
          a 3xx without it has none;
        - ``drip``: send the answer's body (the route's, or ``body``) one byte every ``drip``
          seconds after the headers;
        - ``oversize``: answer a JSON list of this many bytes, generated while sent (Kibana
          roles, or ``{"members": [...]}`` on Cloud);
        - ``latency``: wait this many seconds first;
        - ``applied``: with ``status`` (or ``"drop"``), the route runs first, so a write lands
          and only its answer is lost or replaced (the ambiguous failure a client must re-read
          after).
        """
        fields: dict[str, Any] = {
            "path": path_regex,
            "method": method,
            "status": status,
            "count": count,
            "retry_after": retry_after,
            "latency": latency,
            "location": location,
            "drip": drip,
            "oversize": oversize,
            "applied": applied,
        }
        if body is not NO_BODY:
            fields["body"] = body
        self._call("POST", "faults", fields)

    def clear_faults(self) -> None:
        """Forget every pending fault."""
        self._call("DELETE", "faults")

    def latency(self, seconds: float) -> None:
        """Delay every (non-control) request by ``seconds``."""
        self._call("POST", "latency", {"seconds": seconds})

    def shuffle(self, enabled: bool = True) -> None:
        """Return set-like arrays in random order (or not)."""
        self._call("POST", "shuffle", {"enabled": enabled})

    def requests(self) -> list[dict[str, Any]]:
        """Every non-control request so far: service, method, path, query, status (None when
        dropped). Headers and bodies are never recorded."""
        out: list[dict[str, Any]] = self._call("GET", "requests")
        return out

    def clear_requests(self) -> None:
        """Forget the request log and counters."""
        self._call("DELETE", "requests")

    def counters(self) -> dict[str, int]:
        """Requests per route: ``{"PUT /api/security/role/{name}": 3, ...}``."""
        out: dict[str, int] = self._call("GET", "counters")
        return out

    def state(self) -> dict[str, Any]:
        """The world as saved in the state file."""
        out: dict[str, Any] = self._call("GET", "state")
        return out
