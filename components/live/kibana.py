"""A Kibana as the providers and the live commands see it: its target, where it stores roles
and spaces (its cluster), its privileges, features, spaces and roles, each listed once per
process, and the config-vs-live checks of a role and of a space.

Thread-safe: the provider host runs up to four operations at once. Status and privileges, and
status and the role list, are fetched together where both are needed. All role reads are served
from one ``GET /api/security/role``, all space reads from one ``GET /api/spaces/space``; a write
marks its object stale, and only that object is read again.

A resource records the cluster it lives on (``identity``); ``at`` gives the view of that
cluster, which is the configured Kibana unless ``kibana.url`` now reaches another cluster
(pulumi/pulumi#716).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
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
from ..core.spaces.spec import SpaceSpec
from ..core.spaces.validation import live_space_problems, validate_space
from ..core.target import (
    KibanaSettings,
    Privileges,
    TargetIdentity,
    configured_target,
    normalise_url,
    target_from_status,
    target_mismatch,
)
from ..core.versions import KibanaTarget
from .cache import FetchedOnce, Listed, together
from .errors import MissingCredential, MissingSetting, Refused, SetupError
from .service import LiveService, cannot_reach
from .settings import kibana_connection, lookup_from, section

Role = dict[str, Any]
Space = dict[str, Any]


class LiveKibana(LiveService[KibanaClient]):
    """One Kibana (or none: ``missing`` then says what to configure)."""

    service = "Kibana"

    def __init__(
        self,
        settings: KibanaSettings,
        connection: KibanaConnection | None,
        missing: str = "",
        retry: RetryPolicy | None = None,
        *,
        unusable: bool = False,
    ) -> None:
        self.settings = settings
        client = KibanaClient(connection, retry=retry) if connection else None
        super().__init__(client, missing, unusable=unusable)
        self._connection = connection
        self._retry = retry
        self._url = connection.url if connection else "Kibana"
        self._down: ConnectionFailed | None = None  # a check found it unreachable
        self._targets: FetchedOnce[tuple[str | None, str | None], KibanaTarget] = FetchedOnce()
        self._identity: FetchedOnce[None, TargetIdentity] = FetchedOnce()
        self._elsewhere: FetchedOnce[str, LiveKibana] = FetchedOnce()
        self._privileges: FetchedOnce[bool, Privileges] = FetchedOnce()
        self._builtin: FetchedOnce[str, dict[str, object] | None] = FetchedOnce()
        self._features: FetchedOnce[None, set[str]] = FetchedOnce()
        self._roles: Listed[Role] = Listed(
            lambda: {r["name"]: r for r in self.client.list_roles() if "name" in r},
            lambda name: self.client.get_role(name),
        )
        self._spaces: Listed[Space] = Listed(
            lambda: {str(s.get("id")): s for s in self.client.spaces()},
            lambda space_id: self.client.get_space(space_id),
        )

    # ------------------------------------------------------------ target

    @property
    def where(self) -> str:
        """The configured Kibana URL (for messages)."""
        return self._url

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

    def feature_ids(self) -> set[str]:
        """The ids of the features ``GET /api/features?ignoreValidLicenses=true`` lists (the
        registered, non-deprecated features, whatever the license), once per process."""
        return self._features.get(
            None,
            lambda: {str(f.get("id")) for f in self.client.features(ignore_valid_licenses=True)},
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

    # ------------------------------------------------------------ where roles and spaces live

    def identity(self) -> TargetIdentity:
        """The cluster this Kibana stores roles and spaces in (``GET /api/stats`` cluster
        uuid), with its normalised URL; where Kibana does not give the uuid (serverless may
        refuse the route), the URL and the ``GET /api/status`` server name. Once per process."""

        def fetch() -> TargetIdentity:
            status, cluster = together(self.client.status, self._cluster_uuid)
            return TargetIdentity(
                url=normalise_url(self._url),
                cluster=cluster,
                name=None if cluster else status.name,
            )

        return self._identity.get(None, fetch)

    def saved_identity(self) -> dict[str, str] | None:
        """``identity().saved()``, or None when Kibana cannot say now (preview shows the
        target a create or replacement goes to)."""
        if not self.reachable_config:
            return None
        try:
            return self.identity().saved()
        except ApiError:
            return None

    def _cluster_uuid(self) -> str | None:
        try:
            return self.client.cluster_uuid()
        except (InvalidRequest, Forbidden, NotFound):  # a route this Kibana does not serve us
            return None

    def at(self, saved: Any, what: str) -> LiveKibana:
        """The view of the Kibana where a resource lives whose outputs record ``saved``
        (``target``): this one when it reaches that cluster (or nothing was recorded), else the
        recorded URL, once it proves to reach the recorded cluster. ``Refused`` naming ``what``
        (``role gone-role``) and that cluster when it cannot be reached."""
        recorded = TargetIdentity.recorded(saved)
        if recorded is None:
            return self
        try:
            if self.identity().same_as(recorded):
                return self
        except ConnectionFailed:
            if recorded.url == normalise_url(self._url):
                raise  # the one Kibana is down: the usual message says so
        if self._connection is None:
            return self  # no Kibana configured: the call fails with what to set
        elsewhere = self._elsewhere.get(recorded.url, partial(self._other, recorded.url))
        try:
            found = elsewhere.identity()
        except ApiError as error:
            raise Refused(_unreachable(what, recorded, _reason(error))) from None
        if not found.same_as(recorded):
            raise Refused(_unreachable(what, recorded, f"{recorded.url} now reaches {found}"))
        return elsewhere

    def _other(self, url: str) -> LiveKibana:
        """The same credentials and TLS settings, at another URL."""
        assert self._connection is not None
        connection = dataclasses.replace(self._connection, url=url)
        return LiveKibana(self.settings, connection, retry=self._retry)

    def moved(self, saved: Any) -> bool:
        """Whether a resource whose outputs record ``saved`` lives on another cluster than the
        one the configured Kibana reaches (False when either cannot be told)."""
        recorded = TargetIdentity.recorded(saved)
        if recorded is None or not self.reachable_config:
            return False
        try:
            return not self.identity().same_as(recorded)
        except ConnectionFailed:
            return False

    # ------------------------------------------------------------ the checks of one resource

    def _checked_target(
        self, validate: Callable[[KibanaTarget, bool], list[Problem]], *fetch: Callable[[], Any]
    ) -> tuple[list[Problem], KibanaTarget | None]:
        """The errors of ``validate(target, live)`` for the live target (``live`` true), or
        for the configured one when Kibana is not configured, and a stack config naming another
        Kibana. A configured Kibana that cannot be reached is an error too (a preview that
        cannot see what it will write to must not pass: a GitOps check would go green), after
        the errors the configured target shows offline; the target returned is None then.
        ``fetch`` is fetched together with the target."""
        if self._down is not None:  # one connection failure answers every check of the run
            offline = errors(validate(self.configured_target(), False))
            return [*offline, Problem("kibana", self.unreachable(self._down))], None
        try:
            if self.reachable_config:
                target = together(self.target, *fetch)[0]
            else:
                target = self.configured_target()
        except ConnectionFailed as error:
            self._down = error
            offline = errors(validate(self.configured_target(), False))
            return [*offline, Problem("kibana", self.unreachable(error))], None
        except ApiError as error:  # 401, 403...: what to do is in the message
            return [Problem("kibana", str(error))], None
        problems = errors(validate(target, self.reachable_config))
        if self.reachable_config:
            mismatch = self.mismatch()
            if mismatch is not None:
                problems.append(
                    Problem(
                        "kibana",
                        f"{mismatch.path} {mismatch.message}; fix {mismatch.path} or remove it",
                    )
                )
        return problems, target

    def unreachable(self, error: ConnectionFailed) -> str:
        """The check failure of a configured Kibana that does not answer (``cannot_reach``)."""
        return cannot_reach(
            f"the Kibana at {self._url}", error, "elastic-access:kibana.url (or KIBANA_ENDPOINT)"
        )

    def role_problems(self, name: str, spec: RoleSpec) -> tuple[list[Problem], KibanaTarget | None]:
        """Every error of a role before anything is written, and the target it was checked for
        (None when Kibana could not say): the catalog's rules for the live target (or the
        configured one when Kibana is unreachable), a stack config naming another Kibana, and
        the ids the live privileges API does not know."""

        def validate(target: KibanaTarget, live: bool) -> list[Problem]:
            if live:
                # The live lists have the last word: feature ids by live_problems below,
                # Elasticsearch names by Kibana's built-in list where it gives one.
                names = self.es_names(target)
                return validate_role(name, spec, target, names, live_features=True)
            return validate_role(name, spec, target)

        problems, target = self._checked_target(
            validate, self.privileges, self.builtin_es_privileges
        )
        if problems or target is None or not self.reachable_config:
            return problems, target
        unlicensed = partial(self.privileges, respect_license_level=False)
        return live_problems(name, spec, target, self.privileges(), unlicensed), target

    def space_problems(
        self, space_id: str, spec: SpaceSpec
    ) -> tuple[list[Problem], KibanaTarget | None]:
        """Every error of a space before anything is written, and the target it was checked
        for (None when Kibana could not say): the offline rules, a stack config naming another
        Kibana, and disabled features the live features API does not list."""
        problems, target = self._checked_target(
            lambda target, _live: validate_space(space_id, spec, target)
        )
        if problems or target is None or not self.reachable_config:
            return problems, target
        try:
            features = self.feature_ids()
        except ApiError as error:
            return [Problem("kibana", str(error))], target
        return live_space_problems(space_id, spec, features, self._url), target

    # ------------------------------------------------------------ roles

    def role(self, name: str) -> Role | None:
        """The live role, from the one list call of this process (re-read alone if written)."""
        return self._roles.get(name)

    def role_and_target(
        self, name: str, recorded: Mapping[str, Any]
    ) -> tuple[Role | None, KibanaTarget]:
        """The live role and target, the role list and the status fetched together."""
        role, target = together(partial(self.role, name), partial(self.target_or, recorded))
        return role, target

    def put_role(self, name: str, body: Role, *, create_only: bool) -> None:
        """Create or replace a role (``Conflict`` when ``create_only`` and it exists)."""
        put = partial(self.client.put_role, name, body, create_only=create_only)
        self._roles.writing(name, put)

    def delete_role(self, name: str) -> bool:
        """Delete a role: False when there was none."""
        return self._roles.writing(name, partial(self.client.delete_role, name))

    def fresh_role(self, name: str) -> Role | None:
        """The role read now (not from the list), e.g. after a 409."""
        return self._roles.fresh(name)

    # ------------------------------------------------------------ spaces

    def space_ids(self) -> set[str]:
        """The ids of the spaces the credential can see."""
        return self._spaces.keys()

    def space(self, space_id: str) -> Space | None:
        """The live space, from the one list call of this process (re-read alone if written)."""
        return self._spaces.get(space_id)

    def space_and_target(
        self, space_id: str, recorded: Mapping[str, Any]
    ) -> tuple[Space | None, KibanaTarget]:
        """The live space and target, the space list and the status fetched together."""
        space, target = together(partial(self.space, space_id), partial(self.target_or, recorded))
        return space, target

    def create_space(self, body: Space) -> None:
        """``POST`` a new space (``Conflict`` when one of that id exists)."""
        self._spaces.writing(str(body["id"]), partial(self.client.create_space, body))

    def put_space(self, space_id: str, body: Space) -> None:
        """Replace a space's settings (send every field: Kibana keeps what is left out)."""
        self._spaces.writing(space_id, partial(self.client.put_space, space_id, body))

    def delete_space(self, space_id: str) -> bool:
        """Delete a space and everything saved in it: False when there was none."""
        return self._spaces.writing(space_id, partial(self.client.delete_space, space_id))

    def fresh_space(self, space_id: str) -> Space | None:
        """The space read now (not from the list), e.g. after a 409."""
        return self._spaces.fresh(space_id)


def refuse_reserved(name: str, live: Mapping[str, Any] | None) -> None:
    """Built-in roles (``metadata._reserved``) are never written or deleted: ``Refused``."""
    if live is not None and is_reserved(live):
        raise Refused(
            f"role {name} is a built-in (reserved) role; elastic-access never writes or deletes "
            "it: pick another name"
        )


def _reason(error: ApiError) -> str:
    if error.status is None:
        return f"{error.method} {error.path} got no answer: {error.detail}"
    return f"{error.method} {error.path} answered {error.status}"


def _unreachable(what: str, recorded: TargetIdentity, reason: str) -> str:
    return (
        f"{what} lives on {recorded}, which elastic-access cannot reach now ({reason}). Nothing "
        f"was changed there and the stack's state still holds {what}, so the next up tries "
        f"again: make {recorded.url} answer with the current credentials, or, if that cluster "
        f"is gone for good, forget {what} with pulumi state delete and its URN (pulumi stack "
        "--show-urns lists them)."
    )


def kibana_from_config(config: Any) -> LiveKibana:
    """The Kibana of a provider's ``configure()`` config (``pulumi.dynamic.Config``): the stack
    config first, then the environment. Never raises: without a URL, a ``LiveKibana`` that says
    what to set once it is needed; with an unusable value, one whose ``setup_problem`` names it
    (the provider's check reports it, issue: a traceback from ``configure``)."""
    get = lookup_from(config)
    settings = KibanaSettings()
    try:
        settings = section(KibanaSettings, "kibana", get("kibana"))
        connection = kibana_connection(
            settings,
            api_key=get("kibanaApiKey"),
            username=get("kibanaUsername"),
            password=get("kibanaPassword"),
        )
    except MissingCredential as missing:  # a URL without credential: preview says so
        return LiveKibana(settings, None, str(missing), unusable=True)
    except MissingSetting as missing:
        return LiveKibana(settings, None, missing.how)
    except SetupError as error:
        return LiveKibana(settings, None, str(error), unusable=True)
    return LiveKibana(settings, connection)
