"""Run the benchmarks: ``python -m benchmarks [NAME ...] [N ...]``.

Names pick benchmarks (default: all); numbers are the sizes for those that take sizes.
"""

from __future__ import annotations

import importlib
import inspect
import sys

BENCHMARKS = (
    "render_roles",
    "commands",
    "requests_cpu",
    "host_imports",
    "refresh_requests",
    "roster_writes",
    "deployments",
    "engine",
    "peers",
)


def main(args: list[str]) -> int:
    names = [a for a in args if not a.isdigit()] or list(BENCHMARKS)
    sizes = [int(a) for a in args if a.isdigit()]
    for name in names:
        print(f"== {name}", flush=True)
        run = importlib.import_module(f"benchmarks.{name}").main
        if sizes and "counts" in inspect.signature(run).parameters:
            run(sizes)
        else:
            run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
