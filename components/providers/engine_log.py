"""Warnings a provider shows in ``pulumi``'s output, beside the resource lines.

The Python dynamic-provider host has no engine connection of its own (``pulumi.log`` only
prints to its stderr there), but the engine starts every resource plugin with the address of
its host server as the last argument (``provider_plugin.go``: ``newPlugin(..., []string{
host.ServerAddr()}, ...)``), and that server takes ``Engine.Log`` calls
(``pkg/host/host_server.go``). ``warn`` sends the warning there, so ``pulumi up`` and
``pulumi destroy`` list it under "Diagnostics" as a warning; without an engine (tests driving
the host directly) it goes to stderr as ``warning: ...``.
"""

from __future__ import annotations

import re
import sys

_ADDRESS = re.compile(r"^(?:[\w.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$")
_TIMEOUT = 10.0  # seconds


def engine_address(argv: list[str] | None = None) -> str | None:
    """The engine's address among the host's arguments (the last ``host:port``), or None."""
    for argument in reversed(argv if argv is not None else sys.argv[1:]):
        if _ADDRESS.match(argument):
            return argument
    return None


def warn(message: str) -> None:
    """Show ``message`` as a warning of this ``pulumi`` run (stderr when there is no engine)."""
    address = engine_address()
    if address is not None:
        import grpc  # only here: a host that never warns does not load the engine stubs
        from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

        try:
            with grpc.insecure_channel(address) as channel:
                engine_pb2_grpc.EngineStub(channel).Log(
                    engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message),
                    timeout=_TIMEOUT,
                )
            return
        except grpc.RpcError:
            pass  # no engine there after all: stderr still reaches the user
    print(f"warning: {message}", file=sys.stderr, flush=True)
