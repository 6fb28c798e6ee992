"""The real Pulumi engine, driven through ``pulumi.automation``.

``EngineDeployment`` has the operations of ``tests/support/deploy.Deployment`` (``preview``, ``up``,
``refresh``, ``destroy``, each returning a ``Plan`` by resource name) so that one scenario body
runs under both drivers. It works on a throwaway project in ``workdir``: ``Pulumi.yaml`` (the
project's runtime, with the repository's ``.venv``), the project's own ``__main__.py`` (or
another ``program``), a file
backend and passphrase-encrypted secrets set with ``pulumi config set --secret``. The CLI is the
one ``make pulumi-cli`` put in ``.pulumi/bin``; plugins are never downloaded.

Errors: a run that fails raises ``CheckFailed`` when no resource was written, else
``ProviderError``; both carry the engine's error diagnostics. ``--expect-no-changes`` that finds
changes raises ``UnexpectedChanges``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi import automation as auto
from pulumi.automation import EngineEvent, OpType

from tests.support.deploy import CheckFailed, Plan
from tests.support.provider_host import ProviderError

REPO = Path(__file__).resolve().parents[2]
CLI_ROOT = REPO / ".pulumi"
PLUGINS = (
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-resource-pulumi-python",
)
NAMESPACE = "elastic-access"
PASSPHRASE = "engine-tests-passphrase"
DYNAMIC = "pulumi-python:dynamic/"
_OPS = {
    OpType.CREATE: "create",
    OpType.UPDATE: "update",
    OpType.DELETE: "delete",
    OpType.SAME: "same",
    OpType.REPLACE: "replace",
    OpType.CREATE_REPLACEMENT: "replace",
    OpType.DELETE_REPLACED: "replace",
}
_WRITES = {"create", "update", "delete", "replace"}


class UnexpectedChanges(Exception):
    """``--expect-no-changes`` failed: the engine proposed changes (the drift check's failure)."""


def cli_missing() -> str | None:
    """Why the real engine cannot run here (None when it can)."""
    missing = [p for p in PLUGINS if not (CLI_ROOT / "bin" / p).exists()]
    return f".pulumi/bin lacks {', '.join(missing)}" if missing else None


# The tests that ran the real CLI (pytest node ids), for the count in the test summary.
ENGINE_TESTS: set[str] = set()


class EngineDeployment:
    """One stack of the project under the real CLI; ``config`` holds un-namespaced keys
    (``kibana``, ``roles``...), ``secrets`` the keys set with ``--secret``."""

    def __init__(
        self,
        config: dict[str, Any],
        workdir: Path,
        *,
        secrets: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        parallel: int | None = None,
        stack: str = "test",
        program: Path = REPO / "__main__.py",
    ) -> None:
        current = os.environ.get("PYTEST_CURRENT_TEST", "")
        if current:
            ENGINE_TESTS.add(current.rsplit(" (", 1)[0])
        self.workdir = workdir
        self.program = program
        self.parallel = parallel
        self.project = workdir / "project"
        self.backend = workdir / "backend"
        self.events: list[EngineEvent] = []
        self.output: list[str] = []
        self._write_project()
        self.stack_file = self.project / f"Pulumi.{stack}.yaml"
        self._write_config(config)
        environ = {
            "PULUMI_HOME": str(workdir / "home"),
            "PULUMI_BACKEND_URL": f"file://{self.backend}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PATH": f"{CLI_ROOT / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            **(env or {}),
        }
        workspace = auto.LocalWorkspace(
            work_dir=str(self.project),
            env_vars=environ,
            pulumi_command=auto.PulumiCommand(root=str(CLI_ROOT), skip_version_check=True),
        )
        self.stack = auto.Stack.create_or_select(stack, workspace)
        for key, value in (secrets or {}).items():
            self.stack.set_config(f"{NAMESPACE}:{key}", auto.ConfigValue(value, secret=True))

    # ------------------------------------------------------------ project files

    def _write_project(self) -> None:
        self.project.mkdir(parents=True, exist_ok=True)
        self.backend.mkdir(parents=True, exist_ok=True)
        project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
        project["runtime"]["options"]["virtualenv"] = str(REPO / ".venv")
        project.pop("stackConfigDir", None)
        (self.project / "Pulumi.yaml").write_text(yaml.safe_dump(project))
        shutil.copy(self.program, self.project / "__main__.py")

    def _write_config(self, config: dict[str, Any]) -> None:
        """The stack file holds this config; its salt and secrets from earlier runs stay."""
        kept = {}
        if self.stack_file.exists():
            old = yaml.safe_load(self.stack_file.read_text()) or {}
            kept = {k: v for k, v in old.items() if k != "config"}
            secure = {
                k: v
                for k, v in (old.get("config") or {}).items()
                if isinstance(v, dict) and "secure" in v
            }
        else:
            secure = {}
        namespaced = {f"{NAMESPACE}:{k}": v for k, v in config.items()}
        self.stack_file.write_text(yaml.safe_dump({**kept, "config": {**namespaced, **secure}}))

    # ------------------------------------------------------------ operations

    def preview(self, **options: Any) -> Plan:
        return self._run(self.stack.preview, options)

    def up(self, *, skip_preview: bool = False, **options: Any) -> Plan:
        """``pulumi up --yes``: a preview first (as the CLI and ``make up`` do), then the update;
        ``skip_preview`` runs the update alone, as ``pulumi up --skip-preview`` and the
        automation API (pulumi/actions) do."""
        if not skip_preview:
            self._run(self.stack.preview, dict(options))
        return self._run(self.stack.up, options)

    def refresh(self, **options: Any) -> Plan:
        return self._run(self.stack.refresh, options, refresh=True)

    def destroy(self, **options: Any) -> Plan:
        return self._run(self.stack.destroy, options)

    def _run(
        self, operation: Callable[..., Any], options: dict[str, Any], *, refresh: bool = False
    ) -> Plan:
        events: list[EngineEvent] = []
        output: list[str] = []
        if self.parallel is not None:
            options.setdefault("parallel", self.parallel)
        try:
            operation(on_event=events.append, on_output=output.append, **options)
        except auto.errors.CommandError as error:
            self.events, self.output = events, output
            if "no changes were expected" in str(error):
                raise UnexpectedChanges(str(error)) from None
            wrote = operation != self.stack.preview and _wrote(events)
            raise _failure(events, str(error), wrote=wrote) from None
        finally:
            self.events, self.output = events, output
        return _plan(events, refresh=refresh)

    def warnings(self) -> list[str]:
        """The warnings of the last operation (engine diagnostics of severity warning)."""
        return [
            e.diagnostic_event.message.strip()
            for e in self.events
            if e.diagnostic_event and e.diagnostic_event.severity == "warning"
        ]

    # ------------------------------------------------------------ what the engine keeps

    def exported(self) -> dict[str, Any]:
        """``pulumi stack export`` (secrets stay encrypted): the deployment as saved."""
        result = subprocess.run(
            [str(CLI_ROOT / "bin" / "pulumi"), "stack", "export", "--stack", self.stack.name],
            cwd=self.project,
            env={**os.environ, **self.stack.workspace.env_vars},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return dict(json.loads(result.stdout)["deployment"])

    def resources(self) -> dict[str, dict[str, Any]]:
        """The dynamic resources of the saved state, by name."""
        found = self.exported().get("resources") or []
        return {_name(r["urn"]): r for r in found if str(r.get("type", "")).startswith(DYNAMIC)}

    def saved_text(self) -> str:
        """Every file the backend and the stack wrote (state, history, backups, config)."""
        texts = [p.read_text(errors="replace") for p in self.backend.rglob("*") if p.is_file()]
        return "\n".join([*texts, self.stack_file.read_text()])


def _wrote(events: list[EngineEvent]) -> bool:
    """Whether a dynamic resource's create, update or delete completed (outputs events come
    after a step, and a preview has none that count)."""
    return any(
        e.res_outputs_event
        and e.res_outputs_event.metadata.type.startswith(DYNAMIC)
        and _OPS.get(e.res_outputs_event.metadata.op) in _WRITES
        for e in events
    )


def _failure(events: list[EngineEvent], fallback: str, *, wrote: bool) -> Exception:
    """``CheckFailed`` (by resource name) when nothing was written, else ``ProviderError``."""
    errors = [
        (_name(e.diagnostic_event.urn), e.diagnostic_event.message.strip())
        for e in events
        if e.diagnostic_event and e.diagnostic_event.severity == "error"
    ]
    if not errors:
        return ProviderError("pulumi", fallback)
    if wrote:
        return ProviderError("pulumi", "\n".join(message for _, message in errors))
    failures: dict[str, list[str]] = {}
    for name, message in errors:
        failures.setdefault(name or "program", []).append(message)
    return CheckFailed(failures)


def _name(urn: str | None) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""


def _plan(events: list[EngineEvent], *, refresh: bool) -> Plan:
    """Each dynamic resource's step: create, update, replace, delete or same; for refresh,
    ``drift`` where the engine found a difference, ``gone`` where the resource disappeared.
    A step's outcome (its outputs event) overrides its announcement (pre event: all a preview
    has for some steps)."""
    plan = Plan()
    for event in events:
        found = event.res_outputs_event or event.resource_pre_event
        if found is None or not found.metadata.type.startswith(DYNAMIC):
            continue
        meta = found.metadata
        name = _name(meta.urn)
        if refresh:
            if meta.op == OpType.REFRESH:
                continue
            if meta.op == OpType.DELETE or meta.new is None:
                plan.steps[name] = "gone"
            else:
                plan.steps[name] = "drift" if meta.op == OpType.UPDATE else "same"
        else:
            plan.steps[name] = _OPS.get(meta.op, str(meta.op))
    return plan


def require_engine() -> None:
    """Skip (or, with ``REQUIRE_PULUMI=1``, fail) a real-engine test when the CLI is missing."""
    why = cli_missing()
    if why is None:
        return
    if os.environ.get("REQUIRE_PULUMI") == "1":
        pytest.fail(f"REQUIRE_PULUMI=1 but {why}: run make pulumi-cli")
    pytest.skip(f"real-engine test skipped: {why}; make pulumi-cli enables it")
