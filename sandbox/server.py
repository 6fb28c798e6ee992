"""The two HTTP servers (Kibana and Elastic Cloud) and the ``Sandbox`` that runs them.

Every request goes: controls (``/_sandbox/``) → latency and faults → rate limit (Cloud) →
auth → route → save the state after a successful write. Each request is logged (method, path,
query, status; never headers or bodies) and counted per route template.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

from sandbox import cloud_api, control_api, kibana_api
from sandbox.context import LICENSES, Context, Fault, Runtime
from sandbox.kibana_catalog import parse_profile
from sandbox.state import World
from sandbox.web import Request, Response, Route, cloud_error, find_route, kibana_error

Service = Literal["kibana", "cloud"]
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
        if fault is not None and fault.drop:
            self._log(req, None)
            self.close_connection = True
            return
        if fault is not None and fault.status is not None:
            response = _fault_response(service, fault)
        else:
            with ctx.lock:
                response = self._dispatch(ctx, service, req, found)
        self._log(req, response.status)
        self._send(response)

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
        else:
            response = kibana_api.authorize(ctx, req, route)
        if response is None and found is None:
            response = _not_found(service)
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

    def _send(self, response: Response) -> None:
        payload = response.encoded()
        self.send_response(response.status)
        if response.status != HTTPStatus.NO_CONTENT:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload and response.status != HTTPStatus.NO_CONTENT:
            self.wfile.write(payload)


def _take_fault(faults: list[Fault], method: str, path: str) -> Fault | None:
    for fault in faults:
        if fault.matches(method, path):
            fault.count -= 1
            if fault.count <= 0:
                faults.remove(fault)
            return fault
    return None


def _fault_response(service: Service, fault: Fault) -> Response:
    status = fault.status or 500
    headers: dict[str, str] = {}
    retry_after = (
        fault.retry_after if fault.retry_after is not None else (1 if status == 429 else None)
    )
    if retry_after is not None:
        headers["Retry-After"] = str(
            int(retry_after) if float(retry_after).is_integer() else retry_after
        )
    message = f"sandbox fault: {HTTPStatus(status).phrase}"
    if service == "kibana":
        return kibana_error(status, message, headers)
    code = "root.rate_limited" if status == 429 else "root.unavailable"
    return cloud_error(status, code, message, headers)


def _not_found(service: Service) -> Response:
    if service == "kibana":
        return kibana_error(404, "Not Found")
    return cloud_error(404, "root.resource_not_found", "The requested resource could not be found")


def _server_error(service: Service) -> Response:
    if service == "kibana":
        return kibana_error(500, "An internal server error occurred.")
    return cloud_error(500, "root.unexpected_error", "An unexpected error occurred")


class Sandbox:
    """A local Kibana and Elastic Cloud organization API in one process.

    ``profile`` is a Kibana version (``9.1.0``) or ``serverless-observability|security|search``;
    ``license`` is ``basic``, ``gold``, ``platinum`` (default) or ``enterprise``. Both servers
    accept ``Authorization: ApiKey <api_key>``; Kibana also Basic ``elastic:<api_key>``.
    ``readonly_api_key`` is accepted for reads and refused (403) for writes. ``state_file``
    is loaded at start when present and saved after every change. ``controls`` enables the
    ``/_sandbox/`` routes (see ``sandbox.controls``); ``shuffle`` returns set-like arrays in
    random order.
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
    ) -> None:
        if license not in LICENSES:
            raise ValueError(f"license {license!r} is not known; allowed: {', '.join(LICENSES)}")
        if not api_key:
            raise ValueError("the API key must not be empty")
        target = parse_profile(profile)
        path = Path(state_file) if state_file is not None else None
        world = World.load(path) if path is not None else World.initial()
        self.shuffle_default = shuffle
        self.context = Context(
            profile=profile,
            target=target,
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
        }
        self._ports = {"kibana": kibana_port, "cloud": cloud_port}
        self._servers: dict[Service, _Server] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> Self:
        """Bind both servers on 127.0.0.1 and serve them in daemon threads."""
        if self._servers:
            return self
        try:
            for service in ("kibana", "cloud"):
                self._servers[service] = _Server(self._ports[service], service, self)
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
        """Stop serving and close both sockets."""
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
