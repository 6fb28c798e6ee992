"""``elastic-access import``: existing Kibana roles (and Cloud members) as stack config YAML."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import yaml

from ..core.imported import Imported
from ..core.members.importer import import_members
from ..core.members.spec import CloudSettings
from ..core.roles.importer import import_roles
from ..core.stack import NAMESPACE
from ..core.target import KibanaSettings
from ..live.kibana import LiveKibana
from .common import UsageError, connect_cloud, connect_kibana

EPILOG = """\
credentials come from the environment: KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD;
EC_API_KEY for --cloud-org. The YAML goes to stdout, notes (such as skipped built-in roles) to
stderr. Every role is written with adopt: true, since it exists already. Exit 2 when Kibana or
Elastic Cloud cannot be reached or refuses the credentials.
"""


def add_parser(commands: Any) -> None:
    """Register ``import`` and its options."""
    parser = commands.add_parser(
        "import",
        help="print existing Kibana roles (and Cloud members) as elastic-access config YAML",
        description="Read roles from Kibana (and members from an Elastic Cloud organization) "
        "and print the elastic-access:roles (and elastic-access:members) config that renders "
        "back to them, using the shorthands where they are exact.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--kibana-url",
        metavar="URL",
        default=os.environ.get("KIBANA_ENDPOINT"),
        help="the Kibana URL (default: env KIBANA_ENDPOINT)",
    )
    parser.add_argument(
        "--role",
        metavar="NAME",
        action="append",
        dest="roles",
        help="import only this role (repeatable; default: every role that is not built in)",
    )
    parser.add_argument(
        "--cloud-url",
        metavar="URL",
        help="the Elastic Cloud API URL (default: env EC_ENDPOINT, else the public API)",
    )
    parser.add_argument("--cloud-org", metavar="ID", help="also import this organization's members")
    parser.add_argument(
        "--kibana-version", metavar="V", help="Kibana version (default: from GET /api/status)"
    )
    parser.add_argument(
        "--flavor",
        choices=("stateful", "serverless"),
        help="Kibana flavor (default: from GET /api/status)",
    )
    parser.add_argument("--ca-cert", metavar="FILE", help="PEM bundle that signs Kibana's cert")
    parser.add_argument(
        "--insecure", action="store_true", help="do not verify TLS (throwaway test servers only)"
    )
    parser.set_defaults(run=run)


# ---------------------------------------------------------------- import


def run(args: argparse.Namespace) -> int:
    """Print the imported config YAML to stdout (notes to stderr); exit status 0."""
    sys.stdout.write(_import(args))
    return 0


def _import(args: argparse.Namespace) -> str:
    if args.cloud_url and not args.cloud_org:
        raise UsageError("--cloud-url needs --cloud-org (the organization to import members of)")
    settings = KibanaSettings(url=args.kibana_url, ca_cert=args.ca_cert, insecure=args.insecure)
    with connect_kibana(settings, url_from="--kibana-url") as live:
        target = live.target(args.kibana_version, args.flavor)
        roles = _roles(live, args.roles)
    imported = import_roles(roles, target)
    config: dict[str, Any] = {f"{NAMESPACE}:roles": imported.entries}
    notes = list(imported.notes)
    if args.cloud_org:
        members = _members(args.cloud_url, args.cloud_org)
        config[f"{NAMESPACE}:members"] = members.entries
        notes += members.notes
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    header = f"# imported by elastic-access from {args.kibana_url} ({target})\n"
    return header + yaml.safe_dump(
        {"config": config}, sort_keys=False, default_flow_style=False, allow_unicode=True
    )


def _roles(live: LiveKibana, names: list[str] | None) -> list[dict[str, Any]]:
    if not names:
        return live.client.list_roles()
    roles = []
    for name in dict.fromkeys(names):
        role = live.client.get_role(name)
        if role is None:
            raise UsageError(f"Kibana has no role named {name!r}")
        roles.append({**role, "name": name})
    return roles


def _members(url: str | None, organization: str) -> Imported:
    with connect_cloud(CloudSettings(url=url)) as live:
        return import_members(live.roster(organization), organization)
