"""``elastic-access import``: existing Kibana roles (and Cloud members) as stack config YAML."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..core.imported import Imported, Section, config_yaml, without_userinfo
from ..core.members.importer import import_members
from ..core.members.spec import CloudSettings
from ..core.roles.importer import import_roles
from ..core.spaces.importer import import_spaces
from ..core.target import KibanaSettings
from ..core.versions import KibanaTarget
from ..live.kibana import LiveKibana
from .common import UsageError, connect_cloud, connect_kibana

EPILOG = """\
credentials come from the environment: KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD;
EC_API_KEY for --cloud-org. The YAML goes to stdout, ready to be saved as a stack config:
validate accepts it and render gives back what is live. It names the Kibana (url, version,
flavor) and, with --cloud-org, the organization. Every role, space and member is written with
adopt: true, since it exists already, except a member whose roles the config cannot hold
exactly. What the config cannot say exactly is a comment above the entry and a note on stderr
(as are skipped built-in roles). Exit 2 when Kibana or Elastic Cloud cannot be reached or
refuses the credentials.
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
        "--spaces",
        action="store_true",
        help="also import the Kibana spaces (elastic-access:spaces)",
    )
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
        spaces = live.client.spaces() if args.spaces else None
    kibana_url = without_userinfo(args.kibana_url or "")
    found = {
        "spaces": import_spaces(spaces) if spaces is not None else None,
        "roles": import_roles(roles, target),
        "members": _members(args.cloud_url, args.cloud_org) if args.cloud_org else None,
    }
    sections = [Section("kibana", _kibana_section(kibana_url, target, args))]
    if args.cloud_org:
        cloud_url = args.cloud_url or os.environ.get("EC_ENDPOINT")
        cloud = {"url": without_userinfo(cloud_url)} if cloud_url else {}
        sections.append(Section("cloud", {**cloud, "organizationId": args.cloud_org}))
    for name, result in found.items():
        if result is not None:
            sections.append(Section.of(name, result))
            for note in result.notes:
                print(f"note: {note}", file=sys.stderr)
    header = [
        f"imported by elastic-access from {kibana_url} ({target})",
        "Save as stacks/Pulumi.<stack>.yaml; credentials go in pulumi config set --secret "
        "(elastic-access:kibanaApiKey, elastic-access:cloudApiKey) or the environment.",
    ]
    return config_yaml(sections, header)


def _kibana_section(url: str, target: KibanaTarget, args: argparse.Namespace) -> dict[str, Any]:
    """Where Kibana is and the release the roles were read from: ``render`` and ``validate``
    then work for that release offline, and ``pulumi preview`` says when Kibana moves on."""
    section: dict[str, Any] = {"url": url, "version": str(target.version), "flavor": target.flavor}
    if args.ca_cert:
        section["caCert"] = args.ca_cert
    if args.insecure:
        section["insecure"] = True
    return section


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
