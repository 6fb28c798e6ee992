"""A Kibana as the providers and the live commands see it: its target, privileges, spaces and
roles, each listed once per process, and the config-vs-live checks of a role.

Thread-safe: the provider host runs up to four operations at once. Status and privileges, and
status and the role list, are fetched together where both are needed. All role reads are served
from one ``GET /api/security/role``; a write marks its role stale, and only that role is read
again.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import partial
from typing import Any

from ..clients.connection import KibanaConnection, RetryPolicy
from ..clients.errors import (
    ApiError,
    ConnectionFailed,
    Forbidden,
    InvalidRequest,
    NotFound,
    UnexpectedResponse,
)
from ..clients.kibana import KibanaClient
from ..core.es_privileges import Names, from_builtin
from ..core.problems import Problem, errors
from ..core.roles.body import is_reserved
from ..core.roles.privileges import live_problems
from ..core.roles.spec import RoleSpec
from ..core.roles.validation import validate_role
from ..core.target import (
    KibanaSettings,
    Privileges,
    configured_target,
    target_from_status,
    target_mismatch,
)
from ..core.versions import KibanaTarget
from .cache import FetchedOnce, together
from .errors import MissingSetting, Refused, SetupError
from .service import LiveService
from .settings import kibana_connection, lookup_from, section

Role = dict[str, Any]


class LiveKibana(LiveService[KibanaClient]):
    """One Kibana (or none: ``missing`` then says what to configure)."""

    service = "Kibana"

    def __init__(
        self,
        settings: KibanaSettings,
        connection: KibanaConnection | None,
        missing: str = "",
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        super().__init__(KibanaClient(connection, retry=retry) if connection else None, missing)
        self._url = connection.url if connection else "Kibana"
        self._targets: FetchedOnce[tuple[str | None, str | None], KibanaTarget] = FetchedOnce()
        self._privileges: FetchedOnce[bool, Privileges] = FetchedOnce()
        self._builtin: FetchedOnce[str, dict[str, object] | None] = FetchedOnce()
        self._lists: FetchedOnce[str, Any] = FetchedOnce()  # the role list, the space ids
        self._roles_lock = threading.Lock()
        self._stale: set[str] = set()

    # ------------------------------------------------------------ target

    def configured_target(self) -> KibanaTarget:
        """The target the stack config names (offline: newest stateful unless it says more)."""
        return configured_target(self.settings)

    def target(self, version: str | None = None, flavor: str | None = None) -> KibanaTarget:
        """The live Kibana's version and flavor (``version``/``flavor`` where given instead);
        on serverless the project type from its features."""

        def fetch() -> KibanaTarget:
            if version is None or flavor is None:
                status = self.client.status()
                chosen = (version or status.version, flavor or status.flavor)
            else:
                chosen = (version, flavor)
            try:
                return target_from_status(*chosen, self.privileges)
            except ValueError as error:  # a version or flavor given that is none
                raise SetupError(str(error)) from None

        return self._targets.get((version, flavor), fetch)

    def target_or(self, recorded: Mapping[str, Any]) -> KibanaTarget:
        """The live target, or the one recorded in a resource's outputs when Kibana is down."""
        try:
            return self.target()
        except (ConnectionFailed, SetupError):
            version, flavor = recorded.get("kibanaVersion"), recorded.get("flavor")
            if not version:
                raise
            return KibanaTarget.of(version, flavor, recorded.get("project"))

    def mismatch(self, live: KibanaTarget | None = None) -> Problem | None:
        """When the stack config names another Kibana than the live one (``live``, by default
        the target ``GET /api/status`` names), the problem saying so."""
        found = target_mismatch(self.settings, live or self.target())
        if found is None:
            return None
        return Problem(found.field, found.sentence(self._url))

    # ------------------------------------------------------------ privileges and spaces

    def privileges(self, *, respect_license_level: bool = True) -> Privileges:
        """``GET /api/security/privileges`` (once per process and license flag)."""
        return self._privileges.get(
            respect_license_level,
            lambda: self.client.privileges(respect_license_level=respect_license_level),
        )

    def builtin_es_privileges(self) -> dict[str, object] | None:
        """Kibana's list of Elasticsearch's built-in privilege names (once per process), or None
        where Kibana will not give it (serverless restricts internal routes; older releases):
        then only the offline table can judge (reference/kibana-roles.md section 11.2)."""

        def fetch() -> dict[str, object] | None:
            try:
                return self.client.builtin_es_privileges()
            except (InvalidRequest, NotFound, Forbidden, UnexpectedResponse):
                return None

        return self._builtin.get("builtin", fetch)

    def es_names(self, target: KibanaTarget) -> Names | None:
        """The live Elasticsearch privilege names for ``target``, or None (see above)."""
        body = self.builtin_es_privileges()
        return None if body is None else from_builtin(body, target)

    def space_ids(self) -> set[str]:
        """The ids of the spaces the credential can see."""
        spaces: set[str] = self._lists.get(
            "spaces", lambda: {str(space.get("id")) for space in self.client.spaces()}
        )
        return spaces

    # ------------------------------------------------------------ the checks of one role

    def role_problems(self, name: str, spec: RoleSpec) -> tuple[list[Problem], KibanaTarget | None]:
        """Every error of a role before anything is written, and the target it was checked for
        (None when Kibana could not say): the catalog's rules for the live target (or the
        configured one when Kibana is unreachable), a stack config naming another Kibana, and
        the ids the live privileges API does not know."""
        try:
            if self.reachable_config:
                target, _, _ = together(self.target, self.privileges, self.builtin_es_privileges)
            else:
                target = self.configured_target()
        except ConnectionFailed:
            # Kibana is down: check what can be checked; create and update will fail loudly.
            return errors(validate_role(name, spec, self.configured_target())), None
        except ApiError as error:  # 401, 403...: what to do is in the message
            return [Problem("kibana", str(error))], None
        if self.reachable_config:
            # The live lists have the last word: feature ids by live_problems below,
            # Elasticsearch names by Kibana's built-in list where it gives one.
            found = validate_role(name, spec, target, self.es_names(target), live_features=True)
        else:
            found = validate_role(name, spec, target)
        problems = errors(found)
        if self.reachable_config:
            mismatch = self.mismatch()
            if mismatch is not None:
                problems.append(
                    Problem(
                        "kibana",
                        f"{mismatch.path} {mismatch.message}; fix {mismatch.path} or remove it",
                    )
                )
        if problems or not self.reachable_config:
            return problems, target
        unlicensed = partial(self.privileges, respect_license_level=False)
        return live_problems(name, spec, target, self.privileges(), unlicensed), target

    # ------------------------------------------------------------ roles

    def _role_list(self) -> dict[str, Role]:
        roles: dict[str, Role] = self._lists.get(
            "roles", lambda: {r["name"]: r for r in self.client.list_roles() if "name" in r}
        )
        return roles

    def role(self, name: str) -> Role | None:
        """The live role, from the one list call of this process (re-read alone if written)."""
        roles = self._role_list()
        with self._roles_lock:
            if name not in self._stale:
                return roles.get(name)
            live = self.client.get_role(name)
            self._stale.discard(name)
            if live is None:
                roles.pop(name, None)
            else:
                roles[name] = live
            return live

    def role_and_target(
        self, name: str, recorded: Mapping[str, Any]
    ) -> tuple[Role | None, KibanaTarget]:
        """The live role and target, the role list and the status fetched together."""
        role, target = together(partial(self.role, name), partial(self.target_or, recorded))
        return role, target

    def _written(self, name: str) -> None:
        with self._roles_lock:
            self._stale.add(name)

    def put_role(self, name: str, body: Role, *, create_only: bool) -> None:
        """Create or replace a role (``Conflict`` when ``create_only`` and it exists)."""
        try:
            self.client.put_role(name, body, create_only=create_only)
        finally:
            self._written(name)

    def delete_role(self, name: str) -> bool:
        """Delete a role: False when there was none."""
        try:
            return self.client.delete_role(name)
        finally:
            self._written(name)

    def fresh_role(self, name: str) -> Role | None:
        """The role read now (not from the list), e.g. after a 409."""
        self._written(name)
        return self.role(name)


def refuse_reserved(name: str, live: Mapping[str, Any] | None) -> None:
    """Built-in roles (``metadata._reserved``) are never written or deleted: ``Refused``."""
    if live is not None and is_reserved(live):
        raise Refused(
            f"role {name} is a built-in (reserved) role; elastic-access never writes or deletes "
            "it: pick another name"
        )


def kibana_from_config(config: Any) -> LiveKibana:
    """The Kibana of a provider's ``configure()`` config (``pulumi.dynamic.Config``): the stack
    config first, then the environment. ``SetupError`` for unusable values; without a URL, a
    ``LiveKibana`` that says what to set once it is needed."""
    get = lookup_from(config)
    settings: KibanaSettings = section(KibanaSettings, "kibana", get("kibana"))
    try:
        connection = kibana_connection(
            settings,
            api_key=get("kibanaApiKey"),
            username=get("kibanaUsername"),
            password=get("kibanaPassword"),
        )
    except MissingSetting as missing:
        return LiveKibana(settings, None, missing.how)
    return LiveKibana(settings, connection)
