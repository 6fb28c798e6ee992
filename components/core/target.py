"""Which Kibana a role is rendered and checked for: the one place that decides it.

Offline (``render``, ``validate``): the command line's ``--kibana-version`` / ``--flavor``, else
the stack's ``kibana.version`` / ``kibana.flavor``, else the newest stateful release the catalog
describes. Live (providers, ``validate --live``, ``import``): what ``GET /api/status`` says,
the serverless project type told by the registered Cases features. When the stack config names
another release or flavor than the live one, ``target_mismatch`` says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, field_validator

from .model import ConfigModel
from .versions import KibanaTarget, ProjectType, Version

Privileges = Mapping[str, Any]


class KibanaSettings(ConfigModel):
    """``elastic-access:kibana``: where Kibana is and which release it runs (when known)."""

    url: str | None = None
    flavor: Literal["stateful", "serverless"] | None = None
    version: str | None = None
    ca_cert: str | None = Field(default=None, alias="caCert")
    insecure: bool = False

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is not None:
            Version.parse(value)
        return value


def configured_target(
    settings: KibanaSettings, version: str | None = None, flavor: str | None = None
) -> KibanaTarget:
    """The target named by the command line, else by ``kibana.version``/``flavor``, else newest.

    Raises ``ValueError`` (naming what is allowed) for an unknown version or flavor.
    """
    return KibanaTarget.of(version or settings.version, flavor or settings.flavor)


def serverless_project(privileges: Privileges) -> ProjectType:
    """Which serverless project a Kibana serves, told by the Cases features it registers."""
    features = privileges.get("features") or {}
    if "securitySolutionCasesV3" in features:
        return "security"
    if "observabilityCasesV3" in features:
        return "observability"
    return "elasticsearch"


def target_from_status(
    version: str, flavor: str, privileges: Callable[[], Privileges]
) -> KibanaTarget:
    """The target ``GET /api/status`` names; on serverless the project type comes from the
    registered features (``privileges`` is called only then)."""
    project = serverless_project(privileges()) if flavor == "serverless" else None
    return KibanaTarget.of(version, flavor, project)


@dataclass(frozen=True)
class Mismatch:
    """The stack config names another Kibana than the live one: ``field`` says ``configured``,
    the live Kibana is ``live``."""

    field: str
    configured: str
    live: str

    def sentence(self, url: str) -> str:
        """``is <configured> but <url> runs|is <live>`` (the field path goes before it)."""
        verb = "is" if self.field == "kibana.flavor" else "runs"
        return f"is {self.configured} but {url} {verb} {self.live}"


def target_mismatch(settings: KibanaSettings, live: KibanaTarget) -> Mismatch | None:
    """``kibana.flavor`` or ``kibana.version`` (major.minor) disagreeing with the live target."""
    if settings.flavor and settings.flavor != live.flavor:
        return Mismatch("kibana.flavor", settings.flavor, live.flavor)
    if settings.version and not live.serverless:
        wanted = Version.parse(settings.version)
        if (wanted.major, wanted.minor) != (live.version.major, live.version.minor):
            return Mismatch("kibana.version", settings.version, str(live.version))
    return None
