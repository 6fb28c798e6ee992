"""What the live views of Kibana and of Elastic Cloud share: a client when one is configured."""

from __future__ import annotations

from typing import Generic, Self, TypeVar

from ..clients.errors import ConnectionFailed, DeadlineExceeded
from ..clients.http import ServiceClient
from .errors import SetupError

Client = TypeVar("Client", bound=ServiceClient)


class LiveService(Generic[Client]):
    """A service seen from the provider host or a live command. ``missing`` says what to
    configure when no client could be made (no URL, no credential), or, with ``unusable``, which
    setting holds a value that cannot be used; use it with ``with`` to release the
    connections."""

    service = "the service"

    def __init__(self, client: Client | None, missing: str = "", *, unusable: bool = False) -> None:
        self._client = client
        self.missing = missing
        self._unusable = unusable

    @property
    def setup_problem(self) -> str | None:
        """The message naming a setting whose value cannot be used (``SetupError``'s), or None:
        a provider's ``check`` returns it as a check failure, its other operations raise it."""
        return self.missing if self._unusable else None

    @property
    def reachable_config(self) -> bool:
        """Whether the URL and credentials are configured (not whether the service answers)."""
        return self._client is not None

    @property
    def client(self) -> Client:
        """The client; ``SetupError`` saying what to set when none is configured."""
        if self._client is None:
            raise SetupError(self.setup_problem or f"no {self.service} to talk to: {self.missing}")
        return self._client

    def close(self) -> None:
        """Release the client's connections."""
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def cannot_reach(what: str, error: ConnectionFailed, setting: str) -> str:
    """The check failure of a configured service that does not answer: ``what`` (``the Kibana
    at <url>``), the cause in words (refused, timed out, the name does not resolve...) and the
    ``setting`` that names its URL. Preview fails with it: one that cannot see what it would
    write to must not pass (a GitOps check would go green)."""
    if isinstance(error, DeadlineExceeded):
        cause = f"no complete answer within {error.deadline:g} s"
    else:
        detail = error.detail.removeprefix(f"could not reach {error.host}").strip()
        cause = detail.removeprefix("(").removesuffix(")") or "no answer"
    if "TLS" in cause:
        remedy = f"fix {setting} or the server's TLS set-up"
    else:
        remedy = f"start it, or set {setting} to one that answers"
    return (
        f"cannot reach {what} ({cause}), so nothing can be checked against it or written to "
        f"it: {remedy}"
    )
