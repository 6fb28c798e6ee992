"""Checking a role against what the target Kibana really registers (its privileges API).

Kibana stores unknown feature and privilege ids without complaint and they grant nothing, so
this check is what makes a typo or an id of the wrong generation fail at preview. Input: the
answer of ``GET /api/security/privileges`` (and, only when something is missing, the answer
with ``respectLicenseLevel=false``, which also lists sub-feature privileges the license
does not allow).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .config import KibanaSettings, RoleSpec
from .problems import Problem, one_of
from .shorthand import feature_origins
from .versions import KibanaTarget, ProjectType, Version

Privileges = Mapping[str, Any]


def _near(word: str, choices: list[str]) -> str:
    found = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(found)}?)" if found else ""


def live_problems(
    name: str,
    spec: RoleSpec,
    target: KibanaTarget,
    privileges: Privileges,
    unlicensed: Callable[[], Privileges],
) -> list[Problem]:
    """Feature and privilege ids the live Kibana does not know, by config path.

    ``unlicensed`` is called (at most once) to fetch the privileges ignoring the license level.
    """
    features: Mapping[str, list[str]] = privileges.get("features") or {}
    problems: list[Problem] = []
    everything: Privileges | None = None
    for path, _, feature_id, granted in feature_origins(name, spec, target):
        known = features.get(feature_id)
        if known is None:
            problems.append(
                Problem(
                    path,
                    f"feature {feature_id!r} does not exist in {target}"
                    f"{_near(feature_id, sorted(features))}; Kibana would store it and grant "
                    "nothing",
                )
            )
            continue
        for privilege in granted:
            if privilege in known:
                continue
            if everything is None:
                everything = unlicensed()
            if privilege in (everything.get("features") or {}).get(feature_id, []):
                problems.append(
                    Problem(
                        path,
                        f"{feature_id}.{privilege} is a sub-feature privilege, which this "
                        "Kibana's license does not allow (gold or higher is needed): Kibana "
                        "would store it and grant nothing; use all or read, or upgrade the "
                        "license",
                    )
                )
            else:
                problems.append(
                    Problem(
                        path,
                        f"{privilege!r} is not a privilege of {feature_id} in {target}"
                        f"{_near(privilege, list(known))}; {one_of(known)}",
                    )
                )
    for i, entry in enumerate(spec.kibana):
        kind = "global" if entry.spaces == ["*"] else "space"
        base: list[str] = list(privileges.get(kind) or [])
        for j, privilege in enumerate(entry.base):
            if base and privilege not in base:
                problems.append(
                    Problem(
                        f"roles.{name}.kibana[{i}].base[{j}]",
                        f"{privilege!r} is not a {kind} base privilege; {one_of(base)}",
                    )
                )
    return problems


def serverless_project(privileges: Privileges) -> ProjectType:
    """Which serverless project a Kibana serves, told by the Cases features it registers."""
    features = privileges.get("features") or {}
    if "securitySolutionCasesV3" in features:
        return "security"
    if "observabilityCasesV3" in features:
        return "observability"
    return "elasticsearch"


def missing_spaces(name: str, body: Mapping[str, Any], existing: set[str]) -> list[Problem]:
    """Spaces a rendered role names that do not exist (yet) in Kibana: a warning, since Kibana
    stores the role and it takes effect once the space is created (cloud-on-k8s#5395)."""
    problems = []
    for i, entry in enumerate(body.get("kibana") or ()):
        absent = sorted(s for s in entry.get("spaces") or () if s != "*" and s not in existing)
        if absent:
            problems.append(
                Problem(
                    f"roles.{name}.kibana[{i}].spaces",
                    f"space {', '.join(absent)} does not exist in Kibana; the role grants nothing "
                    "there until it is created (Stack Management → Spaces)",
                    "warning",
                )
            )
    return problems


def target_from_status(
    version: str, flavor: str, privileges: Callable[[], Privileges]
) -> KibanaTarget:
    """The target ``GET /api/status`` names; on serverless the project type comes from the
    registered features (``privileges`` is called only then)."""
    project = serverless_project(privileges()) if flavor == "serverless" else None
    return KibanaTarget.of(version, flavor, project)


@dataclass(frozen=True)
class Mismatch:
    """The stack config names another Kibana than the live one: ``field`` says ``configured``,
    the live Kibana is ``live``."""

    field: str
    configured: str
    live: str


def target_mismatch(settings: KibanaSettings, live: KibanaTarget) -> Mismatch | None:
    """``kibana.flavor`` or ``kibana.version`` (major.minor) disagreeing with the live target."""
    if settings.flavor and settings.flavor != live.flavor:
        return Mismatch("kibana.flavor", settings.flavor, live.flavor)
    if settings.version and not live.serverless:
        wanted = Version.parse(settings.version)
        if (wanted.major, wanted.minor) != (live.version.major, live.version.minor):
            return Mismatch("kibana.version", settings.version, str(live.version))
    return None
