"""What the role and space providers share: the Kibana, configured in the host; the check of
one object (parse, the live Kibana's rules, the rendered body and where it goes); and the
outputs that say where and for which release an object was written."""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ResourceProvider
from pydantic import BaseModel, ValidationError

from ..clients.errors import ApiError
from ..core.adoption import Kind, taken_refusal
from ..core.problems import Problem, problems_from
from ..core.target import TargetIdentity
from ..core.versions import KibanaTarget
from ..live.errors import Refused
from ..live.kibana import LiveKibana, kibana_from_config
from .host_errors import install as install_clean_errors
from .host_errors import setup_failure
from .unknowns import deferred_check

Body = dict[str, Any]


class KibanaProvider(ResourceProvider):
    """A provider of one kind of Kibana object (``kind``: ``role`` or ``space``, named by the
    input ``key``, its config parsed as ``model``) over the process's view of Kibana."""

    serialize_as_secret_always = False
    kind: ClassVar[Kind]
    key: ClassVar[str]
    model: ClassVar[type[BaseModel]]
    _live: LiveKibana

    def configure(self, req: ConfigureRequest) -> None:
        """Build the process's view of Kibana from the stack config and environment (a value
        that cannot be used is reported by ``check``)."""
        install_clean_errors()
        self._live = kibana_from_config(req.config)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Refuse an invalid object (field path and what is allowed, checked against the live
        Kibana when reachable); add the ``body`` it stands for (preview shows its exact change,
        policies judge it) and the ``target`` it goes to (preview shows a move to another
        cluster). With an unknown input, deferred until up."""
        unusable = setup_failure(self._live, "kibana", news)
        if unusable is not None:
            return unusable
        deferred = deferred_check(news, adds=("body", "target"))
        if deferred is not None:
            return deferred  # checked again by up, once every value is known
        name = str(news.get(self.key) or "")
        try:
            spec = self.parse(news)
        except ValidationError as error:
            problems = problems_from(error, self.model, (f"{self.kind}s", name))
        else:
            problems, body = self.checked(name, spec)
            if body is not None:
                if self._creating(olds) and not news.get("adopt"):
                    problems += self._taken(name, body)
                news = {**news, "body": body, "target": self._live.saved_identity()}
        return CheckResult(news, [CheckFailure(self.kind, str(p)) for p in problems])

    def _creating(self, olds: dict[str, Any]) -> bool:
        """Whether up creates the object on the configured Kibana: a new resource, or one that
        moves there from another cluster (the adoption rule applies to both)."""
        return not olds.get(self.key) or self._live.moved(olds.get("target"))

    def _taken(self, name: str, body: Body) -> list[Problem]:
        """The adoption rule at preview (contract section 5): an object of this name that
        exists already on the configured Kibana and differs from ``body`` is refused, naming
        what differs and the way out; an equal one is taken over as it is."""
        try:
            live = self.live_object(name)
        except Refused as refused:  # a reserved role
            return [Problem(f"{self.kind}s.{name}", str(refused))]
        except ApiError as error:
            return [Problem("kibana", str(error))]
        if live is None:
            return []
        fields = self.differences(body, live)
        return (
            [Problem(f"{self.kind}s.{name}", taken_refusal(self.kind, name, fields))]
            if fields
            else []
        )

    def live_object(self, name: str) -> Body | None:
        """The live object of this name on the configured Kibana (``Refused`` when it may never
        be written)."""
        raise NotImplementedError

    def differences(self, body: Body, live: Body) -> list[str]:
        """The fields in which ``live`` differs from the checked ``body`` (none: equal)."""
        raise NotImplementedError

    def parse(self, props: dict[str, Any]) -> Any:
        """The object's config from its inputs (``ValidationError`` when it is not one)."""
        raise NotImplementedError

    def checked(self, name: str, spec: Any) -> tuple[list[Problem], Body | None]:
        """The object's errors, and its body when there are none and the target is known."""
        raise NotImplementedError


def written_on(
    props: dict[str, Any],
    inputs: tuple[str, ...],
    body: Body,
    target: KibanaTarget,
    identity: TargetIdentity,
) -> dict[str, Any]:
    """An object's outputs: its ``inputs`` as given in ``props``, its ``body`` (normalised by
    the caller, each kind its own way), where
    it lives (``target``: ``{url, cluster}``) and the release it was written for
    (``kibanaVersion``, ``flavor``, ``project``)."""
    return {
        **{k: props.get(k) for k in inputs},
        "body": body,
        "target": identity.saved(),
        "kibanaVersion": str(target.version),
        "flavor": target.flavor,
        "project": target.project,
    }
