"""A role input fed from another resource's output, under the real engine (issue 11 §4).

At preview the output is unknown: the role's check defers and its diff answers "unknown", so
preview shows the role's update instead of failing (diff raised a pydantic ValidationError);
``up`` writes the role once the value is known, and only then.
"""

from __future__ import annotations

from pathlib import Path

import requests

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.e2e.conftest import SECRET
from tests.support.engine import EngineDeployment

PROGRAM = Path(__file__).parent / "programs" / "role_from_an_output.py"


def discover(sandbox: Sandbox) -> list[str] | None:
    response = requests.get(
        f"{sandbox.kibana_url}/api/security/role/analysts",
        headers={"Authorization": f"ApiKey {SECRET}"},
        timeout=5,
    )
    if response.status_code == 404:
        return None
    return list(response.json()["kibana"][0]["feature"]["discover_v2"])


def test_a_role_input_from_another_resource_is_unknown_at_preview_then_applied(
    sandbox: Sandbox, kibana: Controls, tmp_path: Path
) -> None:
    def stack(choice: str) -> EngineDeployment:
        config = {"kibana": {"url": sandbox.kibana_url}, "choice": choice}
        secrets = {"kibanaApiKey": SECRET}
        return EngineDeployment(config, tmp_path, secrets=secrets, program=PROGRAM)

    def puts() -> int:
        return sum(1 for r in kibana.requests() if r["method"] == "PUT")

    assert stack("read").preview().changed() == {"analysts": "create", "grant": "create"}
    assert puts() == 0
    assert stack("read").up().changed() == {"analysts": "create", "grant": "create"}
    assert discover(sandbox) == ["read"]

    written = puts()
    assert stack("all").preview().changed() == {"analysts": "update", "grant": "update"}
    assert puts() == written  # nothing is written while the value is unknown
    assert stack("all").up().changed() == {"analysts": "update", "grant": "update"}
    assert discover(sandbox) == ["all"]
    assert stack("all").preview().changed() == {}
