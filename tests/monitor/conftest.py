"""The host build of the monitor's pure code (build/monitor/host/monitor-unit)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "build/monitor/host/monitor-unit"

RunUnit = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def monitor_unit() -> RunUnit:
    """Runs monitor-unit with the given arguments and returns the finished process."""
    if not UNIT.is_file():
        pytest.fail(f"{UNIT} is missing: run `make binaries` first")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(UNIT), *map(str, args)], capture_output=True, text=True,
                              check=False, timeout=30)
    return run
