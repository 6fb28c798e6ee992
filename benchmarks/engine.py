"""The real Pulumi engine: `up` (create), no-op `up`, `preview` and `refresh` of N roles + N
members against the sandbox with 20 ms added to every request, beside

- the floor: a trivial dynamic provider (benchmarks/floor.py) with the same 2N resources through
  the same engine and provider host, sleeping the same 20 ms on each write;
- the ideal: writes x latency / 4 (the provider host's 4 workers).

Targets (issue 15): create <= 1.2x the floor, no-op up and refresh <= 1.3x the floor.
Run with ``python -m benchmarks engine [N ...]`` (default 10 100 500); needs ``make pulumi-cli``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.deployments import config as product_config
from sandbox.controls import Controls
from sandbox.server import Sandbox
from tests.support.engine import REPO, EngineDeployment, cli_missing

LATENCY = 0.020
WORKERS = 4
KEY = "bench"
FLOOR_PROGRAM = Path(__file__).resolve().parent / "floor_program" / "__main__.py"
OPERATIONS = ("up", "no-op up", "preview", "refresh")
TARGETS = {"up": 1.2, "no-op up": 1.3, "refresh": 1.3}


def _timed(operation: Callable[[], Any]) -> float:
    start = time.perf_counter()
    operation()
    return time.perf_counter() - start


def _operations(stack: EngineDeployment) -> dict[str, Callable[[], Any]]:
    return {
        "up": lambda: stack.up(skip_preview=True),
        "no-op up": lambda: stack.up(skip_preview=True),
        "preview": stack.preview,
        "refresh": stack.refresh,
    }


def floor(count: int, tmp: Path) -> dict[str, float]:
    env = {"PYTHONPATH": str(REPO), "ELASTIC_ACCESS_FLOOR_LATENCY": str(LATENCY)}
    stack = EngineDeployment({"count": 2 * count}, tmp, env=env, program=FLOOR_PROGRAM)
    return {name: _timed(run) for name, run in _operations(stack).items()}


def ours(count: int, tmp: Path) -> tuple[dict[str, float], dict[str, Counter[str]]]:
    # The invitation limit (the sandbox's 10 a minute) would measure the limit, not the product.
    with Sandbox(controls=True, api_key=KEY, invite_rate_limit=100_000) as sandbox:
        controls = Controls(sandbox.kibana_url)
        controls.latency(LATENCY)
        stack = EngineDeployment(
            product_config(sandbox, count),
            tmp,
            secrets={"kibanaApiKey": KEY, "cloudApiKey": KEY},
        )
        walls: dict[str, float] = {}
        requests: dict[str, Counter[str]] = {}
        for name, run in _operations(stack).items():
            controls.clear_requests()
            walls[name] = _timed(run)
            requests[name] = Counter(
                f"{r['service']} {r['method']}"
                for r in controls.requests()
                if not r["path"].startswith("/_sandbox")
            )
        return walls, requests


def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        floor_walls = floor(count, Path(tmp) / "floor")
        our_walls, requests = ours(count, Path(tmp) / "ours")
    print(f"{count} roles + {count} members, {LATENCY * 1000:.0f} ms per request, real engine")
    header = ("operation", "ours", "floor", "ratio", "target", "ideal")
    print("  {:<9} {:>8} {:>8} {:>6} {:>6} {:>7}  requests".format(*header))
    for name in OPERATIONS:
        writes = sum(n for k, n in requests[name].items() if not k.endswith("GET"))
        ideal = writes * LATENCY / WORKERS
        ratio = our_walls[name] / floor_walls[name]
        target = f"{TARGETS[name]:.1f}x" if name in TARGETS else "-"
        by_method = ", ".join(f"{k} {n}" for k, n in sorted(requests[name].items())) or "none"
        print(
            f"  {name:<9} {our_walls[name]:7.2f}s {floor_walls[name]:7.2f}s {ratio:5.2f}x "
            f"{target:>6} {ideal:6.2f}s  {by_method}",
            flush=True,
        )


def main(counts: list[int] | None = None) -> None:
    missing = cli_missing()
    if missing:
        print(f"  skipped: {missing} (make pulumi-cli)")
        return
    for count in counts or [10, 100, 500]:
        run(count)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]])
