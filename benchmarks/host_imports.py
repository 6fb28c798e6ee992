"""What the provider host imports for its first call of each provider: the time to import the
provider's module in a fresh interpreter that has already imported ``pulumi.dynamic`` (as the
host has), the best of several runs, and the product modules it pulls in.

Run with ``python -m benchmarks host_imports``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
PROVIDERS = (
    "components.providers.kibana_role",
    "components.providers.cloud_member",
    "components.providers.cloud_roster",
)
_PROBE = """
import json, sys, time
import pulumi.dynamic
before = set(sys.modules)
start = time.perf_counter()
import {module}
took = time.perf_counter() - start
new = sorted(m for m in set(sys.modules) - before)
print(json.dumps({{"seconds": took, "modules": new}}))
"""


def probe(module: str) -> tuple[float, list[str]]:
    runs = []
    modules: list[str] = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE.format(module=module)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = json.loads(out)
        runs.append(found["seconds"])
        modules = found["modules"]
    return min(runs), modules


def main() -> None:
    for module in PROVIDERS:
        seconds, modules = probe(module)
        ours = [m for m in modules if m.startswith("components")]
        heavy = [m for m in ("pydantic", "requests", "yaml", "jinja2") if m in modules]
        print(
            f"  {module:<36} {1000 * seconds:6.1f} ms  {len(modules):4d} modules "
            f"({len(ours)} of ours; heavy: {', '.join(heavy) or 'none'})"
        )


if __name__ == "__main__":
    main()
