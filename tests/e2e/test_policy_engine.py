"""The policy pack (policy/) under the real engine: `pulumi preview --policy-pack policy`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.e2e.conftest import local_config, local_stack, writes
from tests.support.deploy import CheckFailed
from tests.support.engine import REPO

PACK = REPO / "policy"


@pytest.fixture(autouse=True)
def _pack_environment() -> None:
    if (PACK / "venv" / "bin" / "python").exists():
        return
    why = "policy/venv is missing: make policy-venv (make test builds it)"
    if os.environ.get("REQUIRE_PULUMI") == "1":
        pytest.fail(why)
    pytest.skip(why)


def with_cluster_all(sandbox: Sandbox) -> dict[str, object]:
    config = local_config(sandbox)
    config["roles"]["ops-superuser"] = {"elasticsearch": {"cluster": ["all"]}}
    return config


def test_a_clean_stack_passes_the_pack(sandbox: Sandbox, tmp_path: Path) -> None:
    stack = local_stack(sandbox, tmp_path)
    stack.preview(policy_packs=[str(PACK)])
    assert "elastic-access" in "\n".join(stack.output)
    stack.up(policy_packs=[str(PACK)])


def test_a_mandatory_violation_fails_preview_and_up_before_any_write(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path
) -> None:
    stack = local_stack(sandbox, tmp_path, with_cluster_all(sandbox))
    with pytest.raises(CheckFailed) as failed:
        stack.preview(policy_packs=[str(PACK)])
    assert "no-cluster-all" in "\n".join(stack.output)
    assert "ops-superuser" in str(failed.value) + "\n".join(stack.output)
    with pytest.raises(CheckFailed):
        stack.up(policy_packs=[str(PACK)])
    assert writes(kibana) == []


def test_an_advisory_violation_only_warns(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path
) -> None:
    advisory = tmp_path / "policy-config.json"
    advisory.write_text(json.dumps({"no-cluster-all": {"enforcementLevel": "advisory"}}))
    stack = local_stack(sandbox, tmp_path / "stack", with_cluster_all(sandbox))
    options = {"policy_packs": [str(PACK)], "policy_pack_configs": [str(advisory)]}
    stack.preview(**options)
    shown = "\n".join(stack.output)
    assert "no-cluster-all" in shown
    assert "advisory" in shown
    assert stack.up(**options).changed()["ops-superuser"] == "create"
    assert ("PUT", "/api/security/role/ops-superuser") in writes(kibana)
