"""Import over a live (sandbox) Kibana: the peer project's roles are PUT, read back as Kibana
returns them (defaults added, reserved roles beside them), imported, and rendered back."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import yaml

from components.cli import main
from components.core.problems import errors
from components.core.roles.flatten import flatten
from components.core.roles.spec import RoleSpec
from components.core.roles.validation import validate_role
from components.core.versions import KibanaTarget
from sandbox.server import Sandbox
from tests.cli.test_import import PEERS, assert_renders_back

KEY = "imp0rt-s3cret"


@pytest.mark.parametrize("profile", ["8.17.0", "9.1.0"])
def test_peer_roles_loaded_into_the_sandbox_import_and_render_back(
    profile: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIBANA_API_KEY", KEY)
    with Sandbox(profile=profile, api_key=KEY) as sandbox:
        headers = {"Authorization": f"ApiKey {KEY}", "kbn-xsrf": "test"}
        stored = []
        for name, body in PEERS.items():
            response = requests.put(
                f"{sandbox.kibana_url}/api/security/role/{name}",
                json=body,
                headers=headers,
                timeout=5,
            )
            if response.status_code == 204:
                stored.append(name)
                continue
            # What Kibana or Elasticsearch refuses, validate refuses before anything is sent.
            spec = RoleSpec.model_validate(flatten(body, KibanaTarget.of(profile)))
            assert errors(validate_role(name, spec, KibanaTarget.of(profile))), name
        live = {
            r["name"]: r
            for r in requests.get(
                f"{sandbox.kibana_url}/api/security/role", headers=headers, timeout=5
            ).json()
        }
        assert main(["import", "--kibana-url", sandbox.kibana_url]) == 0
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err
    config = yaml.safe_load(captured.out)["config"]
    assert "note: skipped superuser" in captured.err or "superuser" in captured.err
    assert len(stored) >= len(PEERS) - 2
    assert_renders_back(tmp_path, config, {name: live[name] for name in stored}, profile)
