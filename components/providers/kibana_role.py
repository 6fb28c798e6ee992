"""The Kibana role dynamic provider: thin adapter over the core and the live Kibana.

Props: ``props.RoleProps``. Each method parses the role's spec once and renders it at most once.
A role lives on the cluster recorded in its ``target`` output: it is read and deleted there,
and another cluster behind ``kibana.url`` is a replacement (create on the new one, delete on
the old; pulumi/pulumi#716). The module path and class name are saved in Pulumi state: do not
move or rename them.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import (
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from ..clients.errors import Conflict
from ..core.adoption import taken_refusal
from ..core.problems import Problem
from ..core.roles.body import Body, normalise, put_body, role_differences
from ..core.roles.expand import render
from ..core.roles.flatten import flatten
from ..core.roles.spec import RoleSpec
from ..live.cache import together
from ..live.errors import Refused
from ..live.kibana import refuse_reserved
from .kibana import KibanaProvider, written_on
from .props import ROLE_INPUTS
from .unknowns import refuse_unknown, unknown_diff


def _spec(props: dict[str, Any]) -> RoleSpec:
    return RoleSpec.model_validate(props.get("role") or {})


class KibanaRoleProvider(KibanaProvider):
    """Creates, diffs, updates, reads and deletes one Kibana role."""

    kind, key, model = "role", "name", RoleSpec

    def parse(self, props: dict[str, Any]) -> RoleSpec:
        """The role's config (``role``)."""
        return _spec(props)

    def checked(self, name: str, spec: RoleSpec) -> tuple[list[Problem], Body | None]:
        """The role's errors (the live Kibana's when reachable) and its rendered body."""
        problems, target = self._live.role_problems(name, spec)
        return problems, render(spec, target) if not problems and target is not None else None

    def live_object(self, name: str) -> Body | None:
        """The live role (from the process's one list); ``Refused`` for a reserved one."""
        live = self._live.role(name)
        refuse_reserved(name, live)
        return live

    def differences(self, body: Body, live: Body) -> list[str]:
        """The parts of the role that differ (``role_differences``)."""
        return role_differences(put_body(body, normalised=True), live)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace on another name or cluster; update when the rendered body differs from the
        saved one; "unknown" while an input is (a value from another resource, at preview)."""
        unknown = unknown_diff(olds, news, replace_keys=("name",))
        if unknown is not None:
            return unknown
        if olds.get("name") != news.get("name"):
            # Another role name: create the new role before deleting the old, so nobody who
            # holds both is without access in between.
            return DiffResult(changes=True, replaces=["name"], delete_before_replace=False)
        if self._live.moved(olds.get("target")):
            # kibana.url reaches another cluster: create the role there, then delete it where
            # it lives (never a silent "no changes", pulumi/pulumi#716).
            return DiffResult(changes=True, replaces=["target"], delete_before_replace=False)
        desired = render(_spec(news), self._live.target_or(olds))
        return DiffResult(changes=desired != olds.get("body"), replaces=[])

    def create(self, props: dict[str, Any]) -> CreateResult:
        """``PUT ?createOnly=true`` (a full PUT with ``adopt``); a role that exists already is
        taken over only when equal."""
        refuse_unknown(props, f"role {props.get('name')}")
        name, adopt = str(props["name"]), bool(props.get("adopt"))
        target, identity = together(self._live.target, self._live.identity)
        body = put_body(render(_spec(props), target), normalised=True)
        if adopt:
            refuse_reserved(name, self._live.fresh_role(name))
            self._live.put_role(name, body, create_only=False)
        else:
            self._create_only(name, body)
        return CreateResult(name, written_on(props, ROLE_INPUTS, normalise(body), target, identity))

    def _create_only(self, name: str, body: Body) -> None:
        try:
            self._live.put_role(name, body, create_only=True)
        except Conflict:
            live = self._live.fresh_role(name)
            refuse_reserved(name, live)
            differ = role_differences(body, live) if live is not None else []
            if not differ:
                return  # an earlier, interrupted run created it: adopt it as it is
            raise Refused(taken_refusal("role", name, differ)) from None

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """A full PUT of the rendered body."""
        refuse_unknown(news, f"role {news.get('name')}")
        target, identity = together(self._live.target, self._live.identity)
        body = put_body(render(_spec(news), target), normalised=True)
        self._live.put_role(str(news["name"]), body, create_only=False)
        return UpdateResult(written_on(news, ROLE_INPUTS, normalise(body), target, identity))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live role, normalised (refresh), read on the cluster it lives on; a changed
        role's config becomes the inputs."""
        kibana = self._live.at(props.get("target"), f"role {id_}")
        live, target = kibana.role_and_target(id_, props)
        if live is None:
            return ReadResult(id_="", outs={})
        body = normalise(live)
        inputs = {k: props.get(k) for k in ROLE_INPUTS}
        inputs["name"] = id_
        if body != props.get("body"):
            inputs["role"] = flatten(live, target)
        identity = kibana.identity()
        inputs["body"], inputs["target"] = body, identity.saved()
        outputs = written_on(inputs, ROLE_INPUTS, normalise(live), target, identity)
        return ReadResult(id_=id_, outs=outputs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """DELETE the role on the cluster it lives on (gone already counts as done); reserved
        roles are refused."""
        kibana = self._live.at(props.get("target"), f"role {id_}")
        refuse_reserved(id_, kibana.role(id_))
        kibana.delete_role(id_)


__all__ = ["KibanaRoleProvider"]
