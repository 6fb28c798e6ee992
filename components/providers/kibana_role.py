"""The Kibana role dynamic provider: thin adapter over the core and the Kibana client.

Inputs: ``name`` (the Kibana role name), ``role`` (its config, as in ``elastic-access:roles``),
``adopt``. Outputs add ``body`` (the normalised role as Kibana holds it), ``kibanaVersion``,
``flavor`` and ``project`` (the target it was rendered for).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pydantic import ValidationError

from ..clients import ApiError, Conflict, ConnectionFailed
from ..core.problems import Problem, errors, problems_from
from ..core.roles.body import normalise, put_body, same_role
from ..core.roles.expand import render
from ..core.roles.flatten import flatten
from ..core.roles.privileges import live_problems
from ..core.roles.spec import RoleSpec
from ..core.roles.validation import validate_role
from ..core.versions import KibanaTarget
from .errors import Refused
from .kibana_live import LiveKibana, refuse_reserved
from .settings import kibana_setup, lookup_from
from .unknowns import has_unknown

INPUTS = ("name", "role", "adopt")


def _spec(props: dict[str, Any]) -> RoleSpec:
    return RoleSpec.model_validate(props.get("role") or {})


def _target_outputs(target: KibanaTarget) -> dict[str, Any]:
    return {
        "kibanaVersion": str(target.version),
        "flavor": target.flavor,
        "project": target.project,
    }


class KibanaRoleProvider(ResourceProvider):
    """Creates, diffs, updates, reads and deletes one Kibana role."""

    serialize_as_secret_always = False
    _live: LiveKibana

    def configure(self, req: ConfigureRequest) -> None:
        self._live = LiveKibana(kibana_setup(lookup_from(req.config)))

    # ------------------------------------------------------------ check

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        if has_unknown(news):
            return CheckResult(news, [])  # checked again by up, once every value is known
        name = str(news.get("name") or "")
        problems, target = self._problems(name, news.get("role") or {})
        if not problems and target is not None:
            # The Kibana body as input too: preview shows its exact change, policies judge it.
            news = {**news, "body": render(_spec(news), target)}
        return CheckResult(news, [CheckFailure("role", str(p)) for p in problems])

    def _problems(
        self, name: str, raw: dict[str, Any]
    ) -> tuple[list[Problem], KibanaTarget | None]:
        prefix = ("roles", name)
        try:
            spec = RoleSpec.model_validate(raw)
        except ValidationError as error:
            return problems_from(error, RoleSpec, prefix), None
        live = self._live
        try:
            target = live.target() if live.reachable_config else live.configured_target()
        except ConnectionFailed:
            # Kibana is down: check what can be checked; create and update will fail loudly.
            return errors(validate_role(name, spec, live.configured_target())), None
        except ApiError as error:  # 401, 403...: what to do is in the message
            return [Problem("kibana", str(error))], None
        problems = errors(validate_role(name, spec, target))
        if live.reachable_config:
            mismatch = live.mismatch()
            if mismatch:
                problems.append(Problem("kibana", mismatch))
        if problems or not live.reachable_config:
            return problems, target
        unlicensed = partial(live.privileges, respect_license_level=False)
        return live_problems(name, spec, target, live.privileges(), unlicensed), target

    # ------------------------------------------------------------ diff

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if olds.get("name") != news.get("name"):
            # Another role name: create the new role before deleting the old, so nobody who
            # holds both is without access in between.
            return DiffResult(changes=True, replaces=["name"], delete_before_replace=False)
        target = self._live.target_or(olds)
        desired = render(_spec(news), target)
        return DiffResult(changes=desired != olds.get("body"), replaces=[])

    # ------------------------------------------------------------ create / update

    def create(self, props: dict[str, Any]) -> CreateResult:
        name, spec, adopt = str(props["name"]), _spec(props), bool(props.get("adopt"))
        target = self._live.target()
        body = put_body(render(spec, target))
        if adopt:
            refuse_reserved(name, self._live.fresh_role(name))
            self._live.put_role(name, body, create_only=False)
        else:
            self._create_only(name, body)
        return CreateResult(name, self._outputs(props, body, target))

    def _create_only(self, name: str, body: dict[str, Any]) -> None:
        try:
            self._live.put_role(name, body, create_only=True)
        except Conflict:
            live = self._live.fresh_role(name)
            refuse_reserved(name, live)
            if live is not None and same_role(live, body):
                return  # an earlier, interrupted run created it: adopt it as it is
            raise Refused(
                f"role {name} already exists in Kibana with other privileges; elastic-access "
                f"does not overwrite it. Set adopt: true under elastic-access:roles.{name} to "
                "take it over (its privileges become the config's), or pick another name."
            ) from None

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        name = str(news["name"])
        target = self._live.target()
        body = put_body(render(_spec(news), target))
        self._live.put_role(name, body, create_only=False)
        return UpdateResult(self._outputs(news, body, target))

    def _outputs(
        self, props: dict[str, Any], body: dict[str, Any], target: KibanaTarget
    ) -> dict[str, Any]:
        inputs = {k: props.get(k) for k in INPUTS}
        return {**inputs, "body": normalise(body), **_target_outputs(target)}

    # ------------------------------------------------------------ read / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = self._live.role(id_)
        if live is None:
            return ReadResult(id_="", outs={})
        target = self._live.target_or(props)
        body = normalise(live)
        inputs = {k: props.get(k) for k in INPUTS}
        inputs["name"] = id_
        if body != props.get("body"):
            inputs["role"] = flatten(live, target)
        inputs["body"] = body
        outs = {**inputs, "body": body, **_target_outputs(target)}
        return ReadResult(id_=id_, outs=outs, inputs=inputs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        refuse_reserved(id_, self._live.role(id_))
        self._live.delete_role(id_)


__all__ = ["KibanaRoleProvider"]
