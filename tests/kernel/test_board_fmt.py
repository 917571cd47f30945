"""The board's printf (kernel/lib/fmt.c, built for the host) against Python's %
formatting, for the conversions the monitor and kernel use."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "build/kernel/host/board-fmt"


def run(cases: list[tuple[str, str, int | str]]) -> list[tuple[str, int]]:
    if not HARNESS.is_file():
        pytest.fail(f"{HARNESS} is missing: run `make binaries` first")
    argv = [str(HARNESS)]
    for spec, kind, value in cases:
        argv += [spec, kind, str(value)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        text, _, n = line[1:].rpartition("|")
        rows.append((text, int(n)))
    return rows


def expected(spec: str, kind: str, value: int | str) -> str:
    py = spec.replace("l", "")
    if kind == "i" and py[-1] in "ux":
        value = int(value) & 0xFFFFFFFF  # an int passed to %u / %x is read unsigned
    return py % value


def test_conversions_match_python() -> None:
    rng = random.Random(7)
    cases: list[tuple[str, str, int | str]] = []
    for _ in range(300):
        conv = rng.choice("dux")
        width = rng.choice(["", "0", "5", "08", "12", "020"])
        if rng.random() < 0.5:
            kind, value = "l", rng.choice([0, 1, rng.getrandbits(64), rng.getrandbits(20)])
            if conv == "d":
                value -= 1 << 63 if value >= 1 << 63 else 0
        else:
            kind, value = "i", rng.randint(-(1 << 31), (1 << 31) - 1)
        cases.append((f"%{width}{'l' if kind == 'l' else ''}{conv}", kind, value))
    cases += [("%s", "s", "sandbox"), ("%10s", "s", "sb1"), ("%d", "i", -(1 << 31)),
              ("%ld", "l", -(1 << 63))]
    rows = run(cases)
    for (spec, kind, value), (got, n) in zip(cases, rows[:-1], strict=True):
        want = expected(spec, kind, value)
        assert (got, n) == (want, len(want)), (spec, value)


def test_output_is_truncated_but_the_full_length_is_returned() -> None:
    assert run([])[-1] == ("0123456", 10)
