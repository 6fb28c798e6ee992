"""Run every benchmark: ``python -m benchmarks [NAME ...]``."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("render_roles", "deployments")


def main(names: list[str]) -> int:
    for name in names or BENCHMARKS:
        print(f"== {name}")
        importlib.import_module(f"benchmarks.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
