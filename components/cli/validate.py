"""``elastic-access validate``: the config's problems, offline (and live with ``--live``)."""

from __future__ import annotations

import argparse
from functools import partial
from typing import Any

from ..clients import ApiError
from ..core.es_privileges import Names
from ..core.problems import Problem, errors
from ..core.roles.expand import render
from ..core.roles.privileges import live_problems
from ..core.roles.validation import missing_spaces
from ..core.stack import StackConfig, validate_stack
from ..core.versions import KibanaTarget
from ..live.cache import together
from .common import UsageError, add_config_arguments, connect_kibana, load_targeted, report

PROBLEMS = 1


def add_parser(commands: Any) -> None:
    """Register ``validate`` and its options."""
    parser = commands.add_parser(
        "validate",
        help="check the config against the feature and role catalogs",
        description="Check the config offline against the feature catalog of the target Kibana "
        "and the Cloud role catalog. With --live, also check every feature and privilege id "
        "against the target's GET /api/security/privileges, and Elasticsearch privilege names "
        "against its GET /internal/security/esPrivileges/builtin (the Kibana URL from "
        "kibana.url or env KIBANA_ENDPOINT; credentials from env KIBANA_API_KEY, or "
        "KIBANA_USERNAME and KIBANA_PASSWORD). Exit 1 when the config has problems, 2 when "
        "Kibana cannot be reached or refuses the credentials.",
    )
    add_config_arguments(parser)
    parser.add_argument(
        "--live",
        action="store_true",
        help="also check against the live Kibana's status and privileges APIs",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print every problem (and ``ok: ...`` when there is no error); exit status 0, or 1 when the
    config has errors."""
    config, chosen = load_targeted(args, invalid=PROBLEMS)
    if getattr(args, "live", False):
        try:
            chosen, live, es_names = check_live(config, args.kibana_version, args.flavor)
        except ApiError as error:
            raise UsageError(f"--live: {error}") from None
        # The live lists decide what the offline catalogs only guess (issue 11 §3, §5).
        offline = validate_stack(config, chosen, es_names=es_names, live_features=True)
        problems = sorted(offline + live)
    else:
        problems = validate_stack(config, chosen)
    report(problems)
    if errors(problems):
        return PROBLEMS
    where = f"the live {chosen}" if getattr(args, "live", False) else str(chosen)
    print(f"ok: {len(config.roles)} roles and {len(config.members)} members valid for {where}")
    return 0


def check_live(
    config: StackConfig, version: str | None = None, flavor: str | None = None
) -> tuple[KibanaTarget, list[Problem], Names | None]:
    """The live target, the problems its status, privileges and spaces APIs reveal, and its
    Elasticsearch privilege names (None where Kibana does not list them)."""
    with connect_kibana(config.kibana, url_from="kibana.url") as live:
        chosen = live.target(version, flavor)
        mismatch = live.mismatch(chosen) if version is None else None
        problems = [mismatch] if mismatch is not None else []
        privileges, existing, _ = together(
            live.privileges, live.space_ids, live.builtin_es_privileges
        )
        unlicensed = partial(live.privileges, respect_license_level=False)
        for name, role in sorted(config.roles.items()):
            problems += live_problems(name, role, chosen, privileges, unlicensed)
            problems += missing_spaces(name, render(role, chosen), existing)
        es_names = live.es_names(chosen)
    return chosen, problems, es_names
