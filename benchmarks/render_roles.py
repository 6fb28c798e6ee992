"""Validating and rendering 1,000 roles offline (target: well under a second)."""

from __future__ import annotations

import time

from components.core.stack import parse_config, render_stack, validate_stack
from components.core.versions import KibanaTarget

SHAPES = (
    {"spaces": ["soc"], "cases": {"security": "all"}, "connectors": "all"},
    {"cases": {"observability": {"access": "read", "allow": ["create_comment"]}},
     "alerts": {"observability": "read"}},
    {"spaces": ["default", "ops"], "cases": {"stack": {"access": "all", "deny": ["cases_delete"]}},
     "alerts": {"security": "read"}},
    {"kibana": [{"spaces": ["analytics"], "feature": {"discover_v2": ["read"]}}],
     "elasticsearch": {"cluster": ["monitor"],
                       "indices": [{"names": ["logs-*"], "privileges": ["read"]}]}},
)  # fmt: skip


def main(count: int = 1000) -> None:
    values = {"roles": {f"role-{i:04d}": SHAPES[i % len(SHAPES)] for i in range(count)}}
    target = KibanaTarget.of("9.1.0")
    start = time.perf_counter()
    config = parse_config(values)
    parsed = time.perf_counter()
    problems = validate_stack(config, target)
    validated = time.perf_counter()
    rendered = render_stack(config, target)
    done = time.perf_counter()
    assert not problems and len(rendered["roles"]) == count
    print(f"roles: {count}")
    print(f"parse:    {1000 * (parsed - start):7.1f} ms")
    print(f"validate: {1000 * (validated - parsed):7.1f} ms")
    print(f"render:   {1000 * (done - validated):7.1f} ms")
    print(f"total:    {1000 * (done - start):7.1f} ms")


if __name__ == "__main__":
    main()
