"""Values not known yet during ``pulumi preview`` (another resource's output), for every provider.

The engine sends them to ``check`` and ``diff`` only (``rpc.UNKNOWN`` anywhere in the inputs:
a whole input, a list element, a value deep in a role's ``kibana`` entries); ``create`` and
``update`` run once every value is known. A provider therefore:

* defers its checks (``deferred_check``): validating a placeholder would refuse a valid config
  (terraform-provider-elasticstack #4154), and a live lookup keyed by it would ask the API about
  a string that is no id; what the check adds is marked unknown too, so preview says so;
* answers "unknown, maybe changes" from ``diff`` (``unknown_diff``), and "maybe replaced" where
  a key that decides replacement is unknown or differs;
* writes nothing with an unknown value (``refuse_unknown``).

Issue 11 §4.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi.dynamic import CheckResult, DiffResult
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

Same = Callable[[Any, Any], bool]


def has_unknown(value: Any) -> bool:
    """True when any part of ``value`` is still unknown (at any depth of dicts and lists)."""
    if isinstance(value, Mapping):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unknown(v) for v in value)
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def deferred_check(news: dict[str, Any], adds: Iterable[str] = ()) -> CheckResult | None:
    """When ``news`` holds an unknown value: the inputs as they are, with the keys the check
    would add (``adds``) marked unknown and no failure; checked again once known. Else None."""
    if not has_unknown(news):
        return None
    return CheckResult({**news, **{key: UNKNOWN for key in adds}}, [])


def unknown_diff(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    replace_keys: Mapping[str, Same] | Iterable[str] = (),
) -> DiffResult | None:
    """When ``news`` holds an unknown value: "unknown, maybe changes" (the engine then shows an
    update of what differs), replacing where a key of ``replace_keys`` (with how two values of it
    compare; equality by default) is unknown or differs. Else None."""
    if not has_unknown(news):
        return None
    keys: Mapping[str, Same] = (
        replace_keys if isinstance(replace_keys, Mapping) else {key: _equal for key in replace_keys}
    )
    replaces = [
        key
        for key, same in keys.items()
        if has_unknown(news.get(key)) or not same(olds.get(key), news.get(key))
    ]
    return DiffResult(changes=None, replaces=replaces, delete_before_replace=False)


def refuse_unknown(props: Mapping[str, Any], what: str) -> None:
    """Raise ``ValueError`` naming ``what`` when ``props`` holds an unknown value: nothing is
    written with one (the engine never asks; a direct call might)."""
    if has_unknown(props):
        raise ValueError(f"{what}: some inputs are not known yet; nothing was written")


def _equal(a: Any, b: Any) -> bool:
    return bool(a == b)
