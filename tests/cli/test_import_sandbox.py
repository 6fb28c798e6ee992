"""Import over a live (sandbox) Kibana and Cloud organization: what is there is read back as
Kibana and Cloud return it (defaults added, reserved roles and the default space beside it),
imported, saved as printed, validated, and rendered back to the same roles, spaces and member
role assignments (issue 13 §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from components.cli import main
from components.core.members.atoms import atoms_from_api
from components.core.problems import errors
from components.core.roles.flatten import flatten
from components.core.roles.spec import RoleSpec
from components.core.roles.validation import validate_role
from components.core.stack import load_stack_file, render_stack
from components.core.versions import KibanaTarget
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.cli.test_import import (
    ABSENT_COMMENT,
    PEERS,
    REFUSED,
    assert_no_anchors,
    assert_roles_render_back,
    comments_above,
    saved_and_rendered,
    without_absent,
)
from tests.conftest import ROOT

KEY = "imp0rt-s3cret"
HEADERS = {"Authorization": f"ApiKey {KEY}", "kbn-xsrf": "test"}


def kibana_get(sandbox: Sandbox, path: str) -> Any:
    response = requests.get(f"{sandbox.kibana_url}{path}", headers=HEADERS, timeout=5)
    response.raise_for_status()
    return response.json()


def as_sets(spaces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spaces with ``disabledFeatures`` in order (a set, kept by Kibana as sent)."""
    return [{**s, "disabledFeatures": sorted(s["disabledFeatures"])} for s in spaces]


def import_from(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[str, str]:
    assert main(["import", "--kibana-url", sandbox.kibana_url, *extra]) == 0
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err
    assert_no_anchors(captured.out)
    return captured.out, captured.err


@pytest.mark.parametrize("profile", ["8.17.0", "9.1.0"])
def test_peer_roles_loaded_into_the_sandbox_import_and_render_back(
    profile: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIBANA_API_KEY", KEY)
    refused = []
    with Sandbox(profile=profile, api_key=KEY) as sandbox:
        for name, body in PEERS.items():
            response = requests.put(
                f"{sandbox.kibana_url}/api/security/role/{name}",
                json=body,
                headers=HEADERS,
                timeout=5,
            )
            if response.status_code == 204:
                continue
            refused.append(name)
            # What Kibana or Elasticsearch refuses, validate refuses before anything is sent.
            spec = RoleSpec.model_validate(flatten(body, KibanaTarget.of(profile)))
            assert errors(validate_role(name, spec, KibanaTarget.of(profile))), name
        live = {r["name"]: r for r in kibana_get(sandbox, "/api/security/role")}
        text, err = import_from(sandbox, capsys)
    assert tuple(refused) == REFUSED
    assert "note: skipped 11 built-in (reserved) roles" in err
    stored = {name: live[name] for name in PEERS if name not in REFUSED}
    assert comments_above(text, "    peer-04-security_analyst:") == [
        ABSENT_COMMENT.format(version=profile)
    ]
    assert_roles_render_back(saved_and_rendered(tmp_path, capsys, text), without_absent(stored))


# Spaces of every kind the API holds: plain, with hidden features, a solution space (which
# reads back the features its solution hides), colours and initials; `default` is there too.
SPACES = [
    {"id": "soc", "name": "SOC", "description": "Security operations", "solution": "security"},
    {"id": "observability", "name": "Observability", "color": "#54B399", "initials": "OB"},
    {"id": "analytics", "name": "Analytics", "disabledFeatures": ["ml", "dev_tools"]},
]
INVITATION = {
    "deployment": [{"role_id": "deployment-editor", "organization_id": "1000000001", "all": True}]
}


def test_the_local_stack_as_it_stands_in_the_sandbox_imports_and_renders_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIBANA_API_KEY", KEY)
    monkeypatch.setenv("EC_API_KEY", KEY)
    local = load_stack_file(ROOT / "stacks/Pulumi.local.yaml")
    wanted = render_stack(local, KibanaTarget.of("9.1.0"))
    with Sandbox(profile="9.1.0", api_key=KEY, controls=True) as sandbox:
        for space in SPACES:
            response = requests.post(
                f"{sandbox.kibana_url}/api/spaces/space", json=space, headers=HEADERS, timeout=5
            )
            assert response.status_code == 200, response.text
        for name, body in wanted["roles"].items():
            response = requests.put(
                f"{sandbox.kibana_url}/api/security/role/{name}",
                json=body,
                headers=HEADERS,
                timeout=5,
            )
            assert response.status_code == 204, response.text
        controls = Controls(sandbox.cloud_url)
        for email, assignments in wanted["members"].items():
            if email != "owner@sandbox.example":
                controls.seed_member(email, assignments)
        controls.seed_invitation("dan@example.com", INVITATION)
        live_roles = {r["name"]: r for r in kibana_get(sandbox, "/api/security/role")}
        live_spaces = kibana_get(sandbox, "/api/spaces/space")
        text, _ = import_from(
            sandbox,
            capsys,
            "--spaces",
            "--cloud-url",
            sandbox.cloud_url,
            "--cloud-org",
            "1000000001",
        )
    rendered = saved_and_rendered(tmp_path, capsys, text)
    assert_roles_render_back(rendered, {name: live_roles[name] for name in wanted["roles"]})
    expected_members = {**wanted["members"], "dan@example.com": INVITATION}
    assert sorted(rendered["members"]) == sorted(expected_members)
    for email, body in expected_members.items():
        assert atoms_from_api(rendered["members"][email]) == atoms_from_api(body), email
    config = yaml.safe_load(text)["config"]
    assert config["elastic-access:cloud"]["organizationId"] == "1000000001"
    assert all(e["adopt"] for section in ("roles", "members", "spaces")
               for e in config[f"elastic-access:{section}"].values())  # fmt: skip
    # The spaces, created from the rendered bodies on a fresh Kibana, read back the same.
    with Sandbox(profile="9.1.0", api_key=KEY) as fresh:
        for space_id, body in rendered["spaces"].items():
            method, path = ("PUT", f"/{space_id}") if space_id == "default" else ("POST", "")
            response = requests.request(
                method,
                f"{fresh.kibana_url}/api/spaces/space{path}",
                json=body,
                headers=HEADERS,
                timeout=5,
            )
            assert response.status_code == 200, response.text
        assert as_sets(kibana_get(fresh, "/api/spaces/space")) == as_sets(live_spaces)
