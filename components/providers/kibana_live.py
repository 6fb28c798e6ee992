"""What one provider-host process knows about the live Kibana, fetched once and shared.

The host runs up to four operations at once; everything here is thread-safe. Status and
privileges are fetched once per process; all role reads are served from one
``GET /api/security/role`` (a write marks its role stale, and only that role is read again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..clients import ConnectionFailed, KibanaClient
from ..core.roles.body import is_reserved
from ..core.target import Privileges, target_from_status, target_mismatch
from ..core.versions import KibanaTarget
from .errors import Refused, SetupError
from .live import LiveService
from .settings import KibanaSetup


class LiveKibana(LiveService[KibanaClient]):
    """A Kibana seen from the provider host: its target, privileges and roles."""

    service = "Kibana"

    def __init__(self, setup: KibanaSetup) -> None:
        client = KibanaClient(setup.connection) if setup.connection else None
        super().__init__(client, setup.missing)
        self.setup = setup
        self._target: KibanaTarget | None = None
        self._privileges: dict[bool, Privileges] = {}
        self._roles: dict[str, dict[str, Any]] | None = None
        self._stale: set[str] = set()

    # ------------------------------------------------------------ target

    def configured_target(self) -> KibanaTarget:
        """The target the stack config names (offline: newest stateful unless it says more)."""
        settings = self.setup.settings
        return KibanaTarget.of(settings.version, settings.flavor)

    def target(self) -> KibanaTarget:
        """The live Kibana's version and flavor (serverless: project type from its features)."""
        with self._lock:
            if self._target is None:
                status = self.client.status()
                self._target = target_from_status(
                    status.version, status.flavor, lambda: self._fetch_privileges(True)
                )
            return self._target

    def target_or(self, recorded: Mapping[str, Any]) -> KibanaTarget:
        """The live target, or the one recorded in a resource's outputs when Kibana is down."""
        try:
            return self.target()
        except (ConnectionFailed, SetupError):
            version, flavor = recorded.get("kibanaVersion"), recorded.get("flavor")
            if not version:
                raise
            return KibanaTarget.of(version, flavor, recorded.get("project"))

    def mismatch(self) -> str | None:
        """A sentence when the stack config names another Kibana than the live one."""
        found = target_mismatch(self.setup.settings, self.target())
        if found is None:
            return None
        verb = "is" if found.field == "kibana.flavor" else "runs"
        return (
            f"{found.field} is {found.configured} but {self.client_url} {verb} {found.live}; "
            f"fix {found.field} or remove it"
        )

    @property
    def client_url(self) -> str:
        return self.setup.connection.url if self.setup.connection else "Kibana"

    # ------------------------------------------------------------ privileges

    def privileges(self, *, respect_license_level: bool = True) -> Privileges:
        with self._lock:
            return self._fetch_privileges(respect_license_level)

    def _fetch_privileges(self, respect_license_level: bool) -> Privileges:
        if respect_license_level not in self._privileges:
            self._privileges[respect_license_level] = self.client.privileges(
                respect_license_level=respect_license_level
            )
        return self._privileges[respect_license_level]

    # ------------------------------------------------------------ roles

    def role(self, name: str) -> dict[str, Any] | None:
        """The live role, from the one list call of this process (re-read alone if written)."""
        with self._lock:
            if self._roles is None:
                self._roles = {r["name"]: r for r in self.client.list_roles() if "name" in r}
                self._stale.clear()
            if name in self._stale:
                live = self.client.get_role(name)
                self._stale.discard(name)
                if live is None:
                    self._roles.pop(name, None)
                else:
                    self._roles[name] = live
            return self._roles.get(name)

    def _written(self, name: str) -> None:
        with self._lock:
            self._stale.add(name)

    def put_role(self, name: str, body: dict[str, Any], *, create_only: bool) -> None:
        try:
            self.client.put_role(name, body, create_only=create_only)
        finally:
            self._written(name)

    def delete_role(self, name: str) -> bool:
        try:
            return self.client.delete_role(name)
        finally:
            self._written(name)

    def fresh_role(self, name: str) -> dict[str, Any] | None:
        """The role read now (not from the list), e.g. after a 409."""
        self._written(name)
        return self.role(name)


def refuse_reserved(name: str, live: Mapping[str, Any] | None) -> None:
    """Built-in roles are never written or deleted."""
    if live is not None and is_reserved(live):
        raise Refused(
            f"role {name} is a built-in (reserved) role; elastic-access never writes or deletes "
            "it: pick another name"
        )
