"""Durations written as text: ``7d`` and ``72h`` in the config (invitation expiry), ``60`` or
``1m0s`` in Elastic Cloud's ``x-ratelimit-interval`` header (a Go ``time.Duration``)."""

from __future__ import annotations

import math
import re
from collections.abc import Collection

UNIT_SECONDS = {
    "d": 86400.0,
    "h": 3600.0,
    "m": 60.0,
    "s": 1.0,
    "ms": 1e-3,
    "us": 1e-6,
    "µs": 1e-6,
    "ns": 1e-9,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|d|h|m|s)")


def duration_seconds(
    text: str, *, units: Collection[str] = tuple(UNIT_SECONDS), bare: bool = True
) -> float | None:
    """Seconds (a finite number, at least 0) from ``text``, or None when it is not a duration.

    ``text`` is a number of seconds (when ``bare``) or one or more ``<number><unit>`` parts
    (``1m30s``, ``7d``) with units from ``units`` (keys of ``UNIT_SECONDS``).
    """
    text = text.strip()
    if not text:
        return None
    try:
        seconds = float(text) if bare else None
    except ValueError:
        seconds = None
    if seconds is None:
        parts = _PART.findall(text)
        if "".join(n + u for n, u in parts) != text or any(u not in units for _, u in parts):
            return None
        seconds = sum(float(n) * UNIT_SECONDS[u] for n, u in parts)
    return max(0.0, seconds) if math.isfinite(seconds) else None
