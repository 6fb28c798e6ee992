"""``elastic-access render``: the Kibana role bodies and Cloud role assignments, offline."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..core.stack import render_stack
from .common import add_config_arguments, load_renderable


def add_parser(commands: Any) -> None:
    """Register ``render`` and its options."""
    parser = commands.add_parser(
        "render",
        help="print the role bodies and member role assignments the config stands for (JSON)",
        description="Print {roles: {name: PUT body}, members: {email: role_assignments}} for a "
        "stack config, without network access. Exit 2 when the config cannot be rendered.",
    )
    add_config_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the rendered roles and members as JSON; exit status 0."""
    config, chosen = load_renderable(args)
    print(json.dumps(render_stack(config, chosen), indent=2, sort_keys=True))
    return 0
