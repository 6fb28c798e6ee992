"""The ``elastic-access`` command line: render, validate, import, report, sandbox.

Exit status: 0 on success; 1 when ``validate`` finds problems in the config; 2 on bad usage
or when a command is given a config it cannot use. Problems go to stderr, one per line.

``ELASTIC_ACCESS_LOG=debug`` (or ``info``) logs each HTTP attempt to stderr, credentials and
invitation tokens masked (``components.clients.redaction``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from ..clients.errors import ApiError
from ..clients.redaction import install_log_redaction, redact_all
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


_LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_LOG_HANDLER = logging.StreamHandler()
_LOG_HANDLER.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))


def _log_to_stderr() -> str | None:
    """Log to stderr at the level ``ELASTIC_ACCESS_LOG`` names; the problem when it names none."""
    wanted = os.environ.get("ELASTIC_ACCESS_LOG", "").strip().lower()
    if not wanted:
        return None
    if wanted not in _LOG_LEVELS:
        return f"ELASTIC_ACCESS_LOG must be one of {', '.join(_LOG_LEVELS)}, not {wanted!r}"
    install_log_redaction()
    _LOG_HANDLER.setStream(sys.stderr)  # the stderr of this run (tests swap it)
    root = logging.getLogger()
    if _LOG_HANDLER not in root.handlers:
        root.addHandler(_LOG_HANDLER)
    root.setLevel(_LOG_LEVELS[wanted])
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    problem = _log_to_stderr()
    if problem is not None:
        print(f"elastic-access: {problem}", file=sys.stderr)
        return USAGE
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
        print(f"elastic-access: {redact_all(str(error))}", file=sys.stderr)
        return USAGE
    return code


if __name__ == "__main__":
    raise SystemExit(main())
