"""Which Kibana a role is rendered and checked for, and which cluster a resource lives on: the
one place that decides both.

Offline (``render``, ``validate``): the command line's ``--kibana-version`` / ``--flavor``, else
the stack's ``kibana.version`` / ``kibana.flavor``, else the newest stateful release the catalog
describes. Live (providers, ``validate --live``, ``import``): what ``GET /api/status`` says,
the serverless project type told by the registered Cases features. When the stack config names
another release or flavor than the live one, ``target_mismatch`` says so.

Where a role or space lives (``TargetIdentity``): roles and spaces are stored in the
Elasticsearch cluster behind Kibana, so two URLs may reach the same ones and one URL may later
reach another cluster. The identity is that cluster's uuid (``GET /api/stats``), with the URL it
was reached at; where the uuid cannot be read (serverless), the normalised URL and the server
name of ``GET /api/status`` (reference/kibana-roles.md section 11.1; pulumi/pulumi#716).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

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


# ---------------------------------------------------------------- where a resource lives


def normalise_url(url: str) -> str:
    """``HTTPS://Kibana.example.com:443/base/`` -> ``https://kibana.example.com/base``: scheme and
    host in lower case, the scheme's default port and trailing slashes dropped, the base path
    kept (two spaces of one Kibana differ by base path)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    port = f":{parts.port}" if parts.port is not None and parts.port != default else ""
    return f"{scheme}://{host}{port}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class TargetIdentity:
    """Where a Kibana role or space lives: ``cluster`` (the Elasticsearch cluster uuid, None
    where Kibana does not say), ``url`` (the normalised Kibana URL it was reached at) and
    ``name`` (``GET /api/status`` ``name``, kept only when there is no cluster uuid)."""

    url: str
    cluster: str | None = None
    name: str | None = None

    @classmethod
    def recorded(cls, saved: Any) -> TargetIdentity | None:
        """The identity saved in a resource's outputs (``target``), None when there is none
        (resources written before targets were recorded) or it is not a mapping with a url."""
        if not isinstance(saved, Mapping) or not isinstance(saved.get("url"), str):
            return None
        cluster, name = saved.get("cluster"), saved.get("name")
        return cls(
            url=saved["url"],
            cluster=cluster if isinstance(cluster, str) and cluster else None,
            name=name if isinstance(name, str) and name else None,
        )

    def saved(self) -> dict[str, str]:
        """The form kept in outputs: ``{"url", "cluster"}`` (or ``{"url", "name"}``)."""
        out = {"url": self.url}
        if self.cluster:
            out["cluster"] = self.cluster
        elif self.name:
            out["name"] = self.name
        return out

    def same_as(self, other: TargetIdentity) -> bool:
        """Whether both reach the same roles and spaces: the same cluster uuid; where one side
        has none, the same URL (and server name where both have one)."""
        if self.cluster and other.cluster:
            return self.cluster == other.cluster
        if self.url != other.url:
            return False
        return not (self.name and other.name) or self.name == other.name

    def __str__(self) -> str:
        if self.cluster:
            return f"the Elasticsearch cluster {self.cluster} behind {self.url}"
        return f"the Kibana at {self.url}"
