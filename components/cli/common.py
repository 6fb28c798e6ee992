"""What the commands share: finding and loading a stack config, printing problems."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from ..core.problems import InvalidConfig, Problem, errors
from ..core.stack import StackConfig, load_stack_file, validate_stack
from ..core.target import configured_target
from ..core.versions import KibanaTarget

USAGE = 2


class UsageError(Exception):
    """Bad usage: exit status 2 with this message."""


def add_config_arguments(parser: argparse.ArgumentParser, *, target: bool = True) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--stack", metavar="NAME", help="read stacks/Pulumi.NAME.yaml")
    source.add_argument("--config", metavar="FILE", help="read a Pulumi stack config file")
    if target:
        parser.add_argument(
            "--kibana-version",
            metavar="V",
            help="Kibana version to render for (default: kibana.version, else the newest)",
        )
        parser.add_argument(
            "--flavor",
            choices=("stateful", "serverless"),
            help="Kibana flavor (default: kibana.flavor, else stateful)",
        )


def project_root(start: Path | None = None) -> Path:
    """The folder holding Pulumi.yaml, looking up from the current one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    return here


def config_path(args: argparse.Namespace) -> Path:
    if args.config:
        path = Path(args.config)
    else:
        path = project_root() / "stacks" / f"Pulumi.{args.stack}.yaml"
    if not path.is_file():
        raise UsageError(f"no stack config at {path}")
    return path


def load(args: argparse.Namespace) -> StackConfig:
    """The config named by --stack/--config; raises InvalidConfig or UsageError."""
    return load_stack_file(config_path(args))


def target(args: argparse.Namespace, config: StackConfig) -> KibanaTarget:
    try:
        return configured_target(config.kibana, args.kibana_version, args.flavor)
    except ValueError as error:
        raise UsageError(str(error)) from None


def report(problems: Iterable[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def fail(message: str) -> int:
    print(f"elastic-access: {message}", file=sys.stderr)
    return USAGE


def load_targeted(
    args: argparse.Namespace, invalid: int = USAGE
) -> tuple[StackConfig, KibanaTarget] | int:
    """The config and its target, or an exit status after saying why not (``invalid`` when the
    config does not parse)."""
    try:
        config = load(args)
        return config, target(args, config)
    except UsageError as error:
        return fail(str(error))
    except InvalidConfig as error:
        report(error.problems)
        return invalid


def load_renderable(args: argparse.Namespace) -> tuple[StackConfig, KibanaTarget] | int:
    """The config and its target, or the exit status (2) after reporting why it is unusable."""
    loaded = load_targeted(args)
    if isinstance(loaded, int):
        return loaded
    problems = errors(validate_stack(*loaded))
    if problems:
        report(problems)
        return USAGE
    return loaded
