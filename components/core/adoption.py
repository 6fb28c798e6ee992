"""The adoption rule's refusal for Kibana roles and spaces, one text for preview and up.

Contract section 5: on create, an object that already exists is taken over only when it
already equals the declaration, or when the declaration says ``adopt: true``; otherwise it is
refused, naming the object, what differs and the way out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Kind = Literal["role", "space"]

# kind -> (what differs, the config section, what else to pick)
_WORDS: dict[Kind, tuple[str, str, str]] = {
    "role": ("privileges", "roles", "name"),
    "space": ("settings", "spaces", "id"),
}


def taken_refusal(kind: Kind, name: str, fields: Iterable[str]) -> str:
    """``<kind> <name> already exists in Kibana with other <privileges|settings> (<fields>)``
    and what to do: ``adopt: true`` under its config entry, or another name or id."""
    what, section, other = _WORDS[kind]
    return (
        f"{kind} {name} already exists in Kibana with other {what} ({', '.join(fields)}); "
        f"elastic-access does not overwrite it. Set adopt: true under "
        f"elastic-access:{section}.{name} to take it over (its {what} become the config's), "
        f"or pick another {other}."
    )
