"""Runtime benchmarks: each program in programs/ under build/host/qpy and CPython.

For every program: best-of-N wall time of each interpreter (process start
included, the same for both), their ratio qpy/CPython, whether the outputs
match, and qpy's peak heap when qpy reports it. Then the geometric mean of
the ratios over the programs whose output matched. Peak heap comes from
`qpy --mem-stats` when qpy has that flag, else from `micropython.mem_info()`
appended to the program for one extra run. A program whose qpy
output differs (or that qpy cannot run) gets no ratio: a time for a wrong
answer is not a speed.

Also the start-up time of `qpy -c pass` and `python -c pass` (best of 20).

Options (ctx.options): `repeat` (N, default 3), `programs` (list of names).
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
TIMEOUT = 120.0
# With --mem-stats (when this qpy has it) qpy ends with "peak heap: N" on stderr.
PEAK_RE = re.compile(rb"peak heap[:=\s]+(\d+)")


class Timing(NamedTuple):
    best: float | None
    stdout: bytes
    error: str | None
    peak_heap: int | None = None


def program_names(only: list[str] | None = None) -> list[str]:
    names = sorted(p.stem for p in PROGRAMS.glob("*.py"))
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise ValueError(f"no such runtime benchmark program: {', '.join(unknown)}")
        names = [n for n in names if n in only]
    return names


def time_program(argv: list[str], repeat: int) -> Timing:
    """Best wall time of `repeat` runs; every run must succeed with the same output."""
    best: float | None = None
    out: bytes | None = None
    peak: int | None = None
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, cwd=PROGRAMS,
                                  env=env, check=False)
        except subprocess.TimeoutExpired:
            return Timing(None, b"", f"timed out after {TIMEOUT:.0f} s")
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            return Timing(None, proc.stdout, f"exit {proc.returncode}: {tail[0][:100]}")
        if out is not None and proc.stdout != out:
            return Timing(None, proc.stdout, "output differs between runs")
        out = proc.stdout
        m = PEAK_RE.search(proc.stderr)
        if m:
            peak = max(peak or 0, int(m.group(1)))
        best = elapsed if best is None else min(best, elapsed)
    return Timing(best, out or b"", None, peak)


def qpy_mem_flag(qpy: Path) -> list[str]:
    """['--mem-stats'] when this qpy documents the flag in --help, else []."""
    try:
        helptext = subprocess.run([str(qpy), "--help"], capture_output=True, timeout=10,
                                  check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return ["--mem-stats"] if b"--mem-stats" in helptext.stdout + helptext.stderr else []


def geometric_mean(values: list[float]) -> float:
    if not values:
        raise ValueError("geometric mean of no values")
    return math.exp(sum(math.log(v) for v in values) / len(values))


def result(name: str, value: float, unit: str, note: str = "") -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "note": note}


def measure(name: str, qpy: Path, mem_flag: list[str], repeat: int) -> tuple[list[dict], float | None]:
    script = f"{name}.py"
    ref = time_program([sys.executable, script], repeat)
    if ref.error or ref.best is None:
        raise RuntimeError(f"{name}: CPython failed: {ref.error}")
    got = time_program([str(qpy), *mem_flag, script], repeat)
    rows = [result(f"{name} cpython", round(ref.best, 4), "s", f"best of {repeat}")]
    if got.error or got.best is None:
        rows.append(result(f"{name} qpy", 0, "s", f"qpy failed: {got.error}"))
        return rows, None
    if got.stdout != ref.stdout:
        rows.append(result(f"{name} qpy", round(got.best, 4), "s",
                           "OUTPUT DIFFERS from CPython; no ratio"))
        return rows, None
    ratio = got.best / ref.best
    rows.append(result(f"{name} qpy", round(got.best, 4), "s", f"best of {repeat}, output matches"))
    rows.append(result(f"{name} ratio", round(ratio, 3), "x", "qpy time / CPython time"))
    peak, how = got.peak_heap, "qpy --mem-stats"
    if peak is None:
        peak, how = peak_from_mem_info(qpy, name), "micropython.mem_info() at exit"
    if peak is not None:
        rows.append(result(f"{name} peak heap", peak, "bytes", how))
    return rows, ratio


def peak_from_mem_info(qpy: Path, name: str) -> int | None:
    """Peak heap of one run, read from micropython.mem_info() appended to the program."""
    src = (PROGRAMS / f"{name}.py").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="qpy-peak-") as tmp:
        probe = Path(tmp) / f"{name}.py"
        probe.write_text(src + "\nimport micropython\nmicropython.mem_info()\n", encoding="utf-8")
        proc = subprocess.run([str(qpy), str(probe)], capture_output=True, timeout=TIMEOUT,
                              cwd=PROGRAMS, check=False)
    m = re.search(rb"peak=(\d+)", proc.stdout)
    return int(m.group(1)) if proc.returncode == 0 and m else None


def startup(argv: list[str], runs: int = 20) -> float:
    """Best wall time of `argv -c pass`: process start, interpreter set-up, exit."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*argv, "-c", "pass"], capture_output=True, timeout=30, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def run(ctx: Any) -> list[dict[str, Any]]:
    """The plugin entry point for benchmarks/run.py."""
    options = getattr(ctx, "options", {}) or {}
    build_dir = Path(getattr(ctx, "build_dir", HERE.parents[1] / "build"))
    qpy = build_dir / "host" / "qpy"
    if not qpy.exists():
        raise RuntimeError(f"{qpy} is not built (make binaries)")
    repeat = int(options.get("repeat", 3))
    mem_flag = qpy_mem_flag(qpy)
    rows: list[dict[str, Any]] = []
    ratios: list[float] = []
    names = program_names(options.get("programs"))
    for name in names:
        prog_rows, ratio = measure(name, qpy, mem_flag, repeat)
        rows.extend(prog_rows)
        if ratio is not None:
            ratios.append(ratio)
    if ratios:
        rows.append(result("geometric mean ratio", round(geometric_mean(ratios), 3), "x",
                           f"over {len(ratios)} of {len(names)} programs whose output matched;"
                           " goal <= 1.5"))
    else:
        rows.append(result("programs matching CPython", 0, "count",
                           f"qpy ran none of the {len(names)} programs correctly; no mean"))
    rows.append(result("startup qpy -c pass", round(startup([str(qpy)]) * 1000, 2), "ms",
                       "best of 20; goal about 1 ms"))
    rows.append(result("startup cpython -c pass", round(startup([sys.executable]) * 1000, 2),
                       "ms", "best of 20"))
    return rows


if __name__ == "__main__":
    from types import SimpleNamespace

    for row in run(SimpleNamespace(options={}, build_dir=HERE.parents[1] / "build")):
        print(f"{row['name']:32} {row['value']!s:>12} {row['unit']:6} {row['note']}")
