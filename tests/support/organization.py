"""What a sandbox's Elastic Cloud organization holds, read through its API (as a user would
check it in the console)."""

from __future__ import annotations

from typing import Any

import requests

from sandbox.server import Sandbox

ORG = "1000000001"


def listed(sandbox: Sandbox, what: str, key: str, organization: str = ORG) -> list[dict[str, Any]]:
    """``members`` or ``invitations`` of the organization, as the API lists them."""
    response = requests.get(
        f"{sandbox.cloud_url}/api/v1/organizations/{organization}/{what}",
        headers={"Authorization": f"ApiKey {key}"},
        timeout=5,
    )
    response.raise_for_status()
    return list(response.json()[what])


def admins(sandbox: Sandbox, key: str, organization: str = ORG) -> list[str]:
    """The emails of the organization's members who hold ``organization-admin``, sorted."""
    return sorted(
        m["email"]
        for m in listed(sandbox, "members", key, organization)
        if any(
            e["role_id"] == "organization-admin"
            for e in m["role_assignments"].get("organization") or []
        )
    )
