"""What the commands share: finding and loading a stack config, printing problems."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from ..clients import RetryPolicy
from ..core.members.spec import CloudSettings
from ..core.problems import InvalidConfig, Problem, errors
from ..core.stack import LoadedConfig, StackConfig, read_stack_file, validate_stack
from ..core.target import KibanaSettings, configured_target
from ..core.versions import KibanaTarget
from ..live.cloud import LiveCloud
from ..live.errors import MissingCredential, SetupError
from ..live.kibana import LiveKibana
from ..live.settings import ENV_CREDENTIALS, cloud_connection, kibana_connection

USAGE = 2
# Interactive commands give up sooner than `pulumi up` does.
RETRY = RetryPolicy(max_attempts=3, max_total_seconds=20.0)


class CommandFailed(Exception):
    """A command cannot go on. ``main`` prints ``problems`` (one per line) or else the message
    to stderr, and exits with ``code`` (2 unless said otherwise)."""

    def __init__(self, message: str = "", problems: Iterable[Problem] = (), code: int = USAGE):
        self.problems = list(problems)
        self.code = code
        super().__init__(message)


class UsageError(CommandFailed):
    """Bad usage, or a config or service the command cannot use: exit status 2."""


def add_config_arguments(parser: argparse.ArgumentParser, *, target: bool = True) -> None:
    """``--stack`` or ``--config`` (one is required) and, with ``target``, ``--kibana-version`` and
    ``--flavor``."""
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
    """The stack file ``--config`` names, else ``stacks/Pulumi.<--stack>.yaml`` of the project;
    ``UsageError`` when there is none."""
    if args.config:
        path = Path(args.config)
    else:
        path = project_root() / "stacks" / f"Pulumi.{args.stack}.yaml"
    if not path.is_file():
        raise UsageError(f"no stack config at {path}")
    return path


def shown_name(path: Path) -> str:
    """How messages name a stack file: as given, or relative to the current folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(args: argparse.Namespace) -> LoadedConfig:
    """The config named by --stack/--config, read as far as it goes; raises InvalidConfig when
    the file cannot be used at all, UsageError when it cannot be found or read."""
    path = config_path(args)
    try:
        return read_stack_file(path, str(args.config) if args.config else shown_name(path))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None


def target(args: argparse.Namespace, config: StackConfig) -> KibanaTarget:
    """The Kibana the command renders for (``core.target.configured_target``); ``UsageError`` for
    an unknown version or flavor."""
    try:
        return configured_target(config.kibana, args.kibana_version, args.flavor)
    except ValueError as error:
        raise UsageError(str(error)) from None


def report(problems: Iterable[Problem]) -> None:
    """Print problems to stderr, one per line."""
    for problem in problems:
        print(problem, file=sys.stderr)


def load_targeted(
    args: argparse.Namespace, invalid: int = USAGE
) -> tuple[LoadedConfig, KibanaTarget]:
    """The config as far as it reads (its shape problems beside it: an error in one role leaves
    the others checked) and its target; ``CommandFailed`` (exit ``invalid``) when the file cannot
    be used at all, ``UsageError`` when it or the target cannot be found."""
    try:
        loaded = load(args)
    except InvalidConfig as error:
        raise CommandFailed(problems=error.problems, code=invalid) from None
    return loaded, target(args, loaded.config)


def load_renderable(args: argparse.Namespace) -> tuple[StackConfig, KibanaTarget]:
    """The config and its target; ``CommandFailed`` (exit 2) naming why it cannot be rendered,
    with the warnings beside the errors."""
    loaded, chosen = load_targeted(args)
    problems = sorted(
        loaded.problems + validate_stack(loaded.config, chosen, left_out=loaded.left_out)
    )
    if errors(problems):
        raise CommandFailed(problems=problems)
    return loaded.config, chosen


# ---------------------------------------------------------------- the live commands


def connect_kibana(settings: KibanaSettings, *, url_from: str) -> LiveKibana:
    """The live Kibana of ``settings`` and the environment's credentials (``UsageError`` when
    there is no URL, or a value is unusable); use it with ``with``."""
    try:
        connection = kibana_connection(settings, url_from=url_from, credential_from=ENV_CREDENTIALS)
        return LiveKibana(settings, connection, retry=RETRY)
    except MissingCredential as error:
        # A user who followed the README has the key as a stack secret, which only pulumi
        # decrypts (found by a new user: "no credential" read as "your secret is not there").
        raise UsageError(
            f"{error} (the elastic-access commands read credentials from the environment only: "
            "a secret set with pulumi config set --secret is for pulumi preview and up)"
        ) from None
    except SetupError as error:
        raise UsageError(str(error)) from None


def connect_cloud(settings: CloudSettings) -> LiveCloud:
    """The Elastic Cloud API of ``settings`` and the environment's key (``UsageError`` when
    there is none); use it with ``with``."""
    try:
        return LiveCloud(settings, cloud_connection(settings, key_from=None), retry=RETRY)
    except SetupError as error:
        raise UsageError(str(error)) from None
