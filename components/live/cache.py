"""Per-process caches of what the live services list, and fetching several things at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")
Result = TypeVar("Result")


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


class Listed(Generic[Value]):
    """Objects of one kind (roles, spaces), listed once per process and then read by key.

    ``list_all()`` returns every object by key; ``get_one(key)`` reads one alone (None when it
    does not exist). After a write, ``written(key)`` marks the key stale: the next read of that
    key fetches it alone, so a write never costs another list request. Thread-safe.
    """

    def __init__(
        self,
        list_all: Callable[[], dict[str, Value]],
        get_one: Callable[[str], Value | None],
    ) -> None:
        self._list_all = list_all
        self._get_one = get_one
        self._list: FetchedOnce[None, dict[str, Value]] = FetchedOnce()
        self._lock = threading.Lock()
        self._stale: set[str] = set()

    def get(self, key: str) -> Value | None:
        """The object of ``key`` (from the one list request, or read alone after a write)."""
        listed = self._list.get(None, self._list_all)
        with self._lock:
            if key not in self._stale:
                return listed.get(key)
            found = self._get_one(key)
            self._stale.discard(key)
            if found is None:
                listed.pop(key, None)
            else:
                listed[key] = found
            return found

    def keys(self) -> set[str]:
        """Every key listed, with the writes of this process taken into account."""
        listed = self._list.get(None, self._list_all)
        with self._lock:
            stale = set(self._stale)
        return {key for key in listed.keys() | stale if self.get(key) is not None}

    def writing(self, key: str, write: Callable[[], Result]) -> Result:
        """``write()`` (a write of ``key``), then ``key`` is read again next time, whether the
        write succeeded or not (a failed write may still have happened)."""
        try:
            return write()
        finally:
            self.written(key)

    def written(self, key: str) -> None:
        """``key`` was written (or a write of it may have happened): read it again next time."""
        with self._lock:
            self._stale.add(key)

    def fresh(self, key: str) -> Value | None:
        """The object of ``key`` read now, not from the list (after a 409, say)."""
        self.written(key)
        return self.get(key)
