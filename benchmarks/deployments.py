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


def measure(
    name: str, operation: Callable[[], Plan], controls: list[Controls], requests_per_change: int
) -> None:
    before = Counter(r["method"] for c in controls for r in c.requests())
    start = time.perf_counter()
    plan = operation()
    wall = time.perf_counter() - start
    after = Counter(r["method"] for c in controls for r in c.requests())
    methods = after - before
    changed = len(plan.changed()) if name != "refresh" else 0
    ideal = changed * requests_per_change * LATENCY / WORKERS
    ratio = f"{wall / ideal:5.1f}x" if ideal else "  n/a"
    by_method = " ".join(f"{m}={n}" for m, n in sorted(methods.items()))
    print(f"  {name:<8} wall {wall:7.2f} s  ideal {ideal:6.2f} s  ratio {ratio}  {by_method}")


def run(count: int) -> None:
    with Sandbox(controls=True, api_key=KEY) as sandbox, tempfile.TemporaryDirectory() as tmp:
        kibana, cloud = Controls(sandbox.kibana_url), Controls(sandbox.cloud_url)
        for controls in (kibana, cloud):
            controls.latency(LATENCY)
        stack_config = config(sandbox, count)

        def stack() -> Deployment:
            return Deployment(
                stack_config,
                Path(tmp) / "state.json",
                secrets={"kibanaApiKey": KEY, "cloudApiKey": KEY},
                parallel=WORKERS,
            )

        print(f"{count} roles + {count} members (latency {LATENCY * 1000:.0f} ms per request)")
        measure("up", lambda: stack().up(), [kibana, cloud], 1)
        measure("no-op", lambda: stack().up(), [kibana, cloud], 1)
        measure("refresh", lambda: stack().refresh(), [kibana, cloud], 1)


def main(counts: list[int] | None = None) -> None:
    for count in counts or [10, 100, 500]:
        run(count)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]])
