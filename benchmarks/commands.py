"""``render`` and ``validate`` of N roles as the user runs them: YAML file in, JSON or "ok" out.

Wall time of the command in this process (the interpreter's own start-up is left out), and the
ratio to the target of issue 12: 1,000 roles under 0.3 s, 10,000 under 2 s.
Run with ``python -m benchmarks commands [N ...]`` (default 1000 10000).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.render_roles import SHAPES
from components.cli import main as cli

TARGETS = {1000: 0.3, 10000: 2.0}
RUNS = 3


def stack_file(folder: Path, count: int) -> Path:
    roles = {f"role-{i:05d}": SHAPES[i % len(SHAPES)] for i in range(count)}
    kibana = {"version": "9.1.0"}
    document = {"config": {"elastic-access:kibana": kibana, "elastic-access:roles": roles}}
    path = folder / f"Pulumi.bench{count}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def timed(args: list[str]) -> float:
    """The median wall time of the command, in seconds (it must exit 0)."""
    times = []
    for _ in range(RUNS):
        sink = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = cli(args)
        times.append(time.perf_counter() - start)
        assert code == 0, sink.getvalue()[-2000:]
    return statistics.median(times)


def main(counts: list[int] | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for count in counts or [1000, 10000]:
            path = stack_file(Path(tmp), count)
            for command in ("render", "validate"):
                wall = timed([command, "--config", str(path)])
                target = TARGETS.get(count)
                ratio = f"  {wall / target:4.2f} of the {target} s target" if target else ""
                print(f"  {command:<8} {count:>6} roles  {wall:6.3f} s{ratio}", flush=True)


if __name__ == "__main__":
    main()
