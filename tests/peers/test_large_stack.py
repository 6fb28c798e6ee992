"""A stack whose config is over 128 KiB runs under the real engine (found by the side-by-side
benchmark of issue 14, whose N = 500 failed before anything was sent).

Pulumi's language hosts hand the whole stack config to the program (and to a policy pack) in
one environment variable, ``PULUMI_CONFIG``, and Linux refuses any single environment string
over 128 KiB (``MAX_ARG_STRLEN``): ``fork/exec .venv/bin/python: argument list too long``
(pulumi/pulumi#8680, #20402). Our language host (tools/pulumi-cli/language-python) sends it
through a pipe instead, to the program and to the policy pack.
"""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.e2e.test_policy_engine import PACK
from tests.support.engine import EngineDeployment, require_engine

ROLES = 160
DESCRIPTION = (
    "Security cases for the SOC rota. " * 30
)  # 990 characters (Elasticsearch allows 1,000)


def config(sandbox: Sandbox) -> dict[str, object]:
    roles = {
        f"large-{i:03d}": {
            "description": DESCRIPTION,
            "spaces": ["default"],
            "cases": {"security": "read"},
        }
        for i in range(ROLES)
    }
    return {"kibana": {"url": sandbox.kibana_url}, "roles": roles}


def test_a_stack_config_over_128_kib_previews_and_applies_with_the_policy_pack(
    tmp_path: Path,
) -> None:
    require_engine()
    with Sandbox(controls=True) as sandbox:
        values = config(sandbox)
        size = len(json.dumps({"elastic-access:roles": json.dumps(values["roles"])}))
        assert size > 128 * 1024
        stack = EngineDeployment(values, tmp_path, secrets={"kibanaApiKey": "sandbox"})
        options = {"policy_packs": [str(PACK)]} if (PACK / "venv").exists() else {}
        assert len(stack.preview(**options).changed()) == ROLES
        stack.up(**options)
        written = [
            r["path"] for r in Controls(sandbox.kibana_url).requests() if r["method"] == "PUT"
        ]
        assert sorted(written) == [f"/api/security/role/large-{i:03d}" for i in range(ROLES)]
        assert stack.preview().changed() == {}
