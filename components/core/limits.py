"""How big and how deeply nested a stack config may be.

These bounds keep ``validate``, ``render``, ``report`` and the Pulumi program within bounded time
and memory whatever the input (issue 10 §7: a YAML file nested 1,000 deep, a DLS query string
nested deep, aliases that expand without end). They sit far above any real config: the
``local`` stack is 6 levels deep; a DLS query a person writes is rarely 20.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_FILE_BYTES = 8 * 1024 * 1024  # a stack file of 10,000 roles is about 2 MiB
MAX_DEPTH = 64  # levels below a config key (elastic-access:roles -> role -> field -> ...)
MAX_VALUES = 1_000_000  # values once YAML aliases are expanded


def too_deep(value: Any, limit: int = MAX_DEPTH) -> tuple[str | int, ...] | None:
    """The place (keys and indexes below ``value``) of the first value nested more than
    ``limit`` levels deep in plain data (dicts, lists), or None. Iterative: any depth is safe."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, Mapping | list):
            continue  # a scalar: only the top value can be one here
        children = item.values() if isinstance(item, Mapping) else item
        if depth == limit and children:
            return _place_below(value, limit + 1)
        stack.extend((c, depth + 1) for c in children if isinstance(c, Mapping | list))
    return None


def _place_below(value: Any, depth: int) -> tuple[str | int, ...]:
    """The keys and indexes of a value ``depth`` levels below ``value`` (one is known to be)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) == depth:
            return path
        if isinstance(item, Mapping):
            stack.extend((v, (*path, str(k))) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(item))
    return ()


def json_nesting(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in a JSON text, strings left out (linear)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return text.count("[") + text.count("{")  # an upper bound, and small: no need to scan
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def json_text_problem(text: str) -> str | None:
    """Why ``text`` is not a usable JSON object text (a DLS ``query`` string), or None.

    Nesting beyond ``MAX_DEPTH`` is refused before parsing, since Python's parser recurses."""
    if json_nesting(text) > MAX_DEPTH:
        return f"is nested more than {MAX_DEPTH} levels deep; no query needs that many"
    try:
        json.loads(text)
    except ValueError:
        return "is not valid JSON (a query DSL object)"
    return None
