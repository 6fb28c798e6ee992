"""A local stand-in for the parts of Kibana and Elastic Cloud that elastic-access uses.

It is not Elastic: it emulates the documented behaviour (see README.md) so that the product
can be tried without an account and tested against a real HTTP server.
"""

from __future__ import annotations

__all__ = ["Sandbox"]


def __getattr__(name: str) -> object:
    # Lazy, so that ``import sandbox.controls`` does not pull in the server.
    if name == "Sandbox":
        from sandbox.server import Sandbox

        return Sandbox
    raise AttributeError(name)
