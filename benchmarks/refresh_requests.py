"""How many list requests one refresh costs, whatever the number of resources: a refresh of N
roles and N members in authoritative mode (member and roster providers) through the real
provider host against the sandbox, requests counted by the sandbox.

Run with ``python -m benchmarks refresh_requests [N ...]`` (default 20).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.deployments import KEY, config, deployment
from sandbox.controls import Controls
from sandbox.server import Sandbox


def run(count: int) -> None:
    with (
        Sandbox(controls=True, api_key=KEY, invite_rate_limit=100_000) as sandbox,
        tempfile.TemporaryDirectory() as tmp,
    ):
        controls = Controls(sandbox.kibana_url)
        stack_config = config(sandbox, count)
        stack_config["cloud"]["authoritative"] = True
        stack_config["cloud"]["protect"] = ["owner@sandbox.example"]

        state = Path(tmp) / "state.json"
        deployment(stack_config, state).up()
        before = len(controls.requests())
        deployment(stack_config, state).refresh()
        served = controls.requests()[before:]
        counted = Counter(
            f"{r['method']} {r['path'].rsplit('/', 1)[-1] or r['path']}"
            for r in served
            if not r["path"].startswith("/_sandbox")
        )
        listed = ", ".join(f"{k} {n}" for k, n in sorted(counted.items()))
        print(f"  refresh of {count} roles + {count} members (authoritative): {listed}")


def main(counts: list[int] | None = None) -> None:
    for count in counts or [20]:
        run(count)


if __name__ == "__main__":
    main()
