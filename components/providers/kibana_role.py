"""The Kibana role dynamic provider: thin adapter over the core and the live Kibana.

Props: ``props.RoleProps``. Each method parses the role's spec once and renders it at most once.
The module path and class name are saved in Pulumi state: do not move or rename them.
"""

from __future__ import annotations

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

from ..clients.errors import Conflict
from ..core.problems import problems_from
from ..core.roles.body import Body, normalise, put_body, same_role
from ..core.roles.expand import render
from ..core.roles.flatten import flatten
from ..core.roles.spec import RoleSpec
from ..core.versions import KibanaTarget
from ..live.errors import Refused
from ..live.kibana import LiveKibana, kibana_from_config, refuse_reserved
from .props import ROLE_INPUTS
from .unknowns import deferred_check, refuse_unknown, unknown_diff


def _spec(props: dict[str, Any]) -> RoleSpec:
    return RoleSpec.model_validate(props.get("role") or {})


def _outputs(props: dict[str, Any], body: Body, target: KibanaTarget) -> dict[str, Any]:
    inputs = {k: props.get(k) for k in ROLE_INPUTS}
    return {
        **inputs,
        "body": normalise(body),
        "kibanaVersion": str(target.version),
        "flavor": target.flavor,
        "project": target.project,
    }


class KibanaRoleProvider(ResourceProvider):
    """Creates, diffs, updates, reads and deletes one Kibana role."""

    serialize_as_secret_always = False
    _live: LiveKibana

    def configure(self, req: ConfigureRequest) -> None:
        """Build the process's view of Kibana from the stack config and environment."""
        self._live = kibana_from_config(req.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Refuse an invalid role (field path and what is allowed, checked against the live Kibana
        when reachable); add the rendered ``body``."""
        deferred = deferred_check(news, adds=("body",))
        if deferred is not None:
            return deferred  # checked again by up, once every value is known
        name = str(news.get("name") or "")
        try:
            spec = _spec(news)
        except ValidationError as error:
            problems = problems_from(error, RoleSpec, ("roles", name))
            return CheckResult(news, [CheckFailure("role", str(p)) for p in problems])
        problems, target = self._live.role_problems(name, spec)
        if not problems and target is not None:
            # The Kibana body as input too: preview shows its exact change, policies judge it.
            news = {**news, "body": render(spec, target)}
        return CheckResult(news, [CheckFailure("role", str(p)) for p in problems])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace on another name; update when the rendered body differs from the saved one;
        "unknown" while an input is (a value from another resource, at preview)."""
        unknown = unknown_diff(olds, news, replace_keys=("name",))
        if unknown is not None:
            return unknown
        if olds.get("name") != news.get("name"):
            # Another role name: create the new role before deleting the old, so nobody who
            # holds both is without access in between.
            return DiffResult(changes=True, replaces=["name"], delete_before_replace=False)
        desired = render(_spec(news), self._live.target_or(olds))
        return DiffResult(changes=desired != olds.get("body"), replaces=[])

    def create(self, props: dict[str, Any]) -> CreateResult:
        """``PUT ?createOnly=true`` (a full PUT with ``adopt``); a role that exists already is
        taken over only when equal."""
        refuse_unknown(props, f"role {props.get('name')}")
        name, adopt = str(props["name"]), bool(props.get("adopt"))
        target = self._live.target()
        body = put_body(render(_spec(props), target), normalised=True)
        if adopt:
            refuse_reserved(name, self._live.fresh_role(name))
            self._live.put_role(name, body, create_only=False)
        else:
            self._create_only(name, body)
        return CreateResult(name, _outputs(props, body, target))

    def _create_only(self, name: str, body: Body) -> None:
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
        """A full PUT of the rendered body."""
        refuse_unknown(news, f"role {news.get('name')}")
        target = self._live.target()
        body = put_body(render(_spec(news), target), normalised=True)
        self._live.put_role(str(news["name"]), body, create_only=False)
        return UpdateResult(_outputs(news, body, target))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live role, normalised (refresh); a changed role's config becomes the inputs."""
        live, target = self._live.role_and_target(id_, props)
        if live is None:
            return ReadResult(id_="", outs={})
        body = normalise(live)
        inputs = {k: props.get(k) for k in ROLE_INPUTS}
        inputs["name"] = id_
        if body != props.get("body"):
            inputs["role"] = flatten(live, target)
        inputs["body"] = body
        return ReadResult(id_=id_, outs=_outputs(inputs, live, target), inputs=inputs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """DELETE the role (gone already counts as done); reserved roles are refused."""
        refuse_reserved(id_, self._live.role(id_))
        self._live.delete_role(id_)


__all__ = ["KibanaRoleProvider"]
