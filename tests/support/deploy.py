"""A small stand-in for the Pulumi engine: ``up`` / ``preview`` / ``refresh`` / ``destroy`` over the
project's real program (``components.program.build``) and the real dynamic-provider host.

What it does is what the engine does for dynamic providers:
- run the program under ``pulumi.runtime`` mocks to collect the registrations (type, name, inputs
  including the pickled ``__provider``);
- Check every registration first: any failure stops the run before any write;
- for each registration: Create when new; else Diff against the saved outputs, then Update,
  Replace (delete-before-replace when the provider asks) or nothing;
- Delete what is saved but no longer registered;
- Read everything for refresh; Delete everything for destroy;
- keep the state (``{urn: {type, name, id, inputs, outputs}}``) in a JSON file, written after
  every step, so that an interrupted run leaves what it did on disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

import pulumi

from components.program import build
from tests.support.mocks import Recorder, mocked
from tests.support.provider_host import ProviderHost, urn

DYNAMIC = "pulumi-python:dynamic/"
# The program's dependencies, as an order: spaces before the roles that grant in them (and
# deleted after them). The engine reads them from depends_on; the mocks do not record it.
FIRST = (f"{DYNAMIC}kibana:Space",)


def _first(type_: str) -> int:
    return 0 if type_ in FIRST else 1


@dataclass(frozen=True)
class Registration:
    type_: str
    name: str
    inputs: dict[str, Any]

    @property
    def urn(self) -> str:
        return urn(self.type_, self.name)


class CheckFailed(Exception):
    """Check refused at least one resource; nothing was written."""

    def __init__(self, failures: dict[str, list[str]]) -> None:
        self.failures = failures
        lines = [f"{name}: {reason}" for name, reasons in failures.items() for reason in reasons]
        super().__init__("\n".join(lines))


@dataclass
class Plan:
    """What an operation did (or, for preview, would do), by resource name."""

    steps: dict[str, str] = field(default_factory=dict)

    def changed(self) -> dict[str, str]:
        return {name: op for name, op in sorted(self.steps.items()) if op != "same"}


def registrations(config: dict[str, Any]) -> list[Registration]:
    """The program's dynamic resources for this stack config (run under mocks)."""
    with mocked(Recorder(), config) as recorder:

        @pulumi.runtime.test  # type: ignore[misc]
        def program() -> Any:
            build()
            return pulumi.Output.from_input(None)

        program()
        found = recorder.resources  # type: ignore[attr-defined]
    return sorted(
        (
            Registration(r.typ, r.name, _plain_inputs(r.inputs))
            for r in found
            if r.typ.startswith(DYNAMIC)
        ),
        key=lambda reg: (_first(reg.type_), reg.type_, reg.name),
    )


def _plain_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(dict(inputs)))


class Deployment:
    """One stack: its config, its state file, and a provider host per operation."""

    def __init__(
        self,
        config: dict[str, Any],
        state_file: Path,
        *,
        secrets: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        parallel: int = 1,
        save_each_step: bool = True,
    ) -> None:
        self.config = config
        self.secrets = secrets or {}
        self.env = env
        self.state_file = state_file
        self.parallel = parallel
        # Off in benchmarks: rewriting a large state file per step costs O(N^2) in the driver.
        self.save_each_step = save_each_step
        self.stderr = ""  # the provider host's stderr during the last operation
        self._lock = Lock()
        self.state: dict[str, dict[str, Any]] = (
            json.loads(state_file.read_text()) if state_file.exists() else {}
        )

    # ------------------------------------------------------------ plumbing

    @contextmanager
    def host(self) -> Iterator[ProviderHost]:
        config = {**self.config, **self.secrets}
        host = ProviderHost(config, tuple(self.secrets), env=self.env)
        try:
            with host:
                yield host
        finally:
            self.stderr = host.stderr

    def warnings(self) -> list[str]:
        """The warnings the providers gave during the last operation."""
        return [
            line.removeprefix("warning: ")
            for line in self.stderr.splitlines()
            if line.startswith("warning: ")
        ]

    def _save(self) -> None:
        self.state_file.write_text(json.dumps(self.state, indent=2, sort_keys=True))

    def _record(self, key: str, entry: dict[str, Any] | None, *, save: bool = True) -> None:
        """Keep a step's result; written to disk at once unless nothing live changed (those
        are written at the end of the operation, as the engine's snapshot does)."""
        with self._lock:
            if entry is None:
                self.state.pop(key, None)
            else:
                self.state[key] = entry
            if save and self.save_each_step:
                self._save()

    def _deletion_order(self, keys: list[str]) -> list[str]:
        """Dependents first (roles before the spaces they grant in), else by URN, last first."""
        return sorted(sorted(keys, reverse=True), key=lambda k: -_first(self.state[k]["type"]))

    def _each(self, items: list[Any], work: Callable[[Any], None]) -> None:
        if self.parallel <= 1:
            for item in items:
                work(item)
            return
        with ThreadPoolExecutor(self.parallel) as pool:
            for future in [pool.submit(work, item) for item in items]:
                future.result()

    # ------------------------------------------------------------ operations

    def _check(self, host: ProviderHost, wanted: list[Registration]) -> dict[str, dict[str, Any]]:
        checked: dict[str, dict[str, Any]] = {}
        failures: dict[str, list[str]] = {}
        for reg in wanted:
            olds = self.state.get(reg.urn, {}).get("inputs", {})
            inputs, problems = host.check(reg.type_, reg.name, olds, reg.inputs)
            checked[reg.urn] = inputs
            if problems:
                failures[reg.name] = [reason for _, reason in problems]
        if failures:
            raise CheckFailed(failures)
        return checked

    def preview(self) -> Plan:
        """Check and diff; no write."""
        wanted = registrations(self.config)
        plan = Plan()
        with self.host() as host:
            checked = self._check(host, wanted)
            for reg in wanted:
                saved = self.state.get(reg.urn)
                if saved is None:
                    plan.steps[reg.name] = "create"
                    continue
                diff = host.diff(
                    reg.type_, reg.name, saved["id"], saved["outputs"], checked[reg.urn]
                )
                plan.steps[reg.name] = (
                    "replace" if diff.replaces else "update" if diff.changes else "same"
                )
        for key in set(self.state) - {r.urn for r in wanted}:
            plan.steps[self.state[key]["name"]] = "delete"
        return plan

    def up(self, *, skip_preview: bool = False) -> Plan:
        """Check every registration, then write; ``skip_preview`` changes nothing here, as this
        stand-in never previews first (the engine's ``pulumi up --skip-preview`` does check as
        it goes: tests/e2e)."""
        wanted = registrations(self.config)
        plan = Plan()
        with self.host() as host:
            checked = self._check(host, wanted)

            def step(reg: Registration) -> None:
                plan.steps[reg.name] = self._step(host, reg, checked[reg.urn])

            self._each(wanted, step)
            gone = [k for k in self.state if k not in {r.urn for r in wanted}]

            def remove(key: str) -> None:
                saved = self.state[key]
                host.delete(saved["type"], saved["name"], saved["id"], saved["outputs"])
                plan.steps[saved["name"]] = "delete"
                self._record(key, None)

            self._each(self._deletion_order(gone), remove)
        self._save()
        return plan

    def _step(self, host: ProviderHost, reg: Registration, news: dict[str, Any]) -> str:
        saved = self.state.get(reg.urn)
        if saved is None:
            self._create(host, reg, news)
            return "create"
        diff = host.diff(reg.type_, reg.name, saved["id"], saved["outputs"], news)
        if diff.replaces:
            if diff.delete_before_replace:
                host.delete(reg.type_, reg.name, saved["id"], saved["outputs"])
                self._record(reg.urn, None)
                self._create(host, reg, news)
            else:
                self._create(host, reg, news)
                host.delete(reg.type_, reg.name, saved["id"], saved["outputs"])
            return "replace"
        if diff.changes:
            outputs = host.update(reg.type_, reg.name, saved["id"], saved["outputs"], news)
            self._record(reg.urn, {**saved, "inputs": news, "outputs": outputs})
            return "update"
        self._record(reg.urn, {**saved, "inputs": news}, save=False)
        return "same"

    def _create(self, host: ProviderHost, reg: Registration, news: dict[str, Any]) -> None:
        id_, outputs = host.create(reg.type_, reg.name, news)
        entry = {"type": reg.type_, "name": reg.name, "id": id_, "inputs": news}
        self._record(reg.urn, {**entry, "outputs": outputs})

    def refresh(self) -> Plan:
        """Read every saved resource; drop those gone; report which outputs changed."""
        plan = Plan()
        with self.host() as host:

            def read(key: str) -> None:
                saved = self.state[key]
                id_, outputs, inputs = host.read(
                    saved["type"], saved["name"], saved["id"], saved["outputs"]
                )
                if not id_:
                    plan.steps[saved["name"]] = "gone"
                    self._record(key, None)
                    return
                # As the engine does: the refreshed state against the saved inputs, through
                # the provider's diff (pulumi/pkg resource/deploy/step.go, RefreshStep).
                drift = host.diff(saved["type"], saved["name"], id_, outputs, saved["inputs"])
                changed = bool(drift.changes or drift.replaces)
                plan.steps[saved["name"]] = "drift" if changed else "same"
                entry = {**saved, "outputs": outputs}
                if inputs is not None:
                    entry["inputs"] = {**saved["inputs"], **inputs}
                self._record(key, entry, save=entry != saved)

            self._each(sorted(self.state), read)
        self._save()
        return plan

    def resources(self) -> dict[str, dict[str, Any]]:
        """The saved resources, by name."""
        return {entry["name"]: entry for entry in self.state.values()}

    def saved_text(self) -> str:
        """Everything this stand-in keeps on disk."""
        return self.state_file.read_text() if self.state_file.exists() else ""

    def destroy(self) -> Plan:
        plan = Plan()
        with self.host() as host:

            def remove(key: str) -> None:
                saved = self.state[key]
                host.delete(saved["type"], saved["name"], saved["id"], saved["outputs"])
                plan.steps[saved["name"]] = "delete"
                self._record(key, None)

            self._each(self._deletion_order(list(self.state)), remove)
        self._save()
        return plan
