"""Per-process caches of what the live services list, and fetching several things at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class FetchedOnce(Generic[Key, Value]):
    """Values fetched at most once per key while the process lives (or until ``forget``).

    Concurrent callers of one key wait for the one fetch; callers of other keys do not. A fetch
    that fails is not kept: the next call fetches again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Key, Value] = {}
        self._fetching: dict[Key, threading.Lock] = {}

    def get(self, key: Key, fetch: Callable[[], Value]) -> Value:
        """The value of ``key``, fetched now by ``fetch()`` when not known yet."""
        with self._lock:
            if key in self._values:
                return self._values[key]
            fetching = self._fetching.setdefault(key, threading.Lock())
        with fetching:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = fetch()
            with self._lock:
                self._values[key] = value
            return value

    def known(self, key: Key) -> Value | None:
        """The value of ``key`` if fetched already (never fetches)."""
        with self._lock:
            return self._values.get(key)

    def forget(self, key: Key) -> None:
        """Fetch ``key`` again next time (after a write whose outcome is not known)."""
        with self._lock:
            self._values.pop(key, None)


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at the same time (the last one in this thread) and return their results in
    order. When some fail, the failure of the first in order is raised, once all have ended."""
    if len(calls) < 2:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=len(calls) - 1) as pool:
        futures = [pool.submit(call) for call in calls[:-1]]
        last: Future[Any] = Future()
        try:
            last.set_result(calls[-1]())
        except Exception as error:
            last.set_exception(error)
        return [future.result() for future in (*futures, last)]
