"""``elastic-access validate``: the config's problems, offline (and live with ``--live``)."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.problems import InvalidConfig, errors
from ..core.stack import validate_stack
from .common import UsageError, add_config_arguments, fail, load, report, target

PROBLEMS = 1


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="check the config against the feature and role catalogs",
        description="Check the config offline against the feature catalog of the target Kibana "
        "and the Cloud role catalog. Exit 1 when it has problems.",
    )
    add_config_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = load(args)
        chosen = target(args, config)
    except UsageError as error:
        return fail(str(error))
    except InvalidConfig as error:
        report(error.problems)
        return PROBLEMS
    problems = validate_stack(config, chosen)
    report(problems)
    if errors(problems):
        return PROBLEMS
    print(f"ok: {len(config.roles)} roles and {len(config.members)} members valid for {chosen}")
    return 0
