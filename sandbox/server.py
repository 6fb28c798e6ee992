"""The HTTP servers (Kibana, Elastic Cloud, and optionally an Elasticsearch root stand-in) and
the ``Sandbox`` that runs them.

Every request goes: controls (``/_sandbox/``) → latency and faults → rate limit (Cloud) →
auth → route → save the state after a successful write. Each request is logged (method, path,
query, status; never headers or bodies) and counted per route template. An answer leaves in one
write (status line, headers and body together) on a socket without Nagle's delay, so a client
reusing the connection is not held up by delayed ACKs.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

from sandbox import cloud_api, control_api, es_api, kibana_api
from sandbox.context import Context, Fault, Runtime
from sandbox.kibana_catalog import LICENSES
from sandbox.profiles import parse_profile
from sandbox.state import World
from sandbox.web import Request, Response, Route, cloud_error, find_route, kibana_error

Service = Literal["kibana", "cloud", "elasticsearch"]
HOST = "127.0.0.1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, service: Service, owner: Sandbox) -> None:
        self.service: Service = service
        self.owner = owner
        super().__init__((HOST, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: _Server

    def version_string(self) -> str:
        return "sandbox"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is available through the controls."""

    def do_GET(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    # ------------------------------------------------------------ pipeline

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _handle(self) -> None:
        owner = self.server.owner
        ctx = owner.context
        service = self.server.service
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        req = Request(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            raw_body=raw,
        )
        if split.path == "/_sandbox" or split.path.startswith("/_sandbox/"):
            if not ctx.controls:
                self._send(_not_found(service))
                return
            with ctx.lock:
                response = control_api.handle(ctx, req, Runtime(shuffle=owner.shuffle_default))
            self._send(response)
            return

        routes = owner.routes[service]
        found = find_route(routes, req.method, req.path)
        with ctx.lock:
            fault = _take_fault(ctx.runtime.faults, req.method, req.path)
            if found is not None:
                key = found[0].key
                ctx.runtime.counters[key] = ctx.runtime.counters.get(key, 0) + 1
            delay = ctx.runtime.latency + ((fault.latency or 0.0) if fault else 0.0)
        if delay > 0:
            time.sleep(delay)
        if fault is not None and fault.applied:
            with ctx.lock:  # the route runs (a write lands); the fault answers instead
                self._dispatch(ctx, service, req, found)
        if fault is not None and fault.drop:
            self._log(req, None)
            self.close_connection = True
            return
        if fault is not None and fault.oversize is not None:
            self._log(req, 200)
            self._send_oversize(service, fault.oversize)
            return
        if fault is not None and fault.replaces_answer:
            response = _fault_response(service, fault)
        else:
            with ctx.lock:
                response = self._dispatch(ctx, service, req, found)
        self._log(req, response.status)
        self._send(response, drip=fault.drip if fault else None)

    def _dispatch(
        self,
        ctx: Context,
        service: Service,
        req: Request,
        found: tuple[Route, dict[str, str]] | None,
    ) -> Response:
        route = found[0] if found else None
        extra: dict[str, str] = {}
        limited: Response | None = None
        if service == "cloud":
            limited, extra = cloud_api.rate_limit(ctx)
            response = cloud_api.authorize(ctx, req, route) or limited
        elif service == "elasticsearch":
            response = es_api.authorize(ctx, req, route)
        else:
            response = kibana_api.authorize(ctx, req, route)
        if response is None and found is None:
            response = _not_found(service, req)
        if response is None and found is not None:
            try:
                response = found[0].handler(ctx, req, found[1])
            except Exception:
                traceback.print_exc(file=sys.stderr)
                response = _server_error(service)
            if found[0].write and 200 <= response.status < 300:
                ctx.save()
        assert response is not None
        response.headers = {**extra, **response.headers}
        return response

    def _log(self, req: Request, status: int | None) -> None:
        ctx = self.server.owner.context
        with ctx.lock:
            ctx.runtime.log.append(
                {
                    "service": self.server.service,
                    "method": req.method,
                    "path": req.path,
                    "query": dict(req.query),
                    "status": status,
                }
            )

    def _head(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        """Status line and headers; ``Connection: close`` ends the connection afterwards."""
        lines = [
            f"{self.protocol_version} {status} {_phrase(status)}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
            *(f"{name}: {value}" for name, value in headers),
        ]
        if any(n.lower() == "connection" and v.lower() == "close" for n, v in headers):
            self.close_connection = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(self, response: Response, drip: float | None = None) -> None:
        """Write the answer in one write, or its body one byte every ``drip`` seconds."""
        payload = response.encoded()
        headers: list[tuple[str, str]] = []
        if payload or response.status != HTTPStatus.NO_CONTENT:
            headers += [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(payload))),
            ]
        headers += list(response.headers.items())
        if payload and response.status == HTTPStatus.NO_CONTENT:
            # A 204 with a body (a fault): the next answer on this connection would be garbled.
            headers.append(("Connection", "close"))
        head = self._head(response.status, headers)
        if drip is None:
            self.wfile.write(head + payload)
            return
        self.wfile.write(head)
        stopping = self.server.owner.stopping
        for i in range(len(payload)):
            if stopping.wait(drip):
                self.close_connection = True
                return
            try:
                self.wfile.write(payload[i : i + 1])
            except OSError:
                self.close_connection = True
                return

    def _send_oversize(self, service: Service, size: int) -> None:
        """A JSON list of ``size`` bytes (Kibana roles, or ``{"members": [...]}`` on Cloud),
        generated while it is sent; stops when the client goes away."""
        head = self._head(
            200,
            [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(size))],
        )
        try:
            self.wfile.write(head)
            for chunk in _oversized(service, size):
                if self.server.owner.stopping.is_set():
                    break
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True


_OVERSIZE_ITEM = {
    "kibana": {
        "name": "role-{n:09d}",
        "description": "",
        "metadata": {},
        "transient_metadata": {"enabled": True},
        "elasticsearch": {"cluster": [], "indices": [], "run_as": []},
        "kibana": [{"base": ["read"], "feature": {}, "spaces": ["*"]}],
        "_transform_error": [],
        "_unrecognized_applications": [],
    },
    "cloud": {
        "organization_id": "1000000001",
        "user_id": "{n:09d}",
        "email": "user-{n:09d}@sandbox.example",
        "member_since": "2024-01-01T00:00:00.000Z",
        "role_assignments": {},
    },
}
_OVERSIZE_WRAP = {"kibana": (b"[", b"]"), "cloud": (b'{"members":[', b"]}")}


def _oversized(service: Service, size: int) -> Iterator[bytes]:
    """The chunks of an oversized answer of exactly ``size`` bytes: as many list items as fit
    (each of the same length), then blanks before the closing bracket."""
    service = service if service in _OVERSIZE_ITEM else "kibana"
    template = json.dumps(_OVERSIZE_ITEM[service]).replace("{n:09d}", "%(n)09d")
    opening, closing = _OVERSIZE_WRAP[service]
    room = size - len(opening) - len(closing)
    item_size = len(template % {"n": 0})
    count = max(0, (room + 1) // (item_size + 1))
    yield opening
    written = 0
    while written < count:
        batch = range(written, min(count, written + 1000))
        text = ",".join(template % {"n": n} for n in batch)
        yield (text if written == 0 else "," + text).encode()
        written = batch.stop
    filled = count * item_size + max(0, count - 1)
    yield b" " * max(0, room - filled) + closing


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _take_fault(faults: list[Fault], method: str, path: str) -> Fault | None:
    for fault in faults:
        if fault.matches(method, path):
            fault.count -= 1
            if fault.count <= 0:
                faults.remove(fault)
            return fault
    return None


def _fault_response(service: Service, fault: Fault) -> Response:
    """What a fault answers instead of the route: the given body (default status 200), a
    redirect (with or without ``Location``), or the service's error body for the status."""
    status = fault.status or (200 if fault.has_body else 500)
    headers: dict[str, str] = {}
    retry_after = (
        fault.retry_after if fault.retry_after is not None else (1 if status == 429 else None)
    )
    if retry_after is not None:
        headers["Retry-After"] = str(
            int(retry_after) if float(retry_after).is_integer() else retry_after
        )
    if fault.location is not None:
        headers["Location"] = fault.location
    if fault.has_body:
        return Response(status, headers=headers, payload=json.dumps(fault.body).encode())
    if 300 <= status < 400:
        return Response(status, headers=headers, payload=b"")
    message = f"sandbox fault: {_phrase(status)}"
    if service == "kibana":
        return kibana_error(status, message, headers)
    if service == "elasticsearch":
        return es_api.es_error(status, message, headers)
    code = "root.rate_limited" if status == 429 else "root.unavailable"
    return cloud_error(status, code, message, headers)


def _not_found(service: Service, req: Request | None = None) -> Response:
    if service == "kibana":
        return kibana_error(404, "Not Found")
    if service == "elasticsearch":
        return es_api.no_handler(req) if req is not None else es_api.es_error(404, "Not Found")
    return cloud_error(404, "root.resource_not_found", "The requested resource could not be found")


def _server_error(service: Service) -> Response:
    if service == "kibana":
        return kibana_error(500, "An internal server error occurred.")
    if service == "elasticsearch":
        return es_api.es_error(500, "An internal server error occurred.")
    return cloud_error(500, "root.unexpected_error", "An unexpected error occurred")


class Sandbox:
    """A local Kibana and Elastic Cloud organization API in one process (and, with ``es_port``,
    an Elasticsearch root stand-in: ``GET /`` only, see ``sandbox.es_api``).

    ``profile`` is a Kibana version (``9.1.0``) or ``serverless-observability|security|search``;
    ``license`` is ``basic``, ``gold``, ``platinum`` (default) or ``enterprise``. Both servers
    accept ``Authorization: ApiKey <api_key>``; Kibana also Basic ``elastic:<api_key>``.
    ``readonly_api_key`` is accepted for reads and refused (403) for writes. ``state_file``
    is loaded at start when present and saved after every change. ``controls`` enables the
    ``/_sandbox/`` routes (see ``sandbox.controls``); ``shuffle`` returns set-like arrays in
    random order. ``cluster_uuid`` is the uuid of the Elasticsearch cluster behind Kibana
    (``GET /api/stats``): random per new world unless given, kept in the state file; give two
    sandboxes the same one to play two Kibanas of one cluster. ``invite_rate_limit`` is how many
    invitations Cloud creates per clock-minute before it answers 429. ``es_port`` (None: off; 0:
    any free port) serves the Elasticsearch root stand-in of that cluster.
    """

    def __init__(
        self,
        profile: str = "9.1.0",
        license: str = "platinum",
        api_key: str = "sandbox",
        kibana_port: int = 0,
        cloud_port: int = 0,
        state_file: str | Path | None = None,
        controls: bool = False,
        readonly_api_key: str | None = None,
        shuffle: bool = False,
        invite_rate_limit: int = 10,
        cluster_uuid: str | None = None,
        es_port: int | None = None,
    ) -> None:
        if license not in LICENSES:
            raise ValueError(f"license {license!r} is not known; allowed: {', '.join(LICENSES)}")
        if not api_key:
            raise ValueError("the API key must not be empty")
        if invite_rate_limit < 1:
            raise ValueError("the invitation rate limit must be at least 1 a minute")
        parsed = parse_profile(profile)
        path = Path(state_file) if state_file is not None else None
        world = World.load(path) if path is not None else World.initial()
        if cluster_uuid is not None and cluster_uuid != world.cluster_uuid:
            world.cluster_uuid = cluster_uuid
            if path is not None:
                world.save(path)
        self.shuffle_default = shuffle
        self.stopping = threading.Event()
        self.context = Context(
            profile=parsed,
            license=license,
            api_key=api_key,
            readonly_api_key=readonly_api_key,
            controls=controls,
            state_file=path,
            world=world,
            runtime=Runtime(shuffle=shuffle),
            invite_limit=invite_rate_limit,
        )
        self.routes: dict[Service, list[Route]] = {
            "kibana": kibana_api.routes(self.context),
            "cloud": cloud_api.routes(self.context),
            "elasticsearch": es_api.routes(self.context),
        }
        self._ports: dict[Service, int] = {"kibana": kibana_port, "cloud": cloud_port}
        if es_port is not None:
            self._ports["elasticsearch"] = es_port
        self._servers: dict[Service, _Server] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> Self:
        """Bind the servers on 127.0.0.1 and serve them in daemon threads."""
        if self._servers:
            return self
        self.stopping.clear()
        try:
            for service, port in self._ports.items():
                self._servers[service] = _Server(port, service, self)
        except BaseException:
            self.stop()
            raise
        for service, server in self._servers.items():
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"sandbox-{service}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close both sockets (slow answers in flight stop too)."""
        self.stopping.set()
        for server in self._servers.values():
            if self._threads:
                server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def _port(self, service: Service) -> int:
        server = self._servers.get(service)
        if server is None:
            raise RuntimeError("the sandbox is not started")
        return int(server.server_address[1])

    @property
    def kibana_port(self) -> int:
        return self._port("kibana")

    @property
    def cloud_port(self) -> int:
        return self._port("cloud")

    @property
    def kibana_url(self) -> str:
        return f"http://{HOST}:{self.kibana_port}"

    @property
    def cloud_url(self) -> str:
        return f"http://{HOST}:{self.cloud_port}"

    @property
    def es_port(self) -> int:
        """The Elasticsearch root stand-in's port (RuntimeError when it was not asked for)."""
        if "elasticsearch" not in self._ports:
            raise RuntimeError("the sandbox has no Elasticsearch stand-in: give es_port")
        return self._port("elasticsearch")

    @property
    def es_url(self) -> str:
        return f"http://{HOST}:{self.es_port}"

    @property
    def has_es(self) -> bool:
        return "elasticsearch" in self._ports

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
