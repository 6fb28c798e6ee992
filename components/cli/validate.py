"""``elastic-access validate``: the config's problems, offline (and live with ``--live``)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from ..clients import ApiError
from ..core.problems import Problem, errors
from ..core.roles.expand import render
from ..core.roles.privileges import live_problems
from ..core.roles.validation import missing_spaces
from ..core.stack import StackConfig, validate_stack
from ..core.target import Privileges, target_mismatch
from ..core.versions import KibanaTarget
from .common import UsageError, add_config_arguments, fail, load_targeted, report
from .import_roles import kibana_client, live_target

PROBLEMS = 1


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="check the config against the feature and role catalogs",
        description="Check the config offline against the feature catalog of the target Kibana "
        "and the Cloud role catalog. With --live, also check every feature and privilege id "
        "against the target's GET /api/security/privileges (the Kibana URL from kibana.url or "
        "env KIBANA_ENDPOINT; credentials from env KIBANA_API_KEY, or KIBANA_USERNAME and "
        "KIBANA_PASSWORD). Exit 1 when the config has problems, 2 when Kibana cannot be "
        "reached or refuses the credentials.",
    )
    add_config_arguments(parser)
    parser.add_argument(
        "--live",
        action="store_true",
        help="also check against the live Kibana's status and privileges APIs",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = load_targeted(args, invalid=PROBLEMS)
    if isinstance(loaded, int):
        return loaded
    config, chosen = loaded
    live: list[Problem] = []
    if getattr(args, "live", False):
        try:
            chosen, live = check_live(config, args.kibana_version, args.flavor)
        except UsageError as error:
            return fail(str(error))
        except ApiError as error:
            return fail(f"--live: {error}")
    problems = sorted(validate_stack(config, chosen) + live)
    report(problems)
    if errors(problems):
        return PROBLEMS
    where = f"the live {chosen}" if getattr(args, "live", False) else str(chosen)
    print(f"ok: {len(config.roles)} roles and {len(config.members)} members valid for {where}")
    return 0


def check_live(
    config: StackConfig, version: str | None = None, flavor: str | None = None
) -> tuple[KibanaTarget, list[Problem]]:
    """The live target and the problems its status and privileges APIs reveal."""
    url = config.kibana.url or os.environ.get("KIBANA_ENDPOINT")
    if not url:
        raise UsageError("--live needs a Kibana URL: set kibana.url or env KIBANA_ENDPOINT")
    client = kibana_client(url, ca_cert=config.kibana.ca_cert, insecure=config.kibana.insecure)
    with client:
        chosen = live_target(client, version, flavor)
        problems = _setting_problems(config, chosen, url) if version is None else []
        privileges = client.privileges()
        unlicensed = _once(lambda: client.privileges(respect_license_level=False))
        existing = {str(space.get("id")) for space in client.spaces()}
        for name, role in sorted(config.roles.items()):
            problems += live_problems(name, role, chosen, privileges, unlicensed)
            problems += missing_spaces(name, render(role, chosen), existing)
    return chosen, problems


def _setting_problems(config: StackConfig, live: KibanaTarget, url: str) -> list[Problem]:
    """kibana.version / kibana.flavor naming another Kibana than the live one."""
    found = target_mismatch(config.kibana, live)
    if found is None:
        return []
    verb = "is" if found.field == "kibana.flavor" else "runs"
    return [Problem(found.field, f"is {found.configured} but {url} {verb} {found.live}")]


def _once(fetch: Callable[[], Privileges]) -> Callable[[], Privileges]:
    """``fetch`` called at most once, whatever the number of roles asking."""
    cache: list[Privileges] = []

    def cached() -> Privileges:
        if not cache:
            cache.append(fetch())
        return cache[0]

    return cached
