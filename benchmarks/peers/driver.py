"""The side-by-side benchmark: the same declarations through the Terraform peers and through
elastic-access under the real Pulumi engine, on the same sandbox, measured in one run.

For each N (default 10 100 500) and each tool: **create** (from nothing), a **no-op** apply /
up, a **refresh** (``terraform plan -refresh-only`` / ``pulumi refresh``), and a **one-role
change** (one role and one member changed). Each operation records its wall time and the
requests the sandbox saw, by method (from its request log, ``/_sandbox/requests``), per service
(kibana / cloud), and how many were refused (non-2xx). Every sandbox request gets ``--latency``
seconds (20 ms by default, as issue 14 asks).

* The peers run as ONE Terraform root holding both providers (``elasticstack`` for the N roles,
  ``ec`` for the organization's N members), as our one stack holds both; Terraform's default
  parallelism (10).
* Our side (:class:`PulumiOurs`) is the project's program and providers under the CLI of
  ``make pulumi-cli`` (``tests/support/engine.EngineDeployment``), with the stack config of
  ``declarations.stack_document``; ``pulumi up`` previews and then updates, as the CLI does;
  the engine's default parallelism. Without the CLI our columns stay empty (one line says so).

Usage::

    python -m benchmarks.peers.driver [N ...] [--repeat R] [--latency 0.02] [--json FILE]
        [--sandbox KIBANA_URL CLOUD_URL]     # a running sandbox started with --controls

``--repeat R`` runs every (N, tool) R times, the tools taking turns, and the table shows the
median of each figure (the machine is shared: single runs are noisy). Without ``--sandbox`` it
runs one in-process sandbox with the invitation rate limit raised for both tools alike (the
sandbox's default of 10 invitations a minute stops ``ec_organization`` past 10 members: it does
not retry the 429); a running sandbox keeps its own limit (``--invite-rate-limit``).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
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
INVITE_LIMIT = 1_000_000  # invitations a minute, for both tools alike


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

    with Sandbox(controls=True, invite_rate_limit=INVITE_LIMIT) as sb:
        yield SandboxHandle(sb.kibana_url, sb.cloud_url)


# ---------------------------------------------------------------- tools


class Tool(Protocol):
    """One tool under measurement. ``prepare`` starts from an empty sandbox with the inputs for
    N; each operation returns ``(ok, note)``. A tool may have ``before_<operation>()`` (e.g.
    writing the changed declarations), run before the clock starts."""

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

    def before_change(self) -> None:
        assert self.tf is not None
        (self.tf.workdir / "roles.tf").write_text(decl.roles_tf(self.n, changed=True))
        (self.tf.workdir / "members.tf").write_text(decl.members_tf(self.n, changed=True))

    def change(self) -> tuple[bool, str]:
        assert self.tf is not None
        return self._done(self.tf.apply())


class PulumiOurs:
    """elastic-access through the real Pulumi engine (``tests/support/engine.EngineDeployment``:
    the CLI of ``make pulumi-cli``, a file backend, the project's own program and providers),
    with the stack config of :func:`declarations.stack_document`. ``pulumi up`` previews first
    and then updates, as the CLI does (``terraform apply`` plans first too); the refresh is
    ``pulumi refresh --yes``; the engine's default parallelism."""

    name = "ours"

    def __init__(self, parallel: int | None = None, env: dict[str, str] | None = None) -> None:
        self.parallel = parallel
        self.env = env or {}
        self.n = 0
        self.sandbox: SandboxHandle | None = None
        self.stack: Any = None

    def _config(self, changed: bool) -> dict[str, Any]:
        assert self.sandbox is not None
        document = decl.stack_document(
            self.n, self.sandbox.kibana_url, self.sandbox.cloud_url, changed=changed
        )
        prefix = "elastic-access:"
        return {k.removeprefix(prefix): v for k, v in document["config"].items()}

    def prepare(self, n: int, sandbox: SandboxHandle) -> None:
        from tests.support.engine import EngineDeployment

        folder = WORK / str(n) / "pulumi"
        shutil.rmtree(folder, ignore_errors=True)
        self.n, self.sandbox = n, sandbox
        self.stack = EngineDeployment(
            self._config(changed=False),
            folder,
            secrets={"kibanaApiKey": API_KEY, "cloudApiKey": API_KEY},
            parallel=self.parallel,
            stack="bench",
            env=self.env,
        )

    def _run(self, operation: Callable[[], Any], check: Callable[[Any], str]) -> tuple[bool, str]:
        try:
            plan = operation()
        except Exception as error:  # a failed run is a result of the table, not a crash
            return False, " | ".join(str(error).strip().splitlines()[-6:])
        problem = check(plan)
        return not problem, problem

    def create(self) -> tuple[bool, str]:
        expected = 2 * self.n + 2  # the roles, the members with the owner, the roster

        def check(plan: Any) -> str:
            created = [k for k, v in plan.changed().items() if v == "create"]
            return "" if len(created) == expected else f"created {len(created)} of {expected}"

        return self._run(self.stack.up, check)

    def noop(self) -> tuple[bool, str]:
        def check(plan: Any) -> str:
            return "" if not plan.changed() else f"the no-op up changed {plan.changed()}"

        return self._run(self.stack.up, check)

    def refresh(self) -> tuple[bool, str]:
        def check(plan: Any) -> str:
            return "" if not plan.changed() else f"the refresh found drift {plan.changed()}"

        return self._run(self.stack.refresh, check)

    def before_change(self) -> None:
        """The changed config, written as the e2e tests do (a new driver on the same folder:
        the stack, its backend and its secrets stay); not part of the measured time."""
        from tests.support.engine import EngineDeployment

        assert self.stack is not None
        self.stack = EngineDeployment(
            self._config(changed=True),
            self.stack.workdir,
            secrets={"kibanaApiKey": API_KEY, "cloudApiKey": API_KEY},
            parallel=self.parallel,
            stack="bench",
            env=self.env,
        )

    def change(self) -> tuple[bool, str]:
        wanted = {decl.role_name(0): "update", decl.member_email(0): "update"}

        def check(plan: Any) -> str:
            return "" if plan.changed() == wanted else f"changed {plan.changed()}"

        return self._run(self.stack.up, check)


def engine_version() -> str:
    """The Pulumi CLI's version (``pulumi version``), or why it is unknown."""
    import subprocess

    from tests.support.engine import CLI_ROOT

    try:
        done = subprocess.run(
            [str(CLI_ROOT / "bin" / "pulumi"), "version"],
            capture_output=True, text=True, timeout=60, check=True,
            env={"PULUMI_SKIP_UPDATE_CHECK": "true", "PATH": ""},
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as error:
        return f"pulumi CLI: version unknown ({error})"
    return f"elastic-access under the Pulumi CLI {done.stdout.strip()} (make pulumi-cli)"


SKIP_CHECKPOINTS = {"PULUMI_SKIP_CHECKPOINTS": "true"}


def ours(skip_checkpoints: bool = False) -> Tool | None:
    """Our side: elastic-access under the real Pulumi engine, or None (with a line saying why)
    when ``make pulumi-cli`` has not built the CLI. ``skip_checkpoints``: the engine saves the
    state once at the end instead of after every step (``PULUMI_SKIP_CHECKPOINTS``)."""
    from tests.support.engine import cli_missing

    why = cli_missing()
    if why is not None:
        print(f"our side skipped: {why} (run `make pulumi-cli`)", flush=True)
        return None
    return PulumiOurs(env=SKIP_CHECKPOINTS if skip_checkpoints else None)


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
    cpu: float | None = None  # CPU seconds of the tool's processes (user + system)

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def _children_cpu() -> float:
    """CPU seconds of every finished child process (and theirs, once waited for): the tool's
    own cost, which a shared machine's load does not inflate as it does wall time."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


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
        before = getattr(tool, f"before_{op}", None)
        if before is not None:
            before()  # writing the changed declarations is not part of the operation
        sandbox.controls.clear_requests()
        cpu = _children_cpu()
        started = time.perf_counter()
        ok, note = getattr(tool, op)()
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu
        by_method, by_service, refused = tally(sandbox.controls.requests())
        out.append(
            Measure(tool.name, n, op, ok, seconds, by_method, by_service, refused, note, cpu)
        )
        print(f"  {tool.name:9} N={n:<4} {op:8} {'ok ' if ok else 'ERR'} {seconds:8.2f} s "
              f"cpu {cpu:7.2f} s "
              f"{sum(by_method.values()):6} requests {by_method}" + (f"  {note}" if note else ""),
              flush=True)  # fmt: skip
        if not ok and op == "create":
            break
    return out


def _methods(m: Measure | Summary | None) -> str:
    if m is None:
        return "-"
    order = ("GET", "PUT", "POST", "DELETE")
    parts = [f"{k} {m.requests[k]}" for k in order if m.requests.get(k)]
    parts += [f"{k} {v}" for k, v in m.requests.items() if k not in order]
    return ", ".join(parts) or "none"


@dataclass
class Summary:
    """The runs of one (tool, N, operation): median time, median requests per method, the
    spread of the times; ``ok`` only when every run succeeded."""

    tool: str
    n: int
    op: str
    ok: bool
    seconds: float
    low: float
    high: float
    runs: int
    requests: dict[str, int]
    note: str = ""
    cpu: float | None = None

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def summarize(results: list[Measure]) -> list[Summary]:
    groups: dict[tuple[str, int, str], list[Measure]] = {}
    for m in results:
        groups.setdefault((m.tool, m.n, m.op), []).append(m)
    out = []
    for (tool, n, op), runs in groups.items():
        times = [m.seconds for m in runs]
        methods = sorted({k for m in runs for k in m.requests})
        requests = {
            k: round(statistics.median(m.requests.get(k, 0) for m in runs)) for k in methods
        }
        failed = [m for m in runs if not m.ok]
        cpus = [m.cpu for m in runs if m.cpu is not None]
        out.append(
            Summary(tool, n, op, not failed, statistics.median(times), min(times), max(times),
                    len(runs), requests, failed[0].note if failed else "",
                    statistics.median(cpus) if cpus else None)
        )  # fmt: skip
    return out


def table(results: list[Measure]) -> str:
    """Markdown: one row per N and operation; median time and requests per tool, and the ratio
    peer ÷ ours (above 1: we are faster, or send fewer requests). Failures are noted below."""
    summaries = summarize(results)
    index = {(m.tool, m.n, m.op): m for m in summaries}
    sizes = sorted({m.n for m in summaries})
    runs = max((m.runs for m in summaries), default=1)
    median = f"median of {runs} runs, " if runs > 1 else ""
    lines = [
        f"| N | operation | Terraform ({median}s) | Terraform requests | ours ({median}s) "
        "| ours requests | time ratio | request ratio |",
        "|---:|---|---:|---|---:|---|---:|---:|",
    ]
    failures: list[str] = []

    def secs(m: Summary | None) -> str:
        if m is None:
            return "-"
        if not m.ok:
            failures.append(f"{m.tool} N={m.n} {m.op}: {m.note}")
            return f"failed [{len(failures)}]"
        spread = f" ({m.low:.1f} to {m.high:.1f})" if m.runs > 1 else ""
        return f"{m.seconds:.2f}{spread}"

    def reqs(m: Summary | None) -> str:
        return "-" if m is None or not m.ok else f"{m.total} ({_methods(m)})"

    for n in sizes:
        for op in OPERATIONS:
            peer, us = index.get(("terraform", n, op)), index.get(("ours", n, op))
            if peer is None and us is None:
                continue
            t_ratio = r_ratio = "-"
            if peer and us and peer.ok and us.ok and us.seconds > 0:
                t_ratio = f"{peer.seconds / us.seconds:.2f}"
            if peer and us and peer.ok and us.ok and us.total > 0:
                r_ratio = f"{peer.total / us.total:.1f}"
            lines.append(
                f"| {n} | {op} | {secs(peer)} | {reqs(peer)} | {secs(us)} | {reqs(us)} "
                f"| {t_ratio} | {r_ratio} |"
            )
    lines += [""] + [f"[{i}] {text}" for i, text in enumerate(failures, 1)] if failures else []
    return "\n".join(lines)


def cpu_table(results: list[Measure]) -> str:
    """Markdown: the median CPU seconds each tool's processes used per operation (Terraform
    and its provider plugins; the Pulumi CLI, language host and dynamic providers)."""
    summaries = [m for m in summarize(results) if m.ok and m.cpu is not None]
    index = {(m.tool, m.n, m.op): m for m in summaries}
    lines = ["| N | " + " | ".join(OPERATIONS) + " |", "|---:|" + "---|" * len(OPERATIONS)]
    for n in sorted({m.n for m in summaries}):
        cells = []
        for op in OPERATIONS:
            peer, us = index.get(("terraform", n, op)), index.get(("ours", n, op))
            cells.append(
                f"{peer.cpu:.1f} / {us.cpu:.1f}" if peer and us and peer.cpu and us.cpu else
                (f"{peer.cpu:.1f} / -" if peer and peer.cpu is not None else "-")
            )  # fmt: skip
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load(files: list[Path]) -> list[Measure]:
    """The measures saved by earlier runs (``--json``), to table them together."""
    out = []
    for path in files:
        for item in json.loads(path.read_text())["results"]:
            out.append(Measure(**item))
    return out


def run(sizes: list[int], sandbox: SandboxHandle, latency: float, tools: list[Tool],
        repeat: int = 1) -> list[Measure]:  # fmt: skip
    """Every (N, tool) ``repeat`` times; the tools take turns, so both see the same noise."""
    results: list[Measure] = []
    for i in range(repeat):
        if repeat > 1:
            print(f"-- run {i + 1} of {repeat}", flush=True)
        for n in sizes:
            for tool in tools:
                results += measure(tool, n, sandbox, latency)
    return results


def main(args: list[str], out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.driver")
    parser.add_argument("sizes", nargs="*", type=int, default=list(decl.SIZES))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--sandbox", nargs=2, metavar=("KIBANA_URL", "CLOUD_URL"))
    parser.add_argument("--json", type=Path, default=WORK / "results.json")
    parser.add_argument("--parallelism", type=int, default=None)
    parser.add_argument("--peers-only", action="store_true", help="leave our side out")
    parser.add_argument(
        "--skip-checkpoints", action="store_true",
        help="our side with PULUMI_SKIP_CHECKPOINTS=true (state saved once, at the end)",
    )  # fmt: skip
    parser.add_argument(
        "--from-json", type=Path, nargs="+", metavar="FILE",
        help="measure nothing: table the runs saved in these files together",
    )  # fmt: skip
    opts = parser.parse_args(args)
    if opts.from_json:
        saved = load(opts.from_json)
        out(table(saved))
        out("\nCPU seconds, Terraform / ours (median):\n" + cpu_table(saved))
        return 0
    lacking = missing()
    if lacking:
        out(f"peers benchmark skipped: {', '.join(lacking)} not in .peers/bin (run `make peers`)")
        return 0
    versions = {
        name: stamp(PEERS_BIN, name)
        for name in ("terraform", "terraform-provider-elasticstack", "terraform-provider-ec")
    }
    tools: list[Tool] = [TerraformPeers(parallelism=opts.parallelism)]
    us = None if opts.peers_only else ours(opts.skip_checkpoints)
    if us is not None:
        tools.append(us)
        versions["ours"] = engine_version() + (
            ", PULUMI_SKIP_CHECKPOINTS=true" if opts.skip_checkpoints else ""
        )
    if opts.sandbox:
        results = run(opts.sizes, SandboxHandle(*opts.sandbox), opts.latency, tools, opts.repeat)
    else:
        with in_process_sandbox() as sb:
            results = run(opts.sizes, sb, opts.latency, tools, opts.repeat)
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    opts.json.write_text(
        json.dumps(
            {
                "peers": versions,
                "latency": opts.latency,
                "repeat": opts.repeat,
                "results": [asdict(m) for m in results],
            },
            indent=1,
        )
    )
    out("")
    out(f"latency per sandbox request: {opts.latency * 1000:.0f} ms; tools:")
    for name, what in versions.items():
        out(f"  {name}: {what}")
    out(table(results))
    out("\nCPU seconds, Terraform / ours (median):\n" + cpu_table(results))
    out(f"(all figures: {opts.json})")
    return 0 if all(m.ok for m in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
