"""What the role and space providers share: the Kibana, configured in the host; the check of
one object (parse, the live Kibana's rules, the rendered body and where it goes); and the
outputs that say where and for which release an object was written."""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ResourceProvider
from pydantic import BaseModel, ValidationError

from ..core.problems import Problem, problems_from
from ..core.target import TargetIdentity
from ..core.versions import KibanaTarget
from ..live.kibana import LiveKibana, kibana_from_config
from .host_errors import install as install_clean_errors
from .host_errors import setup_failure
from .unknowns import deferred_check

Body = dict[str, Any]


class KibanaProvider(ResourceProvider):
    """A provider of one kind of Kibana object (``kind``: ``role`` or ``space``, named by the
    input ``key``, its config parsed as ``model``) over the process's view of Kibana."""

    serialize_as_secret_always = False
    kind: ClassVar[str]
    key: ClassVar[str]
    model: ClassVar[type[BaseModel]]
    _live: LiveKibana

    def configure(self, req: ConfigureRequest) -> None:
        """Build the process's view of Kibana from the stack config and environment (a value
        that cannot be used is reported by ``check``)."""
        install_clean_errors()
        self._live = kibana_from_config(req.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
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
                news = {**news, "body": body, "target": self._live.saved_identity()}
        return CheckResult(news, [CheckFailure(self.kind, str(p)) for p in problems])

    def parse(self, props: dict[str, Any]) -> Any:
        """The object's config from its inputs (``ValidationError`` when it is not one)."""
        raise NotImplementedError

    def checked(self, name: str, spec: Any) -> tuple[list[Problem], Body | None]:
        """The object's errors, and its body when there are none and the target is known."""
        raise NotImplementedError


def written_on(target: KibanaTarget, identity: TargetIdentity) -> dict[str, Any]:
    """The outputs that record where an object lives (``target``: ``{url, cluster}``) and the
    release it was written for (``kibanaVersion``, ``flavor``, ``project``)."""
    return {
        "target": identity.saved(),
        "kibanaVersion": str(target.version),
        "flavor": target.flavor,
        "project": target.project,
    }
