"""The real mpremote (PyPI) drives a sandbox's REPL through its pty on the
framed console hub, unchanged: exec, eval, run, fs cp/ls/cat/rm, then the
uploaded module is imported (tests/system/system-python.toml, `pyboot`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SB = 2
TIMEOUT = 240


def mpremote(pyboot, *args: str) -> str:
    """Runs `mpremote connect PTY ARGS...`; returns its output, fails with it."""
    exe = Path(sys.executable).with_name("mpremote")
    cmd = [str(exe), "connect", pyboot.pty(SB), *args]
    p = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, f"{' '.join(args)}: status {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.stdout


def test_mpremote_exec_and_eval(pyboot) -> None:
    out = mpremote(pyboot, "exec", "import quest; print('on', quest.sandbox().id, 6 * 7)")
    assert out.split() == ["on", str(SB), "42"]
    out = mpremote(pyboot, "eval", "[x * x for x in range(5)]")
    assert out.strip() == "[0, 1, 4, 9, 16]"


def test_mpremote_run_a_file(pyboot, tmp_path) -> None:
    prog = tmp_path / "prog.py"
    prog.write_text("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
                    "print('fib', fib(15))\n")
    assert mpremote(pyboot, "run", str(prog)).split() == ["fib", "610"]


def test_mpremote_fs_roundtrip_and_import(pyboot, tmp_path) -> None:
    mod = tmp_path / "uploaded.py"
    body = "".join(f"# line {i} {'x' * 40}\n" for i in range(60))  # bigger than a frame
    mod.write_text(body + "def answer():\n    return 'uploaded ok'\n")
    mpremote(pyboot, "fs", "cp", str(mod), ":uploaded.py")
    listing = mpremote(pyboot, "fs", "ls")
    assert "uploaded.py" in listing
    size = next(int(line.split()[0]) for line in listing.splitlines()
                if line.strip().endswith("uploaded.py"))
    assert size == len(mod.read_bytes())
    assert mpremote(pyboot, "fs", "cat", ":uploaded.py") == mod.read_text()
    out = mpremote(pyboot, "exec", "import uploaded; print(uploaded.answer())")
    assert out.strip() == "uploaded ok"
    mpremote(pyboot, "fs", "rm", ":uploaded.py")
    assert "uploaded.py" not in mpremote(pyboot, "fs", "ls")
    out = mpremote(pyboot, "exec", "try:\n import uploaded\nexcept ImportError as e:\n"
                   " print(type(e).__name__)")
    assert out.strip() == "ModuleNotFoundError"
