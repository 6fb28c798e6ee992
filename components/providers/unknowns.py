"""Values not known yet during ``pulumi preview`` (another resource's output)."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN


def has_unknown(value: Any) -> bool:
    """True when any part of ``value`` is still unknown: check it later, when it is known
    (validating the placeholder would refuse a valid config: terraform-provider-elasticstack
    #4154)."""
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unknown(v) for v in value)
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)
