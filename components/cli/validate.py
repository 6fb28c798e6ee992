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
from ..core.spaces.validation import live_space_problems
from ..core.stack import LoadedConfig, StackConfig, summary, validate_stack
from ..core.versions import KibanaTarget
from ..live.cache import together
from .common import UsageError, add_config_arguments, connect_kibana, load_targeted, report

PROBLEMS = 1
# The kibana fields the live check connects with (a shape error in one: nothing to connect to).
CONNECTION = frozenset({"kibana", "kibana.url", "kibana.caCert", "kibana.insecure"})
SKIPPED = "not checked against the live Kibana: fix the kibana errors first"


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
    loaded, chosen = load_targeted(args, invalid=PROBLEMS)
    config = loaded.config
    live_check = getattr(args, "live", False)
    skipped: list[Problem] = []
    if live_check and CONNECTION & loaded.left_out:
        # The live check needs these; their shape errors say what to fix, no "no Kibana URL".
        live_check = False
        skipped = [Problem("--live", SKIPPED, "warning")]
    if live_check:
        try:
            chosen, live, es_names = check_live(
                config, args.kibana_version, args.flavor, declared(loaded, "spaces")
            )
        except ApiError as error:
            raise UsageError(f"--live: {error}") from None
        # The live lists decide what the offline catalogs only guess (issue 11 §3, §5).
        offline = validate_stack(
            config, chosen, es_names=es_names, live_features=True, left_out=loaded.left_out
        )
        problems = sorted(loaded.problems + offline + live)
    else:
        offline = validate_stack(config, chosen, left_out=loaded.left_out)
        problems = sorted(loaded.problems + offline + skipped)
    report(problems)
    if errors(problems):
        return PROBLEMS
    where = f"the live {chosen}" if live_check else str(chosen)
    print(f"ok: {summary(config)} valid for {where}")
    return 0


def declared(loaded: LoadedConfig, section: str) -> set[str]:
    """The names of a keyed section's entries, those left out for a shape error too."""
    prefix = f"{section}."
    found = {p.removeprefix(prefix) for p in loaded.left_out if p.startswith(prefix)}
    return set(getattr(loaded.config, section)) | found


def check_live(
    config: StackConfig,
    version: str | None = None,
    flavor: str | None = None,
    spaces: set[str] | None = None,
) -> tuple[KibanaTarget, list[Problem], Names | None]:
    """The live target, the problems its status, privileges, spaces and features APIs reveal
    (a space the config declares counts as existing: up creates it first; ``spaces``: the ids
    declared, those with shape errors too), and its Elasticsearch privilege names (None where
    Kibana does not list them)."""
    with connect_kibana(config.kibana, url_from="kibana.url") as live:
        chosen = live.target(version, flavor)
        mismatch = live.mismatch(chosen) if version is None else None
        problems = [mismatch] if mismatch is not None else []
        privileges, existing, _ = together(
            live.privileges, live.space_ids, live.builtin_es_privileges
        )
        existing |= set(config.spaces) if spaces is None else spaces
        for space_id, space in sorted(config.spaces.items()):
            problems += live_space_problems(space_id, space, live.feature_ids(), live.where)
        unlicensed = partial(live.privileges, respect_license_level=False)
        for name, role in sorted(config.roles.items()):
            problems += live_problems(name, role, chosen, privileges, unlicensed)
            problems += missing_spaces(name, render(role, chosen), existing)
        es_names = live.es_names(chosen)
    return chosen, problems, es_names
