"""Drive the real Pulumi dynamic-provider host (``python -m pulumi.dynamic``) over gRPC.

This is what the Pulumi engine does with our providers, minus the engine: the host process
unpickles ``__provider``, calls ``configure()`` once per provider blob with the stack config
(structured values as JSON strings, secrets decrypted), and serves Check / Diff / Create /
Update / Read / Delete from 4 worker threads.
"""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "elastic-access"
STRUCTURED = ("kibana", "cloud", "roles", "members", "spaces")


class ProviderError(Exception):
    """An operation failed in the host; ``message`` is what ``pulumi up`` would show."""

    def __init__(self, operation: str, details: str) -> None:
        self.operation = operation
        self.details = details
        lines = [line for line in details.strip().splitlines() if line.strip()]
        self.message = lines[-1] if lines else details
        super().__init__(f"{operation}: {self.message}")


@dataclass(frozen=True)
class Diff:
    changes: bool | None
    replaces: list[str]
    delete_before_replace: bool


def provider_blob(provider: ResourceProvider) -> str:
    """The ``__provider`` value exactly as ``pulumi.dynamic.Resource`` computes it."""
    return _serialize(True, serialize_provider, provider)[0]


def _struct(props: dict[str, Any]) -> struct_pb2.Struct:
    # A private loop: asyncio.run would unset the thread's loop that pulumi.runtime mocks use.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def _plain(struct: Any) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


def urn(type_: str, name: str, stack: str = "test") -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


class ProviderHost:
    """One host process; a fresh one per credential scenario (configure runs once per blob)."""

    def __init__(
        self,
        config: dict[str, Any],
        secret_keys: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.config = config
        self.secret_keys = secret_keys
        self.timeout = timeout
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("KIBANA_", "EC_"))}
        self.env = {
            **clean,
            "PYTHONPATH": str(ROOT),
            "PULUMI_PROJECT": PROJECT,
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.channel: grpc.Channel | None = None
        self.stderr = ""  # what the host wrote to stderr (warnings), once stopped

    def __enter__(self) -> ProviderHost:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        port = self._first_line()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self.channel).result(timeout=self.timeout)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        args: dict[str, Any] = {}
        for key, value in self.config.items():
            wire = json.dumps(value) if key in STRUCTURED and not isinstance(value, str) else value
            secret = key in self.secret_keys
            args[f"{PROJECT}:{key}"] = rpc.wrap_rpc_secret(wire) if secret else wire
        self.stub.Configure(
            provider_pb2.ConfigureRequest(args=_struct(args), acceptSecrets=True),
            timeout=self.timeout,
        )

    def _first_line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        if not selector.select(self.timeout):
            self.stop()
            raise TimeoutError("the provider host printed no port")
        line = self.process.stdout.readline().decode().strip()
        if not line.isdigit():
            err = self.process.stderr.read().decode() if self.process.stderr else ""
            self.stop()
            raise RuntimeError(f"the provider host did not start: {line} {err}")
        return line

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            if self.process.stderr is not None:
                self.stderr += self.process.stderr.read().decode(errors="replace")
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()
            self.process = None

    def _call(self, operation: str, request: Any) -> Any:
        try:
            return getattr(self.stub, operation)(request, timeout=self.timeout * 4)
        except grpc.RpcError as error:
            raise ProviderError(operation, error.details() or str(error)) from None

    # ------------------------------------------------------------ the engine's calls

    def check(
        self, type_: str, name: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        reply = self._call(
            "Check",
            provider_pb2.CheckRequest(urn=urn(type_, name), olds=_struct(olds), news=_struct(news)),
        )
        return _plain(reply.inputs), [(f.property, f.reason) for f in reply.failures]

    def diff(
        self, type_: str, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> Diff:
        reply = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_, urn=urn(type_, name), olds=_struct(olds), news=_struct(news)
            ),
        )
        changes = {
            provider_pb2.DiffResponse.DIFF_SOME: True,
            provider_pb2.DiffResponse.DIFF_NONE: False,
        }.get(reply.changes)
        return Diff(changes, list(reply.replaces), reply.deleteBeforeReplace)

    def create(self, type_: str, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        reply = self._call(
            "Create", provider_pb2.CreateRequest(urn=urn(type_, name), properties=_struct(props))
        )
        return reply.id, _plain(reply.properties)

    def update(
        self, type_: str, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        reply = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_, urn=urn(type_, name), olds=_struct(olds), news=_struct(news)
            ),
        )
        return _plain(reply.properties)

    def read(
        self, type_: str, name: str, id_: str, props: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        reply = self._call(
            "Read",
            provider_pb2.ReadRequest(id=id_, urn=urn(type_, name), properties=_struct(props)),
        )
        inputs = _plain(reply.inputs) if reply.HasField("inputs") else None
        return reply.id, _plain(reply.properties), inputs

    def delete(self, type_: str, name: str, id_: str, props: dict[str, Any]) -> None:
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(id=id_, urn=urn(type_, name), properties=_struct(props)),
        )
