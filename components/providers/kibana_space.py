"""The Kibana space dynamic provider: thin adapter over the core and the live Kibana.

Props: ``props.SpaceProps``. Create is ``POST`` (an existing space is taken over only when it
already equals the config, or with ``adopt``), update a full ``PUT``, read one list per process,
delete only with ``allowDelete`` and never the ``default`` space: deleting a space deletes every
case and saved object in it, so without ``allowDelete`` a removed or destroyed space is left in
Kibana with a warning (contract section 5). A space lives on the cluster recorded in its
``target``; another cluster is a replacement. The module path and class name are saved in
Pulumi state: do not move or rename them.
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
from ..core.spaces.expand import Body, create_body, update_body
from ..core.spaces.flatten import differences, flatten, normalise
from ..core.spaces.spec import DEFAULT_SPACE, SpaceSpec
from ..core.target import TargetIdentity
from ..live.cache import together
from ..live.errors import Refused
from .engine_log import warn
from .kibana import KibanaProvider, written_on
from .props import SPACE_INPUTS
from .unknowns import refuse_unknown, unknown_diff


def _spec(props: dict[str, Any]) -> SpaceSpec:
    return SpaceSpec.model_validate(
        {
            **(props.get("space") or {}),
            "adopt": bool(props.get("adopt")),
            "allowDelete": bool(props.get("allowDelete")),
        }
    )


def left_in_kibana(space_id: str, where: str) -> str:
    """The warning for a space that removal or destroy leaves in Kibana (``where``: its URL)."""
    if space_id == DEFAULT_SPACE:
        return (
            f"space default was left in the Kibana at {where}: it is Kibana's default space, "
            "which can never be deleted. This stack no longer manages it."
        )
    return (
        f"space {space_id} was left in the Kibana at {where}: deleting a space deletes every "
        "case, dashboard and other saved object in it, so elastic-access deletes a space only "
        f"when elastic-access:spaces.{space_id} sets allowDelete: true (applied by an up before "
        "the space is removed or destroyed). This stack no longer manages it; delete it in "
        "Stack Management > Spaces if that is what you want."
    )


class KibanaSpaceProvider(KibanaProvider):
    """Creates, diffs, updates, reads and deletes one Kibana space."""

    kind, key, model = "space", "spaceId", SpaceSpec

    def parse(self, props: dict[str, Any]) -> SpaceSpec:
        """The space's config (``space``, ``adopt``, ``allowDelete``)."""
        return _spec(props)

    def checked(self, name: str, spec: SpaceSpec) -> tuple[list[Problem], Body | None]:
        """The space's errors (the live Kibana's when reachable) and its normalised body."""
        problems, target = self._live.space_problems(name, spec)
        ok = not problems and target is not None
        return problems, normalise(create_body(name, spec)) if ok else None

    def live_object(self, name: str) -> Body | None:
        """The live space (from the process's one list)."""
        return self._live.space(name)

    def differences(self, body: Body, live: Body) -> list[str]:
        """The settings that differ (``differences``)."""
        return differences(body, live)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace on another cluster; update when the settings differ from the saved ones or
        ``allowDelete`` changed (recorded for a later delete, without an API call); "unknown"
        while an input is (a value from another resource, at preview)."""
        unknown = unknown_diff(olds, news, replace_keys=("spaceId",))
        if unknown is not None:
            return unknown
        if self._live.moved(olds.get("target")):
            return DiffResult(changes=True, replaces=["target"], delete_before_replace=False)
        desired = create_body(id_, _spec(news))
        changed = bool(differences(desired, olds.get("body") or {}))
        # adopt matters only to a create; allowDelete is read by a later delete from the outputs
        flagged = bool(olds.get("allowDelete")) != bool(news.get("allowDelete"))
        return DiffResult(changes=changed or flagged, replaces=[])

    def create(self, props: dict[str, Any]) -> CreateResult:
        """``POST`` the space; one that exists already is taken over only when it equals the
        config, or with ``adopt`` (then a full ``PUT``)."""
        refuse_unknown(props, f"space {props.get('spaceId')}")
        space_id, spec = str(props["spaceId"]), _spec(props)
        target, identity = together(self._live.target, self._live.identity)
        body = create_body(space_id, spec)
        try:
            self._live.create_space(body)
        except Conflict:
            body = self._take_over(space_id, spec, body)  # one message, no chained 409
        outputs = written_on(props, SPACE_INPUTS, normalise(body), target, identity)
        return CreateResult(space_id, outputs)

    def _take_over(self, space_id: str, spec: SpaceSpec, body: Body) -> Body:
        """The existing space's body once it is the config's: as it is when equal, else
        ``PUT`` with ``adopt``; ``Refused`` naming the fields that differ otherwise."""
        live = self._live.fresh_space(space_id)
        if live is None:  # deleted between the POST and the read: create it again
            self._live.create_space(body)
            return body
        differ = differences(body, live)
        if not differ:
            return live  # an earlier, interrupted run created it, or someone made it equal
        if not spec.adopt:
            raise Refused(taken_refusal("space", space_id, differ)) from None
        sent = update_body(space_id, spec, live.get("solution"))
        self._live.put_space(space_id, sent)
        return sent

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """A full ``PUT`` (every field, so that one left out of the config is reset), only when
        the settings changed."""
        refuse_unknown(news, f"space {id_}")
        spec = _spec(news)
        target, identity = together(self._live.target, self._live.identity)
        saved: Body = olds.get("body") or {}
        body = update_body(id_, spec, saved.get("solution"))
        if differences(body, saved):
            self._live.put_space(id_, body)
        else:
            body = saved
        return UpdateResult(written_on(news, SPACE_INPUTS, normalise(body), target, identity))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live space, normalised (refresh), read where it lives; a changed space's config
        becomes the inputs."""
        live = self._live.at(props.get("target"), f"space {id_}")
        space, target = live.space_and_target(id_, props)
        if space is None:
            return ReadResult(id_="", outs={})
        body = normalise(space)
        inputs = {k: props.get(k) for k in SPACE_INPUTS}
        inputs["spaceId"] = id_
        if body != props.get("body"):
            inputs["space"] = flatten(space)
        identity = live.identity()
        inputs["body"], inputs["target"] = body, identity.saved()
        outputs = written_on(inputs, SPACE_INPUTS, normalise(space), target, identity)
        return ReadResult(id_=id_, outs=outputs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """``DELETE`` where the space lives, only with ``allowDelete`` and never ``default``;
        otherwise leave it and say why (a warning in the run's output)."""
        saved = TargetIdentity.recorded(props.get("target"))
        if id_ == DEFAULT_SPACE or not props.get("allowDelete"):
            warn(left_in_kibana(id_, saved.url if saved else self._live.where))
            return
        self._live.at(props.get("target"), f"space {id_}").delete_space(id_)


__all__ = ["KibanaSpaceProvider"]
