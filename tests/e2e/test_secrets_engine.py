"""Credentials under the real engine: set as secrets (`pulumi config set --secret`) or through the
environment, they appear nowhere the engine keeps or shows: the exported state, every file of the
file backend, the engine's events, its output and its logs, in any encoding."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sandbox.server import Sandbox
from tests.e2e.conftest import SECRET, local_config
from tests.support.engine import EngineDeployment

USER, PASSWORD = "elastic", "sandbox"


def encodings(secret: str) -> set[str]:
    """The forms in which a server or a log could echo a credential."""
    forms = {secret, f"ApiKey {secret}"}
    found = set()
    for form in forms:
        raw = form.encode()
        found |= {
            form,
            quote(form, safe=""),
            base64.b64encode(raw).decode(),
            base64.urlsafe_b64encode(raw).decode(),
            base64.b64encode(raw).decode().rstrip("="),
            raw.hex(),
        }
    return found


def as_text(value: Any) -> str:
    """An engine event, whatever its classes, as text."""
    if hasattr(value, "__dict__"):
        return as_text(vars(value))
    if isinstance(value, dict):
        return json.dumps({str(k): as_text(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return json.dumps([as_text(v) for v in value])
    return str(value)


def everything(stack: EngineDeployment, logs: Path) -> str:
    parts = [
        json.dumps(stack.exported()),
        stack.saved_text(),
        "\n".join(stack.output),
        *(as_text(e) for e in stack.events),
        *(p.read_text(errors="replace") for p in logs.rglob("*") if p.is_file()),
    ]
    return "\n".join(parts)


@pytest.mark.parametrize("through", ["secret config", "environment"])
def test_no_credential_byte_in_state_events_output_or_logs(
    sandbox: Sandbox, tmp_path: Path, through: str
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {"TMPDIR": str(logs)}  # the engine's -v logs go to the temporary folder
    if through == "environment":
        env |= {"KIBANA_API_KEY": SECRET, "EC_API_KEY": SECRET}
    secrets = {"kibanaApiKey": SECRET, "cloudApiKey": SECRET} if through == "secret config" else {}
    seen: list[str] = []
    states: list[dict[str, Any]] = []

    def run(operation: str) -> None:
        stack = EngineDeployment(
            local_config(sandbox), tmp_path / "stack", secrets=secrets, env=env
        )
        getattr(stack, operation)(**({"log_verbosity": 9} if operation != "destroy" else {}))
        seen.append(everything(stack, logs))
        states.append(stack.exported())

    for operation in ("up", "refresh", "preview", "destroy"):
        run(operation)
    text = "\n".join(seen)
    assert "owner@sandbox.example" in text  # the search covers what the engine kept
    assert list(logs.glob("pulumi*.log.*"))  # and its verbose logs
    leaked = sorted(form for form in encodings(SECRET) if form in text)
    assert leaked == []
    provider = next(
        r for r in states[0]["resources"] if r["type"] == "pulumi:providers:pulumi-python"
    )
    if through == "secret config":
        # The engine hands the whole stack config to the dynamic providers' default provider
        # and keeps it as that provider's inputs: a secret stays ciphertext there.
        assert "ciphertext" in json.dumps(provider["inputs"]["elastic-access:kibanaApiKey"])
        assert "secure: v1:" in (tmp_path / "stack/project/Pulumi.test.yaml").read_text()
    else:
        assert not [k for k in provider["inputs"] if "ApiKey" in k]
