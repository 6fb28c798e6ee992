"""What each peer sends, operation by operation (issue 14, step 2).

Runs a small scenario with each peer against an in-process sandbox, through a recording proxy
(:mod:`benchmarks.peers.recorder`), and writes every exchange (method, path, query, headers with
credentials reduced to their scheme, body, status, response) to
``.peers/work/observe/exchanges.json``, with a summary on stdout:

* elasticstack: 3 roles with Cases/Connectors/alerts privileges in spaces and a space
  (``elasticstack_kibana_space``); no-op apply; ``plan -refresh-only``; a one-role change;
  destroy;
* elasticstack with an ``elasticsearch`` connection configured too, its endpoint the sandbox's
  Elasticsearch root stand-in (``es_port``): create and destroy one role; and, to show why the
  stand-in carries ``X-Elastic-Product``, the same root answered by the recorder without it;
* elasticstack's space on the sandbox's spaces API: create, no-op, refresh, change, destroy;
  and the import of a space seeded in the sandbox;
* ec: ``ec_organization`` (imported) with the owner, 3 invitations and one accepted member;
  no-op apply; ``plan -refresh-only``; a change (accepted member: more deployment ids; pending
  member: another role); destroy.

``python -m benchmarks.peers.observe [--verbose]``
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from typing import Any

from benchmarks.peers import declarations as decl
from benchmarks.peers.recorder import Recorder
from benchmarks.peers.terraform import PEERS_BIN, ROOT, Run, Terraform, missing, stamp

WORK = ROOT / ".peers" / "work" / "observe"
API_KEY = "sandbox"
ACCEPTED = "accepted@bench.example"

SPACE_HCL = """
resource "elasticstack_kibana_space" "bench" {
  space_id          = "bench-space"
  name              = "Bench space"
  description       = "A space made by the peer"
  disabled_features = ["dev_tools"]
}
"""

ES_PROVIDER_HCL = """terraform {
  required_providers {
    elasticstack = { source = "elastic/elasticstack" }
  }
}
variable "es_url" { type = string }
variable "kibana_url" { type = string }
variable "kibana_api_key" { type = string }
provider "elasticstack" {
  elasticsearch {
    endpoints = [var.es_url]
    api_key   = var.kibana_api_key
  }
  kibana {
    endpoints = [var.kibana_url]
    api_key   = var.kibana_api_key
  }
}
"""


def es_root_without_product_header(
    method: str, path: str, query: dict[str, str], body: Any
) -> tuple[int, Any, dict[str, str]] | None:
    """The sandbox's ``GET /`` answer without ``X-Elastic-Product``: what go-elasticsearch
    makes of a server that does not say it is Elasticsearch."""
    if method == "GET" and path == "/":
        from sandbox.es_api import root_body
        from sandbox.profiles import parse_profile

        return 200, root_body(parse_profile(decl.KIBANA_VERSION), "sAnDbOxClUsTeRuUiD0001"), {}
    return None


SPACE_ONLY_HCL = """
resource "elasticstack_kibana_space" "bench" {{
  space_id          = "bench-space"
  name              = "Bench space"
  description       = "{description}"
  disabled_features = ["dev_tools"]
}}
"""

IMPORT_SPACE_HCL = """
import {
  to = elasticstack_kibana_space.imported
  id = "bench-imported"
}
resource "elasticstack_kibana_space" "imported" {
  space_id = "bench-imported"
  name     = "bench-imported"
}
"""


def roles_main(changed: bool) -> str:
    return decl.PROVIDERS_ROLES + "\n" + decl.roles_tf(3, changed) + SPACE_HCL


def members_main(changed: bool) -> str:
    ra = decl.rendered(3)["members"]
    members = dict(ra)
    members[ACCEPTED] = {
        "deployment": [
            {"role_id": "deployment-editor", "deployment_ids": ["d-1001"]},
        ]
    }
    if changed:
        members[ACCEPTED] = {
            "deployment": [
                {"role_id": "deployment-editor", "deployment_ids": ["d-1001", "d-1002"]},
            ]
        }
        members[decl.member_email(0)] = {
            "deployment": [{"role_id": "deployment-editor", "all": True}]
        }
    body = ",\n".join(decl.member_hcl(e, r) for e, r in sorted(members.items()))
    return (
        decl.PROVIDERS_MEMBERS
        + f'\nimport {{\n  to = ec_organization.org\n  id = "{decl.ORGANIZATION_ID}"\n}}\n\n'
        + 'resource "ec_organization" "org" {\n  members = {\n'
        + body
        + "\n  }\n}\n"
    )


def _line(e: dict[str, Any]) -> str:
    query = "&".join(f"{k}={v}" for k, v in e["query"].items())
    return f"{e['method']:6} {e['path']}{'?' + query if query else ''} -> {e['status']}"


def summarize(
    step: str, run: Run, exchanges: list[dict[str, Any]], verbose: bool
) -> dict[str, Any]:
    by_method = Counter(e["method"] for e in exchanges)
    print(f"\n== {step}: exit {run.returncode} in {run.seconds:.2f} s; requests {dict(by_method)}")
    for e in exchanges:
        print(f"   {_line(e)}")
        if verbose or not 200 <= e["status"] < 300:
            if e["body"] is not None:
                print(f"          body: {json.dumps(e['body'])[:600]}")
            if not 200 <= e["status"] < 300:
                print(f"          answer: {json.dumps(e['response'])[:400]}")
    if not run.ok and run.returncode != 2:
        print("   terraform says:\n      " + run.tail(15).replace("\n", "\n      "))
    return {
        "step": step,
        "args": run.args,
        "returncode": run.returncode,
        "seconds": round(run.seconds, 3),
        "by_method": dict(by_method),
        "output_tail": run.tail(40),
        "exchanges": exchanges,
    }


def main(args: list[str]) -> int:
    verbose = "--verbose" in args
    lacking = missing()
    if lacking:
        print(f"peers not built ({', '.join(lacking)}): run `make peers`")
        return 1
    from sandbox.controls import Controls
    from sandbox.server import Sandbox

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "roles").mkdir(parents=True)
    (WORK / "members").mkdir(parents=True)
    (WORK / "es").mkdir(parents=True)
    steps: list[dict[str, Any]] = []
    versions = {
        n: stamp(PEERS_BIN, n)
        for n in ("terraform", "terraform-provider-elasticstack", "terraform-provider-ec")
    }
    print("peers:", json.dumps(versions, indent=1))
    with Sandbox(controls=True, es_port=0) as sb:
        controls = Controls(sb.kibana_url)
        for space in decl.SPACES:
            controls.seed_space(space)
        user_id = controls.seed_member(ACCEPTED, {"deployment": [
            {"role_id": "deployment-editor", "organization_id": decl.ORGANIZATION_ID, "all": False,
             "deployment_ids": ["d-1001"]}]})  # fmt: skip
        print("seeded accepted member", ACCEPTED, user_id)
        rec = Recorder()
        kibana = rec.proxy(sb.kibana_url, "kibana")
        cloud = rec.proxy(sb.cloud_url, "cloud")
        roles = Terraform(WORK / "roles", {"kibana_url": kibana, "kibana_api_key": API_KEY})
        members = Terraform(WORK / "members", {"cloud_url": cloud, "cloud_api_key": API_KEY})
        es_url = rec.proxy(sb.es_url, "elasticsearch")
        es = Terraform(
            WORK / "es", {"kibana_url": kibana, "es_url": es_url, "kibana_api_key": API_KEY}
        )

        def step(name: str, tf: Terraform, op: str) -> None:
            rec.take()
            run = getattr(tf, op)()
            steps.append(summarize(name, run, rec.take(), verbose))

        (roles.workdir / "main.tf").write_text(roles_main(changed=False))
        step("elasticstack: create 3 roles and a space", roles, "apply")
        step("elasticstack: no-op apply", roles, "apply")
        step("elasticstack: plan -refresh-only", roles, "plan_refresh_only")
        (roles.workdir / "main.tf").write_text(roles_main(changed=True))
        step("elasticstack: one-role change", roles, "apply")
        step("elasticstack: destroy", roles, "destroy")

        one_role = decl.role_hcl("bench-es-conn", decl.rendered(1)["roles"][decl.role_name(0)])
        (es.workdir / "main.tf").write_text(ES_PROVIDER_HCL + "\n" + one_role)
        step("elasticstack + elasticsearch connection (sandbox stand-in): create", es, "apply")
        step("elasticstack + elasticsearch connection: destroy", es, "destroy")
        es.variables["es_url"] = rec.proxy(
            sb.es_url, "elasticsearch", es_root_without_product_header
        )
        step("elasticstack + a root without X-Elastic-Product: create", es, "apply")

        spaces_dir = WORK / "spaces"
        spaces_dir.mkdir()
        spaces = Terraform(spaces_dir, {"kibana_url": kibana, "kibana_api_key": API_KEY})
        (spaces_dir / "main.tf").write_text(
            decl.PROVIDERS_ROLES + SPACE_ONLY_HCL.format(description="A space made by the peer")
        )
        step("elasticstack space: create", spaces, "apply")
        step("elasticstack space: no-op apply", spaces, "apply")
        step("elasticstack space: plan -refresh-only", spaces, "plan_refresh_only")
        (spaces_dir / "main.tf").write_text(
            decl.PROVIDERS_ROLES + SPACE_ONLY_HCL.format(description="Changed")
        )
        step("elasticstack space: change", spaces, "apply")
        step("elasticstack space: destroy", spaces, "destroy")

        imported_dir = WORK / "space-import"
        imported_dir.mkdir()
        controls.seed_space("bench-imported")
        imported = Terraform(imported_dir, {"kibana_url": kibana, "kibana_api_key": API_KEY})
        (imported_dir / "main.tf").write_text(decl.PROVIDERS_ROLES + IMPORT_SPACE_HCL)
        step("elasticstack space: import a space seeded in the sandbox", imported, "apply")

        (members.workdir / "main.tf").write_text(members_main(changed=False))
        step("ec: import the organization, 3 invitations, 1 accepted member", members, "apply")
        step("ec: no-op apply", members, "apply")
        step("ec: plan -refresh-only", members, "plan_refresh_only")
        (members.workdir / "main.tf").write_text(members_main(changed=True))
        step(
            "ec: change (accepted member +1 deployment id; pending member other role)",
            members,
            "apply",
        )
        step("ec: destroy", members, "destroy")
        rec.close()
    (WORK / "exchanges.json").write_text(json.dumps({"peers": versions, "steps": steps}, indent=1))
    print(f"\nall exchanges: {WORK / 'exchanges.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
