"""A wall-clock deadline for one HTTP attempt, headers and body included.

A socket's read timeout starts again with every byte, so a server that trickles its answer (one
byte a second) never trips it: an up waited past 200 s with a retry budget of 20 s (issue 10
section 5). ``Deadline`` cuts the attempt's connection when its time is up: the session's
connections (``WatchedAdapter``) say which connection the current thread's attempt uses, and one
watchdog thread per process shuts that socket down at the deadline, which ends a read blocked on
it at once. The attempt then fails with whatever the HTTP library raises, and
``Deadline.expired`` tells the caller why.

Connections through a SOCKS proxy are not watched (urllib3 builds those itself); their reads
stay bounded by the read timeout alone.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
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

    def __enter__(self) -> Deadline:
        _current.deadline = self
        _WATCHDOG.add(self, time.monotonic() + self.seconds)
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._open = False
            self._connections.clear()
        _current.deadline = None

    def watch(self, connection: HTTPConnection) -> None:
        """Cut ``connection`` too when the time is up."""
        with self._lock:
            if self._open:
                self._connections.append(connection)

    def cut(self) -> None:
        """Mark the attempt expired and shut its connections' sockets (if it is still on)."""
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


class _Watchdog:
    """One daemon thread that cuts each ``Deadline`` still open when its time comes (a heap of
    deadlines; those closed meanwhile are dropped when they come up)."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline, when: float) -> None:
        with self._ready:
            heapq.heappush(self._heap, (when, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="elastic-access-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._ready.notify()  # sooner than what the thread waits for

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._ready.wait(self._heap[0][0] - time.monotonic() if self._heap else None)
                _, _, due = heapq.heappop(self._heap)
            due.cut()


_WATCHDOG = _Watchdog()


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
