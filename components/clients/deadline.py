"""A wall-clock deadline for one HTTP attempt, headers and body included.

A socket's read timeout starts again with every byte, so a server that trickles its answer (one
byte a second) never trips it: an up waited past 200 s with a retry budget of 20 s (issue 10
section 5). ``Deadline`` cuts the attempt's connection when its time is up: the session's
connections (``WatchedAdapter``) say which connection the current thread's attempt uses, and a
timer shuts that socket down, which ends a read blocked on it at once. The attempt then fails
with whatever the HTTP library raises, and ``Deadline.expired`` tells the caller why.

Connections through a SOCKS proxy are not watched (urllib3 builds those itself); their reads
stay bounded by the read timeout alone.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

import requests.adapters
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["Deadline", "WatchedAdapter"]

_current = threading.local()


class Deadline:
    """``with Deadline(seconds):`` around one attempt; ``expired`` once the time was up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._open = True
        self._connections: list[HTTPConnection] = []
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._open = False
        self._timer.cancel()
        _current.deadline = None

    def watch(self, connection: HTTPConnection) -> None:
        """Cut ``connection`` too when the time is up."""
        with self._lock:
            if self._open:
                self._connections.append(connection)

    def _cut(self) -> None:
        with self._lock:
            if not self._open:
                return
            self.expired = True
            for connection in self._connections:
                sock = connection.sock
                if sock is not None:
                    # The plain socket's shutdown, also under TLS: it ends a blocked read at
                    # once without touching the TLS state another thread is using. A connection
                    # back in its pool by now is seen as dropped and replaced on its next use.
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watch(connection: HTTPConnection) -> None:
    deadline: Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter whose connections (direct, or through an HTTP proxy) a ``Deadline``
    can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager
