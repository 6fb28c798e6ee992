"""The ``elastic-access`` command line: render, validate, import, report, sandbox.

Exit status: 0 on success; 1 when ``validate`` finds problems in the config; 2 on bad usage
or when a command is given a config it cannot use. Problems go to stderr, one per line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..clients.errors import ApiError
from ..live.errors import SetupError
from . import import_roles, render, validate
from . import report as report_command
from .common import USAGE, CommandFailed, report

COMMANDS = (render, validate, import_roles, report_command)


def build_parser() -> argparse.ArgumentParser:
    """The ``elastic-access`` argument parser: one sub-command per module of this package, plus
    ``sandbox``."""
    parser = argparse.ArgumentParser(
        prog="elastic-access",
        description="Kibana roles and Elastic Cloud organization members as code.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(commands)
    sandbox = commands.add_parser(
        "sandbox",
        help="run the local stand-in for Kibana and Elastic Cloud (for trying out and tests)",
        add_help=False,
    )
    sandbox.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["sandbox"]:
        # The sandbox stands beside the product: imported only when asked for.
        from sandbox.cli import main as sandbox_main

        return sandbox_main(args[1:])
    parsed = build_parser().parse_args(args)
    try:
        code: int = parsed.run(parsed)
    except CommandFailed as failed:
        report(failed.problems)
        if not failed.problems:
            print(f"elastic-access: {failed}", file=sys.stderr)
        return failed.code
    except (ApiError, SetupError) as error:  # a service that cannot be used
        print(f"elastic-access: {error}", file=sys.stderr)
        return USAGE
    return code


if __name__ == "__main__":
    raise SystemExit(main())
