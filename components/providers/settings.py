"""Connections built inside ``configure()`` from stack config or the environment.

Nothing read here is ever stored on a provider before it is pickled: ``configure()`` runs in
the provider host, after unpickling, so credentials live only in that process's memory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..clients import CloudConnection, KibanaConnection
from ..core.problems import problems_from
from ..core.stack import CloudSettings, KibanaSettings
from .errors import SetupError

Lookup = Callable[[str], Any]


def lookup_from(config: Any) -> Lookup:
    """``key -> value`` over a ``pulumi.dynamic.Config`` (structured values arrive as JSON)."""

    def get(key: str) -> Any:
        value = config.get(key)
        if isinstance(value, str) and key in ("kibana", "cloud"):
            try:
                return json.loads(value)
            except ValueError:
                raise SetupError(f"elastic-access:{key} must be a mapping") from None
        return value

    return get


def _settings(model: type[Any], key: str, raw: Any) -> Any:
    try:
        return model.model_validate(raw or {})
    except ValidationError as error:
        problems = problems_from(error, model, (key,))
        raise SetupError("; ".join(str(p) for p in problems)) from None


@dataclass(frozen=True)
class KibanaSetup:
    """The Kibana settings of the stack and, when a URL is known, a connection."""

    settings: KibanaSettings
    connection: KibanaConnection | None
    missing: str = ""


@dataclass(frozen=True)
class CloudSetup:
    settings: CloudSettings
    connection: CloudConnection | None
    missing: str = ""


def kibana_setup(get: Lookup, environ: Mapping[str, str] | None = None) -> KibanaSetup:
    """Kibana URL and credentials: stack config first, then KIBANA_* environment variables."""
    env = os.environ if environ is None else environ
    settings: KibanaSettings = _settings(KibanaSettings, "kibana", get("kibana"))
    url = settings.url or env.get("KIBANA_ENDPOINT")
    if not url:
        return KibanaSetup(settings, None, "set elastic-access:kibana.url or KIBANA_ENDPOINT")
    api_key = get("kibanaApiKey") or env.get("KIBANA_API_KEY") or None
    username = get("kibanaUsername") or env.get("KIBANA_USERNAME") or None
    password = get("kibanaPassword") or env.get("KIBANA_PASSWORD") or None
    if api_key:
        username = password = None
    try:
        connection = KibanaConnection(
            url=url,
            api_key=api_key,
            username=username,
            password=password,
            ca_cert=settings.ca_cert,
            insecure=settings.insecure,
        )
    except ValueError as error:
        raise SetupError(str(error)) from None
    return KibanaSetup(settings, connection)


def cloud_setup(get: Lookup, environ: Mapping[str, str] | None = None) -> CloudSetup:
    """Cloud URL and API key: stack config first, then EC_ENDPOINT / EC_API_KEY."""
    env = os.environ if environ is None else environ
    settings: CloudSettings = _settings(CloudSettings, "cloud", get("cloud"))
    api_key = get("cloudApiKey") or env.get("EC_API_KEY") or None
    if not api_key:
        return CloudSetup(settings, None, "set elastic-access:cloudApiKey (secret) or EC_API_KEY")
    url = settings.url or env.get("EC_ENDPOINT") or None
    try:
        connection = (
            CloudConnection(url=url, api_key=api_key) if url else CloudConnection(api_key=api_key)
        )
    except ValueError as error:
        raise SetupError(str(error)) from None
    return CloudSetup(settings, connection)
