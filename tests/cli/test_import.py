"""``elastic-access import``: live roles (and members) -> config YAML that renders back to them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import responses
import yaml

from components.cli import common, main
from components.clients import RetryPolicy
from components.core.members.atoms import Atom, atoms_from_api, member_atoms
from components.core.members.importer import member_config
from components.core.roles import importer
from components.core.roles.body import normalise, put_body
from components.core.roles.expand import render
from components.core.stack import load_stack_file, parse_config, render_stack
from components.core.versions import KibanaTarget
from tests.conftest import ROOT, peer_roles

KIBANA = "http://kibana.test:5601"
CLOUD = "http://cloud.test"
API_KEY = "a2V5LWlkOnN1cGVyLXNlY3JldC1rZXk="  # base64 of key-id:super-secret-key
CLOUD_KEY = "cloud-secret-key-123"
SECRETS = (API_KEY, "super-secret-key", CLOUD_KEY)
RESERVED = {
    "name": "superuser",
    "metadata": {"_reserved": True},
    "elasticsearch": {"cluster": ["all"]},
    "kibana": [{"spaces": ["*"], "base": ["all"], "feature": {}}],
}


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIBANA_ENDPOINT", "KIBANA_USERNAME", "KIBANA_PASSWORD", "EC_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIBANA_API_KEY", API_KEY)
    monkeypatch.setenv("EC_API_KEY", CLOUD_KEY)
    monkeypatch.setattr(common, "RETRY", RetryPolicy(max_attempts=1))


def fake_kibana(
    rsps: responses.RequestsMock, roles: list[dict[str, Any]], version: str = "9.1.0"
) -> None:
    status = {"version": {"number": version, "build_flavor": "traditional"}}
    rsps.get(f"{KIBANA}/api/status", json=status)
    rsps.get(f"{KIBANA}/api/security/role", json=roles)


def imported(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[dict[str, Any], str]:
    assert main(["import", "--kibana-url", KIBANA, *args]) == 0
    captured = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in captured.out + captured.err
    return yaml.safe_load(captured.out)["config"], captured.err


def assert_renders_back(
    tmp_path: Path, config: dict[str, Any], roles: dict[str, dict[str, Any]], version: str
) -> None:
    path = tmp_path / "Pulumi.imported.yaml"
    path.write_text(yaml.safe_dump({"config": config}))
    stack = load_stack_file(path)
    target = KibanaTarget.of(version)
    assert sorted(stack.roles) == sorted(roles)
    for name, body in roles.items():
        assert normalise(put_body(render(stack.roles[name], target))) == normalise(body), name
        assert stack.roles[name].adopt


PEERS = {name: fixture["kibana_put_body"] for name, fixture in peer_roles()}


@pytest.mark.parametrize("version", ["8.16.0", "8.17.0", "9.1.0"])
def test_every_peer_role_imports_and_renders_back(
    version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [{**body, "name": name} for name, body in PEERS.items()], version)
        config, _ = imported(capsys, [])
    assert_renders_back(tmp_path, config, PEERS, version)


def test_local_stack_roles_import_with_their_shorthands_and_render_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = KibanaTarget.of("9.1.0")
    local = load_stack_file(ROOT / "stacks/Pulumi.local.yaml")
    bodies = render_stack(local, target)["roles"]
    live = [
        {**body, "name": name, "transient_metadata": {"enabled": True}}
        for name, body in bodies.items()
    ]
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, live)
        config, _ = imported(capsys, [])
    assert_renders_back(tmp_path, config, bodies, "9.1.0")
    roles = config["elastic-access:roles"]
    assert roles["security-cases-alerts"] == {
        "description": "Security cases with access to add alerts to cases",
        "spaces": ["soc"],
        "cases": {"security": "all"},
        "alerts": {"security": "read"},
        "adopt": True,
    }
    assert roles["stack-case-editors"]["cases"] == {
        "stack": {"access": "all", "deny": ["cases_delete"]}
    }


def test_reserved_roles_are_skipped_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    custom = {
        "name": "custom",
        "metadata": {"team": "a", "_hidden": 1},
        "kibana": [{"spaces": ["*"], "feature": {"actions": ["read"]}}],
    }
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [RESERVED, custom])
        config, err = imported(capsys, [])
    assert list(config["elastic-access:roles"]) == ["custom"]
    assert config["elastic-access:roles"]["custom"]["metadata"] == {"team": "a"}
    assert "note: skipped reserved role superuser" in err


def test_named_roles_are_fetched_one_by_one(capsys: pytest.CaptureFixture[str]) -> None:
    body = {"kibana": [{"spaces": ["default"], "feature": {"generalCasesV3": ["read"]}}]}
    with responses.RequestsMock() as rsps:
        rsps.get(f"{KIBANA}/api/security/role/viewer%20one", json={**body, "name": "viewer one"})
        config, _ = imported(
            capsys, ["--role", "viewer one", "--kibana-version", "9.1.0", "--flavor", "stateful"]
        )
    assert config["elastic-access:roles"] == {
        "viewer one": {"spaces": ["default"], "cases": {"stack": "read"}, "adopt": True}
    }


def test_a_missing_named_role_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(f"{KIBANA}/api/status", json={"version": {"number": "9.1.0"}})
        rsps.get(f"{KIBANA}/api/security/role/nope", status=404, json={"statusCode": 404})
        assert main(["import", "--kibana-url", KIBANA, "--role", "nope"]) == 2
    assert "Kibana has no role named 'nope'" in capsys.readouterr().err


def test_members_import_as_the_config_that_gives_the_same_assignments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    local = load_stack_file(ROOT / "stacks/Pulumi.local.yaml")
    org = "1000000001"
    assignments = render_stack(local, KibanaTarget.of("9.1.0"))["members"]
    members = [
        {"user_id": f"u{i}", "email": email.upper(), "role_assignments": body}
        for i, (email, body) in enumerate(assignments.items())
    ]
    invitation = {
        "token": "tok-secret",
        "email": "dan@example.com",
        "expired": False,
        "expires_at": "2030-01-01T00:00:00Z",
        "role_assignments": {
            "deployment": [{"role_id": "deployment-admin", "organization_id": org, "all": True}]
        },
    }
    expired = {**invitation, "email": "old@example.com", "expired": True, "token": "tok-2"}
    with responses.RequestsMock() as rsps:
        fake_kibana(rsps, [])
        rsps.get(f"{CLOUD}/api/v1/organizations/{org}/members", json={"members": members})
        rsps.get(
            f"{CLOUD}/api/v1/organizations/{org}/invitations",
            json={"invitations": [invitation, expired]},
        )
        config, err = imported(capsys, ["--cloud-url", CLOUD, "--cloud-org", org])
    path_config = {"members": config["elastic-access:members"], "cloud": {"organizationId": org}}
    parsed = parse_config(path_config)
    for email, body in assignments.items():
        assert member_atoms(parsed.members[email], org) == atoms_from_api(body), email
    assert config["elastic-access:members"]["dan@example.com"] == {
        "deployments": {"all": "deployment-admin"}
    }
    assert config["elastic-access:members"]["bob@example.com"]["projects"]["observability"] == {
        "projects": {
            "abc123": "observability-editor",
            "def456": {"applicationRoles": ["logs_reader"]},
        }
    }
    assert "old@example.com" not in config["elastic-access:members"]
    assert "note: skipped old@example.com: their invitation has expired" in err
    assert "tok-secret" not in err


def test_refused_credentials_exit_2_without_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(
            f"{KIBANA}/api/status",
            status=401,
            json={"statusCode": 401, "message": f"bad key {API_KEY}"},
        )
        assert main(["import", "--kibana-url", KIBANA]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "401" in captured.err
    for secret in SECRETS:
        assert secret not in captured.err


def test_unreachable_kibana_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "--kibana-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "could not reach 127.0.0.1:9" in err
    assert API_KEY not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import"]) == 2
    assert "no Kibana URL" in capsys.readouterr().err
    assert main(["import", "--kibana-url", "ftp://x"]) == 2
    assert "http(s) URL" in capsys.readouterr().err


def test_roles_fall_back_to_raw_entries_when_shorthands_would_not_render_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importer, "flatten", lambda body, target: {"cases": {"stack": "all"}})
    target = KibanaTarget.of("9.1.0")
    for name, body in PEERS.items():
        entry = importer.role_config(body, target)
        assert "cases" not in entry
        spec = parse_config({"roles": {"r": entry}}).roles["r"]
        assert normalise(render(spec, target)) == normalise(body), name


def test_other_organizations_and_double_grants_become_notes() -> None:
    atoms = [
        Atom("organization", "", "organization-admin", "other-org"),
        Atom("deployment", "", "deployment-admin", "all"),
        Atom("deployment", "", "deployment-viewer", "all"),
    ]
    entry, notes = member_config(atoms, "1000000001", "x@example.com")
    assert entry == {"deployments": {"all": "deployment-admin"}}
    assert notes == [
        "members.x@example.com: left out organization-admin of organization other-org "
        "(importing organization 1000000001)",
        "members.x@example.com.deployments.all: Cloud grants several roles here; the config "
        "holds one: kept deployment-admin, left out deployment-viewer",
    ]
