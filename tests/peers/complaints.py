"""What the complaint replays share: a sandbox, the peers' Terraform root and our stack on it,
the sandbox's request log, and a watch on a member's access while a tool runs.

Both tools get the same declarations: ours as stack config, the peers' as HCL written from our
rendering of it (``declarations.render_values``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from benchmarks.peers import declarations as decl
from benchmarks.peers.terraform import Run, Terraform
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.support.engine import EngineDeployment

KEY = "sandbox"
AUTH = {"Authorization": f"ApiKey {KEY}"}
ORG = decl.ORGANIZATION_ID
OWNER = {decl.OWNER: {"organization": "organization-admin"}}
WRITES = ("PUT", "POST", "DELETE")


class Peer:
    """One Terraform root with both providers (elasticstack, ec) on the sandbox."""

    def __init__(self, sandbox: Sandbox, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "providers.tf").write_text(decl.providers_tf("elasticstack", "ec"))
        self.tf = Terraform(
            folder,
            {
                "kibana_url": sandbox.kibana_url,
                "kibana_api_key": KEY,
                "cloud_url": sandbox.cloud_url,
                "cloud_api_key": KEY,
            },
        )

    def declare(
        self, roles: dict[str, Any] | None = None, members: dict[str, Any] | None = None
    ) -> None:
        """Roles and members in our config's terms; members come with the owner (the
        organization resource is authoritative)."""
        rendered = decl.render_values(
            {"roles": roles or {}, "members": {**OWNER, **(members or {})}}
        )
        folder = self.tf.workdir
        (folder / "roles.tf").write_text(
            "\n".join(decl.role_hcl(name, body) for name, body in rendered["roles"].items())
        )
        organization = decl.organization_hcl(rendered["members"]) if members is not None else ""
        (folder / "members.tf").write_text(organization)

    def apply(self) -> Run:
        return self.tf.apply()

    def plan(self) -> Run:
        return self.tf.plan()

    def plan_refresh_only(self) -> Run:
        return self.tf.plan_refresh_only()


def ours(
    sandbox: Sandbox,
    folder: Path,
    roles: dict[str, Any] | None = None,
    members: dict[str, Any] | None = None,
) -> EngineDeployment:
    """Our stack (the real engine) with these roles and members; called again on the same
    folder with other declarations, it is the same stack with its config edited."""
    config: dict[str, Any] = {
        "kibana": {"url": sandbox.kibana_url},
        "cloud": {"url": sandbox.cloud_url, "organizationId": ORG},
    }
    if roles:
        config["roles"] = roles
    if members:
        config["members"] = members
    return EngineDeployment(
        config, folder, secrets={"kibanaApiKey": KEY, "cloudApiKey": KEY}, stack="complaint"
    )


# ---------------------------------------------------------------- what the sandbox holds and saw


def sent(controls: Controls, methods: tuple[str, ...] = WRITES) -> list[tuple[str, str, int]]:
    """(method, path with query, status) of the requests the sandbox saw, in order."""
    out = []
    for r in controls.requests():
        if r["method"] in methods:
            query = "&".join(f"{k}={v}" for k, v in r["query"].items())
            out.append((r["method"], r["path"] + (f"?{query}" if query else ""), r["status"]))
    return out


def role(sandbox: Sandbox, name: str) -> dict[str, Any] | None:
    r = requests.get(f"{sandbox.kibana_url}/api/security/role/{name}", headers=AUTH, timeout=5)
    return r.json() if r.status_code == 200 else None


def invitations(sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    url = f"{sandbox.cloud_url}/api/v1/organizations/{ORG}/invitations"
    return {i["email"]: i for i in requests.get(url, headers=AUTH, timeout=5).json()["invitations"]}


def access(controls: Controls, email: str) -> set[tuple[str, str]]:
    """The (role id, target) grants a member holds now, from the saved world."""
    for member in controls.state()["members"]:
        if member["email"] == email:
            return {(atom[2], atom[3]) for atom in member["atoms"]}
    return set()


@contextmanager
def watching(
    controls: Controls, email: str, period: float = 0.02
) -> Iterator[list[frozenset[tuple[str, str]]]]:
    """Every distinct state of a member's grants while the block runs, in order (sampled from
    the saved world through the controls, which the request log does not record)."""
    seen: list[frozenset[tuple[str, str]]] = []
    stop = threading.Event()

    def sample() -> None:
        while True:
            now = frozenset(access(controls, email))
            if not seen or seen[-1] != now:
                seen.append(now)
            if stop.wait(period):
                break

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(timeout=5)
        now = frozenset(access(controls, email))
        if seen[-1] != now:
            seen.append(now)


def slow_writes(controls: Controls, path_regex: str, count: int, seconds: float = 1.0) -> None:
    """The next ``count`` requests to ``path_regex`` wait ``seconds`` before they act, so a
    watcher sees the world between two of them (nothing else about them changes)."""
    controls.fault(path_regex, None, count=count, latency=seconds)
