"""Every rule a space config must pass before anything is sent to Kibana.

Kibana's own schema (``x-pack/platform/plugins/shared/spaces/server/lib/space_schema.ts``) with
its messages where it has one: the id pattern, ``name`` required, ``initials`` at most 2
characters, ``color`` ``#`` and 6 characters, ``imageUrl`` a ``data:image`` URL, at most 100
``disabledFeatures``, ``solution`` only on stateful Kibana 8.16 and later. The spaces client's
rules (``spaces_client.ts``): no ``disabledFeatures`` on serverless (feature visibility is off
there), the ``default`` space is never deleted. Our own, so that a space never shows a
perpetual difference: a name Kibana would trim, a colour that is not hex, a deprecated feature id
(Kibana reads it back as its replacement), ``disabledFeatures`` beside a solution view (Kibana
reads back the solution's list instead: a warning). Feature ids are checked against the
catalog offline and against ``GET /api/features`` live (Kibana stores any id and hides
nothing for an unknown one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..feature_catalog import BY_ID, features_for, is_deprecated, is_registered, successor
from ..problems import Problem, close_matches
from ..versions import KibanaTarget, Version
from .spec import CLASSIC, DEFAULT_SPACE, SPACE_ID, SPACE_ID_RULE, SpaceSpec

MAX_INITIALS = 2  # MAX_SPACE_INITIALS (spaces plugin common/constants.ts)
MAX_DISABLED_FEATURES = 100  # space_schema.ts disabledFeatures maxSize
SOLUTION_SINCE = Version(8, 16)  # solution views (Kibana PR #191505, 8.16)
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def validate_space(space_id: str, spec: SpaceSpec, target: KibanaTarget) -> list[Problem]:
    """Every problem of one space for one target, errors and warnings; no error means it can
    be sent."""
    path = f"spaces.{space_id}"
    return sorted(
        [
            *_id_problems(space_id, path, spec),
            *_text_problems(spec, path),
            *_solution_problems(spec, path, target),
            *_disabled_feature_problems(spec, path, target),
        ]
    )


def _id_problems(space_id: str, path: str, spec: SpaceSpec) -> Iterator[Problem]:
    if not SPACE_ID.match(space_id):
        yield Problem(path, f"space id {space_id!r} {SPACE_ID_RULE}")
    if space_id == DEFAULT_SPACE and spec.allow_delete:
        yield Problem(
            f"{path}.allowDelete",
            "the default space can never be deleted (Kibana: The default space cannot be deleted "
            "because it is reserved.); remove allowDelete",
        )


def _text_problems(spec: SpaceSpec, path: str) -> Iterator[Problem]:
    if not spec.name.strip():
        yield Problem(f"{path}.name", "must not be empty")
    elif spec.name != spec.name.strip():
        yield Problem(
            f"{path}.name",
            f"{spec.name!r} starts or ends with white space, which Kibana trims: write "
            f"{spec.name.strip()!r}",
        )
    if spec.initials is not None and not 1 <= len(spec.initials) <= MAX_INITIALS:
        yield Problem(
            f"{path}.initials",
            f"is 1 or {MAX_INITIALS} characters (got {spec.initials!r}); leave it out to let "
            "Kibana take them from the name",
        )
    if spec.color is not None and not COLOR.match(spec.color):
        yield Problem(
            f"{path}.color",
            f"must be a 6 digit hex color, starting with a # (got {spec.color!r}), such as "
            '"#D36086"',
        )
    if spec.image_url is not None and not spec.image_url.startswith("data:image"):
        yield Problem(f"{path}.imageUrl", "must start with 'data:image' (a data URL)")


def _solution_problems(spec: SpaceSpec, path: str, target: KibanaTarget) -> Iterator[Problem]:
    if spec.solution is None:
        return
    where = f"{path}.solution"
    if target.serverless:
        yield Problem(
            where,
            f"{target} has no solution views (Kibana: solution property is forbidden in "
            "serverless); remove solution",
        )
    elif target.version < SOLUTION_SINCE:
        yield Problem(
            where,
            f"solution views need Kibana 8.16 or later; {target} has none: remove solution",
        )


def _disabled_feature_problems(
    spec: SpaceSpec, path: str, target: KibanaTarget
) -> Iterator[Problem]:
    features = spec.disabled_features
    where = f"{path}.disabledFeatures"
    if not features:
        return
    if target.serverless:
        yield Problem(
            where,
            f"must stay empty on {target}: feature visibility is off there (Kibana: the "
            "disabledFeatures array must be empty when xpack.spaces.allowFeatureVisibility "
            "setting is disabled)",
        )
        return
    if len(features) > MAX_DISABLED_FEATURES:
        yield Problem(where, f"lists {len(features)} features; at most {MAX_DISABLED_FEATURES}")
    if spec.solution not in (None, CLASSIC):
        yield Problem(
            where,
            f"is ignored while solution is {spec.solution}: Kibana shows the features of the "
            "solution view (and reads back its list); set solution: classic to choose features",
            "warning",
        )
    seen: set[str] = set()
    for i, feature_id in enumerate(features):
        if feature_id in seen:
            yield Problem(f"{where}[{i}]", f"{feature_id} is listed more than once", "warning")
        seen.add(feature_id)
        yield from _feature_problems(feature_id, f"{where}[{i}]", target)


def _feature_problems(feature_id: str, path: str, target: KibanaTarget) -> Iterator[Problem]:
    feature = BY_ID.get(feature_id)
    if feature is None:
        near = close_matches(feature_id, _current_ids(target))
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        yield Problem(
            path,
            f"feature {feature_id!r} is not in the offline catalog{hint}; preview against the "
            f"live {target} decides (Kibana stores any id and hides nothing for an unknown one)",
            "warning",
        )
        return
    current = successor(feature, target)
    if not is_registered(feature, target):
        added = f" (added in {feature.since.major}.{feature.since.minor})" if feature.since else ""
        use = f"; use {current.id}" if current else ""
        yield Problem(path, f"feature {feature_id} does not exist in {target}{added}{use}")
    elif is_deprecated(feature, target):
        use = f"{current.id}" if current else "the current feature id"
        yield Problem(
            path,
            f"feature {feature_id} is deprecated in {target} and Kibana reads it back as its "
            f"replacement, so the space would always differ from its config: write {use}",
        )


def _current_ids(target: KibanaTarget) -> list[str]:
    return [f.id for f in features_for(target).values() if not is_deprecated(f, target)]


def live_space_problems(
    space_id: str, spec: SpaceSpec, features: set[str], url: str
) -> list[Problem]:
    """Disabled features that the live Kibana at ``url`` does not list (``features``: the ids
    of ``GET /api/features``), each naming close matches."""
    problems = []
    for i, feature_id in enumerate(spec.disabled_features):
        if feature_id in features:
            continue
        near = close_matches(feature_id, features)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        problems.append(
            Problem(
                f"spaces.{space_id}.disabledFeatures[{i}]",
                f"feature {feature_id!r} does not exist in the Kibana at {url}{hint}",
            )
        )
    return problems
