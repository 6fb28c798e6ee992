"""The Terraform peers on the sandbox: 10 roles (elasticstack) and 3 members (ec) in one root;
create, a no-op apply, one change. Runs when ``make peers`` has built them into .peers/bin."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from benchmarks.peers import declarations as decl
from benchmarks.peers.terraform import Terraform, missing

LACKING = missing()
if LACKING:
    pytest.skip(
        f"peers not built ({', '.join(LACKING)} missing in .peers/bin): run `make peers`",
        allow_module_level=True,
    )

from sandbox.controls import Controls  # noqa: E402
from sandbox.server import Sandbox  # noqa: E402

ROLES, MEMBERS = 10, 3
KEY = "sandbox"
AUTH = {"Authorization": f"ApiKey {KEY}"}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Terraform, Controls, Sandbox]]:
    with Sandbox(controls=True) as sb:
        controls = Controls(sb.kibana_url)
        for space in decl.SPACES:
            controls.seed_space(space)
        (tmp_path / "providers.tf").write_text(decl.providers_tf("elasticstack", "ec"))
        (tmp_path / "roles.tf").write_text(decl.roles_tf(ROLES))
        (tmp_path / "members.tf").write_text(decl.members_tf(MEMBERS))
        tf = Terraform(
            tmp_path,
            {
                "kibana_url": sb.kibana_url,
                "kibana_api_key": KEY,
                "cloud_url": sb.cloud_url,
                "cloud_api_key": KEY,
            },
        )
        yield tf, controls, sb


def _role(sb: Sandbox, name: str) -> dict[str, Any]:
    r = requests.get(f"{sb.kibana_url}/api/security/role/{name}", headers=AUTH, timeout=5)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _invitations(sb: Sandbox) -> dict[str, dict[str, Any]]:
    url = f"{sb.cloud_url}/api/v1/organizations/{decl.ORGANIZATION_ID}/invitations"
    r = requests.get(url, headers=AUTH, timeout=5)
    assert r.status_code == 200, r.text
    return {i["email"]: i for i in r.json()["invitations"]}


def _features(role: dict[str, Any]) -> list[tuple[tuple[str, ...], dict[str, list[str]]]]:
    return sorted(
        (tuple(sorted(k["spaces"])), {f: sorted(p) for f, p in k["feature"].items()})
        for k in role["kibana"]
    )


def _requests(controls: Controls) -> Counter[tuple[str, str]]:
    return Counter((e["method"], e["path"]) for e in controls.requests())


def test_create_noop_and_one_change(world: tuple[Terraform, Controls, Sandbox]) -> None:
    tf, controls, sb = world
    wanted = decl.rendered(ROLES)

    run = tf.apply()
    assert run.ok, run.tail()
    for name, body in wanted["roles"].items():
        assert _features(_role(sb, name)) == _features(body), name
    invited = _invitations(sb)
    assert sorted(invited) == sorted(decl.member_email(i) for i in range(MEMBERS))

    controls.clear_requests()
    run = tf.apply()
    assert run.ok and "No changes." in run.stdout, run.tail()
    assert {m for m, _ in _requests(controls)} == {"GET"}

    (tf.workdir / "roles.tf").write_text(decl.roles_tf(ROLES, changed=True))
    (tf.workdir / "members.tf").write_text(decl.members_tf(MEMBERS, changed=True))
    controls.clear_requests()
    run = tf.apply()
    assert run.ok, run.tail()
    writes = Counter({k: v for k, v in _requests(controls).items() if k[0] != "GET"})
    changed = decl.role_name(0)
    token = invited[decl.member_email(0)]["token"]
    org = f"/api/v1/organizations/{decl.ORGANIZATION_ID}"
    # One PUT for the changed role; the pending member is re-invited (no invitation update).
    assert writes == Counter(
        {
            ("PUT", f"/api/security/role/{changed}"): 1,
            ("DELETE", f"{org}/invitations/{token}"): 1,
            ("POST", f"{org}/invitations"): 1,
        }
    )
    assert _features(_role(sb, changed)) == _features(
        decl.rendered(ROLES, changed=True)["roles"][changed]
    )
    again = _invitations(sb)[decl.member_email(0)]
    assert again["role_assignments"]["deployment"][0]["role_id"] == "deployment-editor"

    controls.clear_requests()
    run = tf.apply()
    assert run.ok and "No changes." in run.stdout, run.tail()


ES_PROVIDER = """terraform {
  required_providers {
    elasticstack = { source = "elastic/elasticstack" }
  }
}
variable "es_url" { type = string }
variable "kibana_url" { type = string }
variable "api_key" { type = string }
provider "elasticstack" {
  elasticsearch {
    endpoints = [var.es_url]
    api_key   = var.api_key
  }
  kibana {
    endpoints = [var.kibana_url]
    api_key   = var.api_key
  }
}
"""


def test_elasticstack_with_an_elasticsearch_connection_uses_the_root_stand_in(
    tmp_path: Path,
) -> None:
    """With an ``elasticsearch`` connection the provider reads the version from ``GET /`` of
    Elasticsearch (go-elasticsearch checks ``X-Elastic-Product``) instead of Kibana's status."""
    with Sandbox(controls=True, es_port=0) as sb:
        controls = Controls(sb.kibana_url)
        controls.seed_space("soc")
        name = decl.role_name(0)
        role = decl.role_hcl(name, decl.rendered(1)["roles"][name])
        (tmp_path / "main.tf").write_text(ES_PROVIDER + "\n" + role)
        tf = Terraform(tmp_path, {"es_url": sb.es_url, "kibana_url": sb.kibana_url, "api_key": KEY})
        run = tf.apply()
        assert run.ok, run.tail()
        sent = [(e["service"], e["method"], e["path"]) for e in controls.requests()]
        assert sent[0] == ("elasticsearch", "GET", "/")
        assert ("kibana", "GET", "/api/status") not in sent
        assert ("kibana", "PUT", f"/api/security/role/{name}") in sent
        assert _role(sb, name)["name"] == name
