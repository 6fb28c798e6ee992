"""A recording HTTP proxy for looking at what a client (a Terraform provider) sends.

The sandbox's own log (``/_sandbox/requests``) keeps method, path, query and status, never
headers or bodies. To learn *exactly* what a peer sends, put a :class:`Recorder` between the
peer and the sandbox: it forwards every request unchanged to ``upstream`` and keeps, for each
exchange, the method, path, query, request headers (credentials reduced to their scheme), the
request body, the status, the response headers that matter and the response body.

Loopback only: it binds 127.0.0.1 and forwards only to the upstream given (the sandbox).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
}
KEPT_RESPONSE_HEADERS = (
    "content-type",
    "retry-after",
    "x-cloud-error-codes",
    "www-authenticate",
    "x-elastic-product",
)
# A stand-in answer for some requests, instead of the upstream's: (method, path, query, body)
# -> (status, body, headers) or None (forward). For observing a peer on routes that the
# sandbox does not serve; every such exchange is marked ``stand_in``.
Intercept = Callable[[str, str, dict[str, str], Any], tuple[int, Any, dict[str, str]] | None]


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _redact(name: str, value: str) -> str:
    if name.lower() in ("authorization", "cookie"):
        scheme, _, _ = value.partition(" ")
        return f"{scheme} ***"
    return value


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = self.server.upstream
        started = time.monotonic()
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        answer = None
        if self.server.intercept is not None:
            answer = self.server.intercept(self.command, split.path, query, _decode(body))
        if answer is not None:
            status, out, extra = answer
            payload = b"" if out is None else json.dumps(out).encode()
            resp_headers = [("Content-Type", "application/json"), *extra.items()]
        else:
            conn = http.client.HTTPConnection(
                upstream.hostname or "127.0.0.1", upstream.port, timeout=120
            )
            try:
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                status = resp.status
                resp_headers = resp.getheaders()
            finally:
                conn.close()
        entry = {
            "label": self.server.label,
            "seq": 0,
            "method": self.command,
            "path": split.path,
            "query": query,
            "headers": {k.lower(): _redact(k, v) for k, v in self.headers.items()},
            "body": _decode(body),
            "status": status,
            "response_headers": {
                k.lower(): v for k, v in resp_headers if k.lower() in KEPT_RESPONSE_HEADERS
            },
            "response": _decode(payload),
            "seconds": round(time.monotonic() - started, 4),
        }
        if answer is not None:
            entry["stand_in"] = True
        self.server.record(entry)
        self.send_response(status)
        for name, value in resp_headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _forward


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        upstream: str,
        label: str,
        sink: list[dict[str, Any]],
        lock: threading.Lock,
        intercept: Intercept | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.intercept = intercept
        self.upstream = urlsplit(upstream)
        if self.upstream.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the recorder forwards to loopback addresses only")
        self.label = label
        self.sink = sink
        self.lock = lock

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client closing its keep-alive connection is not an error worth a traceback.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry["seq"] = len(self.sink) + 1
            self.sink.append(entry)


class Recorder:
    """Proxies for one or more upstreams sharing one ordered log of exchanges."""

    def __init__(self) -> None:
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._servers: list[_Server] = []

    def proxy(self, upstream: str, label: str, intercept: Intercept | None = None) -> str:
        """Start a proxy in front of ``upstream``; returns its URL."""
        server = _Server(upstream, label, self.log, self._lock, intercept)
        threading.Thread(target=server.serve_forever, daemon=True, name=f"rec-{label}").start()
        self._servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def take(self) -> list[dict[str, Any]]:
        """The exchanges so far, and a fresh log."""
        with self._lock:
            out = list(self.log)
            self.log.clear()
        return out

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()


@contextmanager
def recording() -> Iterator[Recorder]:
    rec = Recorder()
    try:
        yield rec
    finally:
        rec.close()
