"""The side-by-side benchmark: the same declarations through the Terraform peers (and, once the
lead wires the real Pulumi engine, through us) on the same sandbox, measured in one run.

For each N (default 10 100 500) and each tool: **create** (from nothing), a **no-op** apply,
a **refresh** (``terraform plan -refresh-only``), and a **one-role change** (one role and one
member changed). Each operation records its wall time and the requests the sandbox saw, by
method (from its request log, ``/_sandbox/requests``), per service (kibana / cloud), and how
many were refused (non-2xx). Every sandbox request gets ``--latency`` seconds (20 ms by
default, as issue 14 asks).

The peers run as ONE Terraform root holding both providers (``elasticstack`` for the N roles,
``ec`` for the organization's N members), as our one stack holds both.

Usage::

    python -m benchmarks.peers.driver [N ...] [--latency 0.02] [--json FILE]
        [--sandbox KIBANA_URL CLOUD_URL]     # a running sandbox started with --controls

Without ``--sandbox`` it runs one in-process, with the invitation rate limit raised (the
sandbox's default of 10 invitations a minute stops ``ec_organization`` past 10 members, and
its CLI has no option for it yet). A running sandbox keeps its own limit.

Our side plugs in at :func:`ours`: a :class:`Tool` whose operations run our stack; until the
lead wires it, the table shows ``-`` for us and for the ratio.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from benchmarks.peers import declarations as decl
from benchmarks.peers.terraform import PEERS_BIN, ROOT, Terraform, missing, stamp

OPERATIONS = ("create", "noop", "refresh", "change")
API_KEY = "sandbox"
WORK = ROOT / ".peers" / "work" / "bench"


# ---------------------------------------------------------------- the sandbox


@dataclass
class SandboxHandle:
    """What the driver needs of a running sandbox: its URLs and its controls."""

    kibana_url: str
    cloud_url: str

    def __post_init__(self) -> None:
        from sandbox.controls import Controls

        self.controls = Controls(self.kibana_url)

    def reset(self, latency: float) -> None:
        self.controls.reset()
        for space in decl.SPACES:
            self.controls.seed_space(space)
        self.controls.latency(latency)
        self.controls.clear_requests()


@contextmanager
def in_process_sandbox() -> Iterator[SandboxHandle]:
    from sandbox.server import Sandbox

    try:
        sb = Sandbox(controls=True, invite_rate_limit=1_000_000)
    except TypeError:  # a sandbox without that knob
        sb = Sandbox(controls=True)
    with sb:
        yield SandboxHandle(sb.kibana_url, sb.cloud_url)


# ---------------------------------------------------------------- tools


class Tool(Protocol):
    """One tool under measurement. ``prepare`` starts from an empty sandbox with the inputs for
    N; each operation returns ``(ok, note)``; ``close`` cleans up."""

    name: str

    def prepare(self, n: int, sandbox: SandboxHandle) -> None: ...

    def create(self) -> tuple[bool, str]: ...

    def noop(self) -> tuple[bool, str]: ...

    def refresh(self) -> tuple[bool, str]: ...

    def change(self) -> tuple[bool, str]: ...


class TerraformPeers:
    """Terraform 1.5.7 with elasticstack (N roles) and ec (N members) in one root."""

    name = "terraform"

    def __init__(self, bin_dir: Path = PEERS_BIN, parallelism: int | None = None) -> None:
        self.bin_dir = bin_dir
        self.parallelism = parallelism
        self.tf: Terraform | None = None
        self.n = 0

    def prepare(self, n: int, sandbox: SandboxHandle) -> None:
        folder = WORK / str(n) / "terraform"
        shutil.rmtree(folder, ignore_errors=True)
        decl.write_terraform(folder, n)
        self.n = n
        self.tf = Terraform(
            folder,
            {
                "kibana_url": sandbox.kibana_url,
                "kibana_api_key": API_KEY,
                "cloud_url": sandbox.cloud_url,
                "cloud_api_key": API_KEY,
            },
            bin_dir=self.bin_dir,
            parallelism=self.parallelism,
        )

    def _done(self, run: Any, expect: tuple[int, ...] = (0,)) -> tuple[bool, str]:
        ok = run.returncode in expect
        return ok, "" if ok else run.tail(6).replace("\n", " | ")

    def create(self) -> tuple[bool, str]:
        assert self.tf is not None
        return self._done(self.tf.apply())

    def noop(self) -> tuple[bool, str]:
        assert self.tf is not None
        run = self.tf.apply()
        ok, note = self._done(run)
        if ok and "No changes." not in run.stdout:
            return False, "the no-op apply changed something"
        return ok, note

    def refresh(self) -> tuple[bool, str]:
        assert self.tf is not None
        return self._done(self.tf.plan_refresh_only())  # exit 0: nothing drifted

    def change(self) -> tuple[bool, str]:
        assert self.tf is not None
        (self.tf.workdir / "roles.tf").write_text(decl.roles_tf(self.n, changed=True))
        (self.tf.workdir / "members.tf").write_text(decl.members_tf(self.n, changed=True))
        return self._done(self.tf.apply())


def ours() -> Tool | None:
    """Our side: the lead wires the real Pulumi engine here. Return a :class:`Tool` that, for
    N, writes ``decl.stack_document(n, kibana_url, cloud_url)`` as a stack file and runs
    ``pulumi up`` (create, then no-op), ``pulumi refresh`` and ``pulumi up`` after
    ``decl.stack_document(n, ..., changed=True)``. ``None`` leaves our columns empty."""
    return None


# ---------------------------------------------------------------- measuring


@dataclass
class Measure:
    tool: str
    n: int
    op: str
    ok: bool
    seconds: float
    requests: dict[str, int] = field(default_factory=dict)  # by method
    by_service: dict[str, dict[str, int]] = field(default_factory=dict)
    refused: int = 0  # non-2xx answers (and dropped connections)
    note: str = ""

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def tally(log: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, dict[str, int]], int]:
    by_method = Counter(e["method"] for e in log)
    by_service: dict[str, Counter[str]] = {}
    for e in log:
        by_service.setdefault(e.get("service", "?"), Counter())[e["method"]] += 1
    refused = sum(1 for e in log if not (e.get("status") and 200 <= e["status"] < 300))
    return dict(by_method), {k: dict(v) for k, v in by_service.items()}, refused


def measure(tool: Tool, n: int, sandbox: SandboxHandle, latency: float) -> list[Measure]:
    sandbox.reset(latency)
    tool.prepare(n, sandbox)
    out = []
    for op in OPERATIONS:
        sandbox.controls.clear_requests()
        started = time.perf_counter()
        ok, note = getattr(tool, op)()
        seconds = time.perf_counter() - started
        by_method, by_service, refused = tally(sandbox.controls.requests())
        out.append(Measure(tool.name, n, op, ok, seconds, by_method, by_service, refused, note))
        print(f"  {tool.name:9} N={n:<4} {op:8} {'ok ' if ok else 'ERR'} {seconds:8.2f} s "
              f"{sum(by_method.values()):6} requests {by_method}" + (f"  {note}" if note else ""),
              flush=True)  # fmt: skip
        if not ok and op == "create":
            break
    return out


def _methods(m: Measure | None) -> str:
    if m is None:
        return "-"
    order = ("GET", "PUT", "POST", "DELETE")
    parts = [f"{k} {m.requests[k]}" for k in order if m.requests.get(k)]
    parts += [f"{k} {v}" for k, v in m.requests.items() if k not in order]
    return ", ".join(parts) or "none"


def table(results: list[Measure]) -> str:
    """Markdown: one row per N and operation; time and requests per tool, ratio peer ÷ ours."""
    index = {(m.tool, m.n, m.op): m for m in results}
    sizes = sorted({m.n for m in results})
    lines = [
        "| N | operation | Terraform (s) | Terraform requests | ours (s) | ours requests "
        "| time ratio | request ratio |",
        "|---:|---|---:|---|---:|---|---:|---:|",
    ]
    for n in sizes:
        for op in OPERATIONS:
            peer, us = index.get(("terraform", n, op)), index.get(("ours", n, op))
            if peer is None and us is None:
                continue

            def secs(m: Measure | None) -> str:
                if m is None:
                    return "-"
                return f"{m.seconds:.2f}" + ("" if m.ok else " (failed)")

            t_ratio = r_ratio = "-"
            if peer and us and us.seconds > 0:
                t_ratio = f"{peer.seconds / us.seconds:.1f}"
            if peer and us and us.total > 0:
                r_ratio = f"{peer.total / us.total:.1f}"
            lines.append(
                f"| {n} | {op} | {secs(peer)} | {peer.total if peer else '-'} ({_methods(peer)}) "
                f"| {secs(us)} | {us.total if us else '-'} ({_methods(us)}) "
                f"| {t_ratio} | {r_ratio} |"
            )
    return "\n".join(lines)


def run(sizes: list[int], sandbox: SandboxHandle, latency: float,
        tools: list[Tool]) -> list[Measure]:  # fmt: skip
    results: list[Measure] = []
    for n in sizes:
        for tool in tools:
            results += measure(tool, n, sandbox, latency)
    return results


def main(args: list[str], out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.driver")
    parser.add_argument("sizes", nargs="*", type=int, default=list(decl.SIZES))
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--sandbox", nargs=2, metavar=("KIBANA_URL", "CLOUD_URL"))
    parser.add_argument("--json", type=Path, default=WORK / "results.json")
    parser.add_argument("--parallelism", type=int, default=None)
    opts = parser.parse_args(args)
    lacking = missing()
    if lacking:
        out(f"peers benchmark skipped: {', '.join(lacking)} not in .peers/bin (run `make peers`)")
        return 0
    versions = {
        name: stamp(PEERS_BIN, name)
        for name in ("terraform", "terraform-provider-elasticstack", "terraform-provider-ec")
    }
    tools: list[Tool] = [TerraformPeers(parallelism=opts.parallelism)]
    us = ours()
    if us is not None:
        tools.append(us)
    if opts.sandbox:
        results = run(opts.sizes, SandboxHandle(*opts.sandbox), opts.latency, tools)
    else:
        with in_process_sandbox() as sb:
            results = run(opts.sizes, sb, opts.latency, tools)
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    opts.json.write_text(
        json.dumps(
            {"peers": versions, "latency": opts.latency, "results": [asdict(m) for m in results]},
            indent=1,
        )
    )
    out("")
    out(f"latency per sandbox request: {opts.latency * 1000:.0f} ms; peers:")
    for name, what in versions.items():
        out(f"  {name}: {what}")
    out(table(results))
    out(f"(all figures: {opts.json})")
    return 0 if all(m.ok for m in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
