"""What the live-service views of the providers share: a client when configured, one lock."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from .errors import SetupError

Client = TypeVar("Client")


class LiveService(Generic[Client]):
    """A service seen from the provider host; ``missing`` says what to configure when no client
    could be made (no URL or no credential)."""

    service = "the service"

    def __init__(self, client: Client | None, missing: str) -> None:
        self._client = client
        self._missing = missing
        self._lock = threading.Lock()

    @property
    def client(self) -> Client:
        if self._client is None:
            raise SetupError(f"no {self.service} to talk to: {self._missing}")
        return self._client

    @property
    def reachable_config(self) -> bool:
        return self._client is not None
