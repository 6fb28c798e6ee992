"""The floor program: ``count`` trivial resources (elastic-access:count in the stack config)."""

import pulumi

from benchmarks.floor import Sleeper

for i in range(pulumi.Config().require_int("count")):
    Sleeper(f"r{i:05d}", {"value": i})
