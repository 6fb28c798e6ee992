"""The elastic-access policy rules, as plain functions over resource inputs.

No ``pulumi_policy`` here: ``__main__.py`` wires these into the policy pack, and the tests
call them directly. Each check takes a resource's inputs and returns one message per
violation (empty when the resource complies).

Least privilege for this domain:

* ``connectors-need-cases``: managing connectors (feature ``actions`` with ``all`` or
  ``minimal_all``) only where the role also manages cases (a Cases feature with ``all`` or
  ``minimal_all``, or base ``all``) in the same spaces.
* ``no-global-base-all``: no ``base: ["all"]`` on spaces ``["*"]`` (that is every feature of
  every space, today's and tomorrow's).
* ``no-cluster-all``: no ``all`` cluster privilege in ``elasticsearch`` (superuser-like).
* ``admins-are-protected``: ``organization-admin`` only for members marked protected.

A role is judged by its rendered Kibana body (``body``, which the provider's check adds to the
inputs, rendered for the live target), read through the product's own feature catalog. Should a
role have no ``body`` yet, the product renders its config for the newest release, as the
offline commands do; a resource whose inputs are not known yet (another resource's output,
during preview) is skipped: it is judged once they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from components.core.feature_catalog import BY_ID, CONNECTORS
from components.core.roles.body import ALL_SPACES
from components.core.roles.expand import render
from components.core.roles.spec import RoleSpec
from components.core.versions import KibanaTarget
from components.providers.unknowns import has_unknown

ROLE_TYPE = "pulumi-python:dynamic/kibana:Role"
MEMBER_TYPE = "pulumi-python:dynamic/cloud:Member"

MANAGE = frozenset({"all", "minimal_all"})
ORGANIZATION_ADMIN = "organization-admin"

Props = Mapping[str, Any]


# ---------------------------------------------------------------- reading the inputs


def _name(props: Props) -> str:
    return str(props.get("name") or "?")


def role_body(props: Props) -> dict[str, Any]:
    """The role's Kibana body: ``body`` when check rendered it, else its config rendered by the
    product for the newest release; empty when the inputs are not known yet or do not parse."""
    if has_unknown(dict(props)):
        return {}
    body = props.get("body")
    if isinstance(body, Mapping):
        return dict(body)
    try:
        return render(RoleSpec.model_validate(props.get("role") or {}), KibanaTarget())
    except ValueError:
        return {}  # check refuses it, naming the field


def _is_cases(feature_id: str) -> bool:
    feature = BY_ID.get(feature_id)
    return feature is not None and feature.role == "cases"


def _entries(body: Props) -> list[tuple[list[str], list[str], dict[str, list[str]]]]:
    """(spaces, base, feature) of every Kibana entry, defaults filled."""
    out = []
    for entry in body.get("kibana") or ():
        if isinstance(entry, Mapping):
            spaces = [str(s) for s in entry.get("spaces") or [ALL_SPACES]]
            base = [str(b) for b in entry.get("base") or ()]
            feature = {
                str(k): [str(p) for p in v or ()] for k, v in (entry.get("feature") or {}).items()
            }
            out.append((spaces, base, feature))
    return out


# ---------------------------------------------------------------- role rules


def connectors_need_cases(props: Props) -> list[str]:
    """Connectors managed (``actions`` all / minimal_all) only where cases are managed too."""
    entries = _entries(role_body(props))
    managed: set[str] = set()
    for spaces, base, feature in entries:
        if "all" in base or any(
            _is_cases(fid) and MANAGE & set(granted) for fid, granted in feature.items()
        ):
            managed.update(spaces)
    violations = []
    for spaces, _, feature in entries:
        if not MANAGE & set(feature.get(CONNECTORS.id, ())):
            continue
        if ALL_SPACES in managed:
            continue
        missing = [s for s in spaces if s not in managed]
        if missing:
            violations.append(
                f"role {_name(props)}: connectors all (feature actions) in spaces "
                f"[{', '.join(missing)}] where the role does not manage cases (no Cases feature "
                "with all or minimal_all there): managing connectors is for case managers; "
                "give connectors: read, or cases: all in those spaces"
            )
    return violations


def no_global_base_all(props: Props) -> list[str]:
    """No ``base: ["all"]`` on all spaces."""
    for spaces, base, _ in _entries(role_body(props)):
        if ALL_SPACES in spaces and "all" in base:
            return [
                f"role {_name(props)}: base privilege all on spaces [*] grants every feature in "
                "every space, present and future; grant the features it needs (cases, "
                "connectors, alerts) or limit it to named spaces"
            ]
    return []


def no_cluster_all(props: Props) -> list[str]:
    """No superuser-like ``all`` cluster privilege."""
    cluster = (role_body(props).get("elasticsearch") or {}).get("cluster") or ()
    if "all" in cluster:
        return [
            f"role {_name(props)}: elasticsearch cluster privilege all is superuser-like; "
            "list the cluster privileges the role needs (monitor, manage_own_api_key, ...)"
        ]
    return []


# ---------------------------------------------------------------- member rules


def _atoms(props: Props) -> Iterable[Mapping[str, Any]]:
    # Keyed by description; a list in states saved before the keyed form.
    assignments = props.get("assignments") or ()
    values = assignments.values() if isinstance(assignments, Mapping) else assignments
    return [a for a in values if isinstance(a, Mapping)]


def admins_are_protected(props: Props) -> list[str]:
    """``organization-admin`` only for members listed in ``cloud.protect``."""
    if props.get("protected") or has_unknown(dict(props)):
        return []
    declared = (props.get("member") or {}).get("organization") or []
    roles = {declared} if isinstance(declared, str) else set(declared)
    for atom in _atoms(props):
        if atom.get("scope") == "organization":
            roles.add(atom.get("roleId", atom.get("role")))
    if ORGANIZATION_ADMIN in roles:
        return [
            f"member {props.get('email') or '?'}: organization-admin is for protected "
            "members only; add the email to elastic-access:cloud.protect, or grant "
            "billing-admin or deployment / project roles instead"
        ]
    return []


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Rule:
    """One policy: its name, what it asks, which resources it applies to, and its check."""

    name: str
    description: str
    resource_type: str
    check: Callable[[Props], list[str]]


RULES: tuple[Rule, ...] = (
    Rule(
        "connectors-need-cases",
        "Connectors all (feature actions) only on roles that manage cases in the same spaces.",
        ROLE_TYPE,
        connectors_need_cases,
    ),
    Rule(
        "no-global-base-all",
        'No base: ["all"] on spaces ["*"].',
        ROLE_TYPE,
        no_global_base_all,
    ),
    Rule(
        "no-cluster-all",
        "No superuser-like cluster privilege all in elasticsearch.",
        ROLE_TYPE,
        no_cluster_all,
    ),
    Rule(
        "admins-are-protected",
        "organization-admin only for members that are protected.",
        MEMBER_TYPE,
        admins_are_protected,
    ),
)


def violations(resource_type: str, props: Props) -> list[str]:
    """Every rule's messages for one resource (empty for other resource types)."""
    found: list[str] = []
    for rule in RULES:
        if rule.resource_type == resource_type:
            found += rule.check(props)
    return found
