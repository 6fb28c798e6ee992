"""The Makefile as a new user runs it, in a fresh clone of the repository (its committed HEAD),
with the CLI that `make pulumi-cli` finds: up, preview, the drift check, destroy, down, clean.
The tests share one clone and run in file order (the last one ends with `make clean`)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.engine import CLI_ROOT, ENGINE_TESTS, REPO

MAKE_TIMEOUT = 600  # seconds; the first `make` creates the virtualenv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    where = tmp_path_factory.mktemp("clone") / "elastic-access"
    subprocess.run(["git", "clone", "-q", str(REPO), str(where)], check=True, timeout=120)
    yield where
    subprocess.run(["make", "down"], cwd=where, capture_output=True, timeout=60, check=False)


def run(
    clone: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    if {"up", "preview", "refresh", "destroy"} & set(args):
        ENGINE_TESTS.add(os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0])
    environ = {
        **os.environ,
        # The pinned CLI on PATH: `make pulumi-cli` links it instead of building it again.
        "PATH": f"{CLI_ROOT / 'bin'}{os.pathsep}{os.environ['PATH']}",
        **(env or {}),
    }
    return subprocess.run(
        ["make", *args],
        cwd=clone,
        env=environ,
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT,
        check=False,
    )


def git_status(clone: Path) -> str:
    result = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    )
    return result.stdout


def sandbox_running(clone: Path) -> bool:
    pid_file = clone / ".sandbox" / "pid"
    return pid_file.exists() and Path(f"/proc/{pid_file.read_text().strip()}").exists()


def test_a_port_in_use_stops_make_up_naming_it(clone: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(clone, "up", env={"SANDBOX_PORT": str(port), "SANDBOX_CLOUD_PORT": "0"})
    assert result.returncode != 0
    assert f"port {port} is in use by another program" in result.stderr
    suggested = re.search(r"make up SANDBOX_PORT=(\d+) SANDBOX_CLOUD_PORT=(\d+)", result.stderr)
    assert suggested is not None and str(port) not in suggested.groups()
    assert not sandbox_running(clone)


def test_a_failed_cli_install_stops_with_one_line_and_starts_nothing(
    clone: Path, tmp_path: Path
) -> None:
    """No pinned CLI on PATH, no Go, no download: one line, and no sandbox."""
    bare = tmp_path / "clone-without-cli"
    shutil.copytree(
        clone, bare, ignore=shutil.ignore_patterns(".pulumi", ".sandbox"), symlinks=True
    )
    go = shutil.which("go")
    path = os.pathsep.join(
        p
        for p in os.environ["PATH"].split(os.pathsep)
        if not (go and Path(p) == Path(go).parent) and not Path(p, "pulumi").exists()
    )
    result = subprocess.run(
        ["make", "up", "SANDBOX_PORT=0", "SANDBOX_CLOUD_PORT=0"],
        cwd=bare,
        env={
            **os.environ,
            "PATH": path,
            "https_proxy": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
        },
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT,
        check=False,
    )
    assert result.returncode != 0
    problems = [line for line in result.stderr.splitlines() if line.startswith("make pulumi-cli:")]
    assert len(problems) == 1, result.stderr
    assert "install it" in problems[0]
    assert not sandbox_running(bare)


def test_make_up_preview_refresh_destroy_down_clean(clone: Path, tmp_path: Path) -> None:
    ports = {"SANDBOX_PORT": str(free_port()), "SANDBOX_CLOUD_PORT": str(free_port())}
    elsewhere = tmp_path / "company-backend"
    elsewhere.mkdir()
    # A company backend and passphrase in the environment must not be used by the local stack.
    company = {
        **ports,
        "PULUMI_BACKEND_URL": f"file://{elsewhere}",
        "PULUMI_CONFIG_PASSPHRASE": "company-passphrase",
        "KIBANA_API_KEY": "a-real-kibana-key",
    }

    up = run(clone, "up", env=company)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "29 created" in up.stdout  # 18 roles, 4 members, 3 spaces, the stack and 3 components
    assert "warning" not in up.stdout + up.stderr
    assert list(elsewhere.iterdir()) == []
    assert (clone / ".pulumi-state" / ".pulumi" / "stacks").exists()

    for target in ("preview", "refresh"):
        result = run(clone, target, env=company)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "29 unchanged" in result.stdout
    assert git_status(clone) == ""

    again = run(clone, "up", env=ports)
    assert again.returncode == 0 and "29 unchanged" in again.stdout, again.stderr
    assert "sandbox already running" in again.stdout

    assert run(clone, "down", env=ports).returncode == 0
    assert not sandbox_running(clone)
    after_down = run(clone, "up", env=ports)  # the sandbox restarts from its saved state
    assert after_down.returncode == 0 and "29 unchanged" in after_down.stdout, after_down.stderr

    destroy = run(clone, "destroy", env=ports)
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert "29 deleted" in destroy.stdout
    # soc and observability have no allowDelete: left in the sandbox, with the reason.
    assert "warning: space soc was left in the Kibana at" in destroy.stdout
    assert "warning: space analytics" not in destroy.stdout
    assert git_status(clone) == ""

    clean = run(clone, "clean", env=ports)
    assert clean.returncode == 0, clean.stderr
    assert not sandbox_running(clone)
    assert not (clone / ".sandbox").exists()
    assert not (clone / ".pulumi-state").exists()
    assert git_status(clone) == ""
