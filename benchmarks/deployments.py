"""Up, no-op up and refresh of N roles and N members through the real provider host against
the sandbox with 20 ms latency per request: wall time, requests by method, and the ratio of wall
time to the ideal (changed resources x latency / the host's 4 workers).

Run with ``python -m benchmarks deployments [N ...]`` (default 10 100 500).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.support.deploy import Deployment, Plan

LATENCY = 0.020
WORKERS = 4
KEY = "bench"


def config(sandbox: Sandbox, count: int) -> dict[str, Any]:
    roles = {
        f"role-{i:04d}": {
            "spaces": ["soc"],
            "cases": {["security", "observability", "stack"][i % 3]: "all"},
            "connectors": "all" if i % 2 else "none",
        }
        for i in range(count)
    }
    members = {
        f"user{i:04d}@example.com": {"projects": {"security": {"all": "security-t1-analyst"}}}
        for i in range(count)
    }
    return {
        "kibana": {"url": sandbox.kibana_url},
        "cloud": {"url": sandbox.cloud_url, "organizationId": "1000000001"},
        "roles": roles,
        "members": members,
    }


def deployment(stack_config: dict[str, Any], state: Path) -> Deployment:
    """The stack as the engine stand-in runs it: the host's 4 workers, state saved at the end."""
    return Deployment(
        stack_config,
        state,
        secrets={"kibanaApiKey": KEY, "cloudApiKey": KEY},
        parallel=WORKERS,
        save_each_step=False,
    )


def _requests(controls: Controls) -> Counter[str]:
    return Counter(f"{r['service']} {r['method']}" for r in controls.requests())


def measure(
    name: str, operation: Callable[[], Plan], controls: Controls, requests_per_change: int
) -> None:
    before = _requests(controls)
    start = time.perf_counter()
    plan = operation()
    wall = time.perf_counter() - start
    after = _requests(controls)
    methods = after - before
    changed = len(plan.changed()) if name != "refresh" else 0
    ideal = changed * requests_per_change * LATENCY / WORKERS
    ratio = f"{wall / ideal:5.1f}x" if ideal else "  n/a"
    by_method = ", ".join(f"{m} {n}" for m, n in sorted(methods.items()))
    print(f"  {name:<8} wall {wall:7.2f} s  ideal {ideal:6.2f} s  ratio {ratio}  {by_method}")


def run(count: int) -> None:
    # The invitation rate limit is the real bottleneck (10 per minute in the sandbox, unpublished
    # in Elastic Cloud): raised here so the figures show the product, not the limit.
    sandbox_run = Sandbox(controls=True, api_key=KEY, invite_rate_limit=100_000)
    with sandbox_run as sandbox, tempfile.TemporaryDirectory() as tmp:
        controls = Controls(sandbox.kibana_url)  # one log and one latency for both APIs
        controls.latency(LATENCY)
        stack_config = config(sandbox, count)

        def stack() -> Deployment:
            return deployment(stack_config, Path(tmp) / "state.json")

        print(f"{count} roles + {count} members (latency {LATENCY * 1000:.0f} ms per request)")
        measure("up", lambda: stack().up(), controls, 1)
        measure("no-op", lambda: stack().up(), controls, 1)
        measure("refresh", lambda: stack().refresh(), controls, 1)


def main(counts: list[int] | None = None) -> None:
    for count in counts or [10, 100, 500]:
        run(count)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]])
