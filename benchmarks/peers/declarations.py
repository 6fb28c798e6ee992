"""The same declarations written three ways, for N roles and N organization members.

* our stack config: ``elastic-access:roles`` / ``elastic-access:members`` (the shape of
  ``stacks/Pulumi.local.yaml``);
* Terraform HCL for ``elastic/elasticstack`` (``elasticstack_kibana_security_role``);
* Terraform HCL for ``elastic/ec`` (one ``ec_organization`` with N members).

The HCL is written from *our* rendering of the same config (the Kibana PUT bodies and the Cloud
``RoleAssignments``), so the two tools are asked for the same server state, not just similar
intents. Roles carry Cases, Connectors and alerts privileges in spaces; members get deployment,
project and organization roles (all invitations: nobody has accepted yet).

``python -m benchmarks.peers.declarations OUT_DIR [N ...]`` writes ``OUT_DIR/N/`` for each N
(default 10 100 500): ``Pulumi.bench.yaml`` and ``terraform/{providers,roles,members}.tf``.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import yaml

SIZES = (10, 100, 500)
KIBANA_VERSION = "9.1.0"  # the sandbox's default profile; the HCL feature ids follow it
ORGANIZATION_ID = "1000000001"  # the sandbox's organization
OWNER = "owner@sandbox.example"  # the sandbox's only member at start, organization-admin
SPACES = ("soc", "observability", "analytics")  # seeded in the sandbox before a run (plus default)
ROLE_PREFIX = "bench-role-"
MEMBER_DOMAIN = "bench.example"

# Role shapes, in our config's terms: Cases, Connectors and alerts in spaces.
ROLE_SHAPES: tuple[dict[str, Any], ...] = (
    {
        "description": "Security cases with connectors and alerts",
        "spaces": ["soc"],
        "cases": {"security": "all"},
        "connectors": "all",
        "alerts": {"security": "read"},
    },
    {
        "description": "Observability cases triage",
        "spaces": ["observability"],
        "cases": {"observability": {"access": "read", "allow": ["create_comment"]}},
        "alerts": {"observability": "read"},
    },
    {
        "description": "Stack cases editors who cannot delete cases",
        "spaces": ["default", "analytics"],
        "cases": {"stack": {"access": "all", "deny": ["cases_delete"]}},
        "connectors": "read",
        "alerts": {"stack": "read"},
    },
)

# Member shapes: one Cloud role scope each, as the users' complaints are about these.
MEMBER_SHAPES: tuple[dict[str, Any], ...] = (
    {"deployments": {"all": "deployment-viewer"}},
    {
        "deployments": {
            "deployments": {"d-1001": "deployment-editor", "d-1002": "deployment-editor"}
        }
    },
    {"projects": {"security": {"all": "security-t2-analyst"}}},
    {"projects": {"observability": {"projects": {"abc123": "observability-editor"}}}},
    {"organization": "billing-admin"},
)

# The one-role change of the scenario: role 0 loses Connectors and gets read-only Cases; and
# member 0 (a pending invitation) becomes deployment editor instead of viewer.
CHANGED_ROLE: dict[str, Any] = {
    "description": "Security cases read-only (changed)",
    "spaces": ["soc"],
    "cases": {"security": "read"},
    "alerts": {"security": "read"},
}


CHANGED_MEMBER: dict[str, Any] = {"deployments": {"all": "deployment-editor"}}


def role_name(i: int) -> str:
    return f"{ROLE_PREFIX}{i:04d}"


def member_email(i: int) -> str:
    return f"user-{i:04d}@{MEMBER_DOMAIN}"


def values(n: int, changed: bool = False) -> dict[str, Any]:
    """Our config values (namespace stripped) for N roles and N members (+ the owner)."""
    roles = {role_name(i): copy.deepcopy(ROLE_SHAPES[i % len(ROLE_SHAPES)]) for i in range(n)}
    if changed and n:
        roles[role_name(0)] = copy.deepcopy(CHANGED_ROLE)
    members: dict[str, Any] = {OWNER: {"organization": "organization-admin"}}
    members.update(
        {member_email(i): copy.deepcopy(MEMBER_SHAPES[i % len(MEMBER_SHAPES)]) for i in range(n)}
    )
    if changed and n:
        members[member_email(0)] = copy.deepcopy(CHANGED_MEMBER)
    return {"roles": roles, "members": members}


def stack_document(
    n: int, kibana_url: str, cloud_url: str, changed: bool = False
) -> dict[str, Any]:
    """A Pulumi stack file (``Pulumi.<stack>.yaml``) with our config for N."""
    v = values(n, changed)
    return {
        "config": {
            "elastic-access:kibana": {"url": kibana_url, "version": KIBANA_VERSION},
            "elastic-access:cloud": {
                "url": cloud_url,
                "organizationId": ORGANIZATION_ID,
                "inviteExpiresIn": "7d",
                # ec_organization is authoritative: the same semantics on our side.
                "authoritative": True,
                "protect": [OWNER],
            },
            "elastic-access:roles": v["roles"],
            "elastic-access:members": v["members"],
        }
    }


# ---------------------------------------------------------------- our rendering (one import point)


def rendered(n: int, changed: bool = False) -> dict[str, Any]:
    """Our rendering of the config: ``{"roles": {name: PUT body}, "members": {email: RA}}``."""
    return render_values(values(n, changed))


def render_values(v: dict[str, Any]) -> dict[str, Any]:
    """Our rendering of any ``roles`` / ``members`` config values (for the sandbox's
    organization and Kibana version), unvalidated: what the HCL of both peers is written from."""
    from components.core.stack import parse_config, render_stack
    from components.core.versions import KibanaTarget

    config = {"roles": v.get("roles") or {}, "members": v.get("members") or {}}
    config["cloud"] = {"organizationId": ORGANIZATION_ID}
    return render_stack(parse_config(config), KibanaTarget.of(KIBANA_VERSION))


# ---------------------------------------------------------------- HCL


def _q(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid HCL string literal for our values


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _ident(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").replace("@", "_at_")


_REQUIRED = {
    "elasticstack": '    elasticstack = { source = "elastic/elasticstack" }',
    "ec": '    ec = { source = "elastic/ec" }',
}
_SETTINGS = {
    "elasticstack": """variable "kibana_url" { type = string }
variable "kibana_api_key" {
  type      = string
  sensitive = true
}

provider "elasticstack" {
  kibana {
    endpoints = [var.kibana_url]
    api_key   = var.kibana_api_key
  }
}
""",
    "ec": """variable "cloud_url" { type = string }
variable "cloud_api_key" {
  type      = string
  sensitive = true
}

provider "ec" {
  endpoint = var.cloud_url
  apikey   = var.cloud_api_key
}
""",
}


def providers_tf(*providers: str) -> str:
    """The ``terraform`` block, variables and provider settings for the providers named."""
    required = "\n".join(_REQUIRED[p] for p in providers)
    settings = "\n".join(_SETTINGS[p] for p in providers)
    return f"terraform {{\n  required_providers {{\n{required}\n  }}\n}}\n\n{settings}"


PROVIDERS_ROLES = providers_tf("elasticstack")
PROVIDERS_MEMBERS = providers_tf("ec")


def role_hcl(name: str, body: dict[str, Any]) -> str:
    lines = [
        f'resource "elasticstack_kibana_security_role" "{_ident(name)}" {{',
        f"  name = {_q(name)}",
    ]
    if body.get("description"):
        lines.append(f"  description = {_q(body['description'])}")
    es = body.get("elasticsearch") or {}
    lines.append("  elasticsearch {")
    lines.append(f"    cluster = {_list(es.get('cluster') or [])}")
    for index in es.get("indices") or ():
        lines.append("    indices {")
        lines.append(f"      names      = {_list(index['names'])}")
        lines.append(f"      privileges = {_list(index['privileges'])}")
        lines.append("    }")
    if es.get("run_as"):
        lines.append(f"    run_as = {_list(es['run_as'])}")
    lines.append("  }")
    for entry in body.get("kibana") or ():
        lines.append("  kibana {")
        lines.append(f"    spaces = {_list(entry.get('spaces') or ['*'])}")
        if entry.get("base"):
            lines.append(f"    base = {_list(entry['base'])}")
        for feature, privileges in sorted((entry.get("feature") or {}).items()):
            lines.append("    feature {")
            lines.append(f"      name       = {_q(feature)}")
            lines.append(f"      privileges = {_list(privileges)}")
            lines.append("    }")
        lines.append("  }")
    if body.get("metadata"):
        lines.append(f"  metadata = jsonencode({json.dumps(body['metadata'])})")
    lines.append("}")
    return "\n".join(lines) + "\n"


def roles_tf(n: int, changed: bool = False) -> str:
    """N ``elasticstack_kibana_security_role`` resources (no provider settings)."""
    roles = rendered(n, changed)["roles"]
    return "\n".join(role_hcl(name, body) for name, body in roles.items())


_PROJECT_ATTR = {
    "elasticsearch": "project_elasticsearch_roles",
    "observability": "project_observability_roles",
    "security": "project_security_roles",
}


def member_hcl(email: str, assignments: dict[str, Any]) -> str:
    """One ``members`` entry of ``ec_organization`` from a ``RoleAssignments`` object. The
    provider takes role ids without their ``deployment-`` / ``<type>-`` prefix."""
    attrs: list[str] = []
    organization = assignments.get("organization") or []
    if len(organization) > 1:
        raise ValueError(f"{email}: ec_organization holds one organization role")
    if organization:
        attrs.append(f"organization_role = {_q(organization[0]['role_id'])}")

    def grants(
        entries: list[dict[str, Any]], prefix: str, all_key: str, ids_key: str, api_ids: str
    ) -> str:
        items = []
        for e in entries:
            parts = [f"role = {_q(e['role_id'].removeprefix(prefix))}"]
            if e.get("all"):
                parts.append(f"{all_key} = true")
            if e.get(api_ids):
                parts.append(f"{ids_key} = {_list(sorted(e[api_ids]))}")
            if e.get("application_roles") is not None:
                parts.append(f"application_roles = {_list(sorted(e['application_roles']))}")
            items.append("{ " + ", ".join(parts) + " }")
        return "[" + ", ".join(items) + "]"

    if assignments.get("deployment"):
        attrs.append(
            "deployment_roles = "
            + grants(
                assignments["deployment"],
                "deployment-",
                "all_deployments",
                "deployment_ids",
                "deployment_ids",
            )
        )
    for kind, entries in sorted((assignments.get("project") or {}).items()):
        if entries:
            attrs.append(
                f"{_PROJECT_ATTR[kind]} = "
                + grants(entries, f"{kind}-", "all_projects", "project_ids", "project_ids")
            )
    inner = "\n".join(f"      {a}" for a in attrs)
    return f"    {_q(email)} = {{\n{inner}\n    }}"


def members_tf(n: int, changed: bool = False) -> str:
    """One ``ec_organization`` with the owner and N members (no provider settings). The
    organization cannot be created, only imported: a Terraform 1.5 ``import`` block does it
    in the first apply."""
    return organization_hcl(rendered(n, changed)["members"])


def organization_hcl(members: dict[str, Any]) -> str:
    """The imported ``ec_organization`` holding exactly these members (email -> the Cloud
    ``RoleAssignments`` of our rendering); list the owner too: the resource is authoritative."""
    body = ",\n".join(member_hcl(email, ra) for email, ra in members.items())
    return (
        f'import {{\n  to = ec_organization.org\n  id = "{ORGANIZATION_ID}"\n}}\n\n'
        + 'resource "ec_organization" "org" {\n  members = {\n'
        + body
        + "\n  }\n}\n"
    )


def write_terraform(folder: Path, n: int, changed: bool = False) -> Path:
    """One Terraform root for both providers: ``providers.tf``, ``roles.tf``, ``members.tf``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "providers.tf").write_text(providers_tf("elasticstack", "ec"))
    (folder / "roles.tf").write_text(roles_tf(n, changed))
    (folder / "members.tf").write_text(members_tf(n, changed))
    return folder


def write(out: Path, n: int, kibana_url: str = "http://127.0.0.1:5601",
          cloud_url: str = "http://127.0.0.1:9443") -> Path:  # fmt: skip
    """Write the three forms for N under ``out/N`` (``Pulumi.bench.yaml`` and a Terraform root
    ``terraform/`` for both providers); returns that folder."""
    base = out / str(n)
    base.mkdir(parents=True, exist_ok=True)
    (base / "Pulumi.bench.yaml").write_text(
        yaml.safe_dump(stack_document(n, kibana_url, cloud_url), sort_keys=False)
    )
    write_terraform(base / "terraform", n)
    return base


def main(args: list[str]) -> int:
    if not args:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    out = Path(args[0])
    for n in [int(a) for a in args[1:]] or list(SIZES):
        print(write(out, n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
