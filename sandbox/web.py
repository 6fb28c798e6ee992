"""Requests, responses and routes shared by the Kibana, Cloud and control handlers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from sandbox.context import Context


class BadJson(Exception):
    """The request body is not JSON."""


@dataclass
class Request:
    """One HTTP request as the handlers see it (path without query string, still encoded)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self, default: Any = None) -> Any:
        if not self.raw_body.strip():
            return default
        try:
            return json.loads(self.raw_body)
        except ValueError as exc:
            raise BadJson(str(exc)) from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.query.get(name)
        if value is None:
            return default
        return value.lower() in ("true", "1", "")


@dataclass
class Response:
    """An answer: ``body`` is encoded as JSON unless ``payload`` gives the exact bytes."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    payload: bytes | None = None

    def encoded(self) -> bytes:
        if self.payload is not None:
            return self.payload
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


Handler = Callable[[Context, Request, dict[str, str]], Response]


@dataclass(frozen=True)
class Route:
    """``template`` is the path with ``{name}`` placeholders; each matches one path segment."""

    method: str
    template: str
    handler: Handler
    write: bool = False
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.match(path)
        if found is None:
            return None
        params = {k: unquote(v) for k, v in found.groupdict().items()}
        # The encoded value too, for comma-separated lists of encoded ids.
        params.update({f"raw:{k}": v for k, v in found.groupdict().items()})
        return params

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


def find_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        if route.method != method:
            continue
        params = route.match(path)
        if params is not None:
            return route, params
    return None


def kibana_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Kibana's (Boom) error body."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    body = {"statusCode": status, "error": phrase, "message": message}
    return Response(status, body, headers or {})


def cloud_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """Elastic Cloud's ``BasicFailedReply`` with the ``x-cloud-error-codes`` header."""
    body = {"errors": [{"code": code, "message": message}]}
    return Response(status, body, {"x-cloud-error-codes": code, **(headers or {})})
