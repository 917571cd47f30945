"""Shared helpers for the runtime's differential, error and fuzz tests.

Everything here runs programs as subprocesses: CPython (the reference) and
the hosted runtime `build/host/qpy`. Nothing is cached between runs, so a
rebuilt qpy is always what gets tested.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

RUNTIME_TESTS = Path(__file__).resolve().parent
REPO = RUNTIME_TESTS.parents[1]
CASES_DIR = RUNTIME_TESTS / "cases"
KNOWN_FAILURES = RUNTIME_TESTS / "known_failures.txt"
# QUESTV_QPY / QUESTV_QPY_ASAN point the tests at another build (or, to check
# the tests themselves, at an interpreter that is known to be right).
QPY = Path(os.environ.get("QUESTV_QPY", REPO / "build" / "host" / "qpy"))
QPY_ASAN = Path(os.environ.get("QUESTV_QPY_ASAN", REPO / "build" / "host" / "qpy-asan"))

# Per program and interpreter; the cases are small, so hitting this means a hang.
CASE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Outcome:
    """What one interpreter did with one program."""

    returncode: int | None  # None when it was killed by the time limit
    stdout: bytes
    stderr: bytes

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def child_env() -> dict[str, str]:
    """The environment both interpreters run in: UTF-8 I/O, no bytecode files."""
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


def run(argv: list[str], *, timeout: float = CASE_TIMEOUT, cwd: Path | None = None,
        stdin: bytes | None = None, env: dict[str, str] | None = None) -> Outcome:
    """Runs argv and returns its outcome; a hang is killed and reported, not raised."""
    try:
        proc = subprocess.run(argv, check=False, input=stdin if stdin is not None else b"",
                              capture_output=True, timeout=timeout, cwd=cwd,
                              env=env if env is not None else child_env())
    except subprocess.TimeoutExpired as exc:
        return Outcome(None, exc.stdout or b"", exc.stderr or b"")
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def case_names() -> list[str]:
    """The case programs; files starting with '_' are helper modules they import."""
    return sorted(p.stem for p in CASES_DIR.glob("*.py") if not p.name.startswith("_"))


def case_path(name: str) -> Path:
    return CASES_DIR / f"{name}.py"


def run_in_place(argv0: str, name: str, env: dict[str, str] | None = None) -> Outcome:
    """Runs a case from the cases directory; a case named files_* (which
    writes files) runs in a fresh empty directory of its own instead."""
    if not name.startswith("files_"):
        return run([argv0, case_path(name).name], cwd=CASES_DIR, env=env)
    with tempfile.TemporaryDirectory(prefix="qpy-case-") as work:
        return run([argv0, str(case_path(name))], cwd=Path(work), env=env)


def run_cpython(name: str, env: dict[str, str] | None = None) -> Outcome:
    return run_in_place(sys.executable, name, env)


def run_qpy(name: str) -> Outcome:
    return run_in_place(str(QPY), name)


def load_known_failures(path: Path = KNOWN_FAILURES) -> dict[str, str]:
    """Reads `name reason...` lines; '#' starts a comment line."""
    known: dict[str, str] = {}
    if not path.exists():
        return known
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if name in known:
            raise ValueError(f"{path.name}:{lineno}: {name} listed twice")
        known[name] = reason.strip() or "no reason given"
    return known


def describe_mismatch(ref: Outcome, got: Outcome) -> str | None:
    """None when qpy matched CPython (stdout and exit status), else why not."""
    if got.timed_out:
        return f"qpy timed out after {CASE_TIMEOUT:.0f} s"
    if ref.timed_out:
        return "CPython timed out (the case itself is broken)"
    problems = []
    if got.returncode != ref.returncode:
        problems.append(f"exit status {got.returncode}, CPython {ref.returncode}")
    if got.stdout != ref.stdout:
        problems.append(first_difference(ref.stdout, got.stdout))
    if not problems:
        return None
    tail = last_line(got.stderr)
    if tail:
        problems.append(f"qpy stderr: {tail}")
    return "; ".join(problems)


def first_difference(want: bytes, got: bytes) -> str:
    want_lines = want.decode("utf-8", "replace").splitlines()
    got_lines = got.decode("utf-8", "replace").splitlines()
    for i, (w, g) in enumerate(zip(want_lines, got_lines), 1):
        if w != g:
            return f"stdout line {i}: expected {w[:80]!r}, got {g[:80]!r}"
    if len(want_lines) != len(got_lines):
        return f"stdout has {len(got_lines)} lines, CPython {len(want_lines)}"
    return "stdout differs in line endings or trailing text"


def last_line(data: bytes) -> str:
    lines = [ln for ln in data.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1].strip()[:120] if lines else ""
