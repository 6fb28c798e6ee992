"""Running the peers: Terraform 1.5.7 with the two providers from ``.peers/bin`` (``make peers``).

Terraform finds the providers through a CLI config of our own (``dev_overrides``), so ``plan``
and ``apply`` need no ``init`` and no registry. The environment of every run is hermetic: the
machine's ``TF_*``, ``KIBANA_*``, ``ELASTICSEARCH_*`` and ``EC_*`` variables are dropped
(``TF_CLI_CONFIG_FILE`` in particular, which points elsewhere on this machine), checkpoint
calls to HashiCorp are off, and credentials go in as ``TF_VAR_*``.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEERS_BIN = ROOT / ".peers" / "bin"
TERRAFORM = "terraform"
PROVIDERS = {
    "elastic/elasticstack": "terraform-provider-elasticstack",
    "elastic/ec": "terraform-provider-ec",
}
_DROPPED_PREFIXES = ("TF_", "KIBANA_", "ELASTICSEARCH_", "EC_", "CHECKPOINT_")
MISSING_HINT = "run `make peers`"


def missing(bin_dir: Path = PEERS_BIN) -> list[str]:
    """The peer binaries that ``bin_dir`` lacks (empty when all are built)."""
    names = [TERRAFORM, *PROVIDERS.values()]
    return [n for n in names if not os.access(bin_dir / n, os.X_OK)]


def stamp(bin_dir: Path, name: str) -> str:
    """What ``make peers`` recorded of a binary (``module@version`` and how it was made)."""
    path = bin_dir / f".{name}.stamp"
    return path.read_text().strip() if path.exists() else "unknown"


def cli_config(bin_dir: Path, path: Path) -> Path:
    """Write a Terraform CLI config that takes both providers from ``bin_dir``."""
    overrides = "\n".join(f'    "{source}" = "{bin_dir}"' for source in PROVIDERS)
    path.write_text(
        "provider_installation {\n  dev_overrides {\n"
        + overrides
        + "\n  }\n  direct {}\n}\n"
        + "disable_checkpoint = true\n"
    )
    return path


@dataclass
class Run:
    args: list[str]
    returncode: int
    seconds: float
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 25) -> str:
        text = (self.stdout + "\n" + self.stderr).strip().splitlines()
        return "\n".join(text[-lines:])


@dataclass
class Terraform:
    """One working folder (a Terraform root module) and the variables its runs get."""

    workdir: Path
    variables: dict[str, str] = field(default_factory=dict)
    bin_dir: Path = PEERS_BIN
    log_file: Path | None = None  # TF_LOG=DEBUG output of the providers, when set
    parallelism: int | None = None  # Terraform's default is 10

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
        config = cli_config(self.bin_dir, self.workdir / ".terraformrc")
        env.update(
            TF_CLI_CONFIG_FILE=str(config),
            CHECKPOINT_DISABLE="1",
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            # plan/apply keep their data (state, lock) in the working folder
            TF_DATA_DIR=str(self.workdir / ".terraform"),
        )
        if self.log_file is not None:
            env.update(TF_LOG="DEBUG", TF_LOG_PATH=str(self.log_file))
        for name, value in self.variables.items():
            env[f"TF_VAR_{name}"] = value
        return env

    def run(self, *args: str, timeout: float = 3600) -> Run:
        cmd = [str(self.bin_dir / TERRAFORM), *args]
        if args and args[0] in ("apply", "plan", "destroy") and self.parallelism is not None:
            cmd.append(f"-parallelism={self.parallelism}")
        if args and args[0] in ("apply", "plan", "destroy"):
            cmd.append("-no-color")
        started = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=self.workdir, env=self.env(), capture_output=True, text=True, timeout=timeout
        )
        return Run(
            list(args), proc.returncode, time.perf_counter() - started, proc.stdout, proc.stderr
        )

    # The operations of the benchmarks and the scenario.
    def apply(self) -> Run:
        return self.run("apply", "-auto-approve", "-input=false")

    def plan_refresh_only(self) -> Run:
        # -detailed-exitcode: 0 = no changes, 2 = the refresh found drift
        return self.run("plan", "-refresh-only", "-input=false", "-detailed-exitcode")

    def plan(self) -> Run:
        return self.run("plan", "-input=false", "-detailed-exitcode")

    def destroy(self) -> Run:
        return self.run("destroy", "-auto-approve", "-input=false")
