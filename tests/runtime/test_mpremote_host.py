"""The real mpremote (from PyPI, in .venv) drives the sandbox REPL and RAM
filesystem served by build/host/qpy-board on a pty, unchanged: exec, eval,
run, fs cp/ls/cat/rm/mkdir, importing an uploaded module, and the soft reset
mpremote does on entry (and `resume`, which skips it). One board serves the
whole module, as one sandbox serves many mpremote sessions."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOARD = Path(os.environ.get("QUESTV_QPY_BOARD", REPO / "build" / "host" / "qpy-board"))
MPREMOTE = Path(sys.executable).parent / "mpremote"


@pytest.fixture(scope="module")
def pty():
    if not BOARD.exists():
        pytest.fail(f"{BOARD} missing: run make binaries")
    if not MPREMOTE.exists():
        pytest.fail(f"{MPREMOTE} missing: install the test extras (pip install -e .[test])")
    p = subprocess.Popen(
        [str(BOARD), "--pty", "--fs-kib", "256", "--heap", "8m"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line.startswith("pty: /dev/"), line
        yield line.split(" ", 1)[1].strip()
        assert p.poll() is None, "qpy-board died"
    finally:
        p.kill()
        p.wait()


def mpremote(pty: str, *args: str, ok: bool = True) -> str:
    r = subprocess.run(
        [str(MPREMOTE), "connect", pty, *args],
        check=False, capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")},
    )
    out = r.stdout + r.stderr
    if ok:
        assert r.returncode == 0, f"mpremote {args} failed ({r.returncode}):\n{out}"
    else:
        assert r.returncode != 0, f"mpremote {args} should have failed:\n{out}"
    return out


def test_exec_and_eval(pty: str) -> None:
    out = mpremote(pty, "exec", "print('hello from the board', 6 * 7)")
    assert out.splitlines() == ["hello from the board 42"]
    out = mpremote(pty, "eval", "[i * i for i in range(5)]")
    assert out.strip() == "[0, 1, 4, 9, 16]"
    # an exception comes back as mpremote's error, with the traceback
    out = mpremote(pty, "exec", "x = 1\nraise ValueError('from the board')", ok=False)
    assert "ValueError: from the board" in out


def test_run_file(pty: str, tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        + "".join(f"# padding line {i} so the program spans several raw-paste windows\n"
                  for i in range(60))
        + "for i in range(3):\n    print('fib', i * 10, fib(i * 10))\n"
    )
    assert script.stat().st_size > 2048
    out = mpremote(pty, "run", str(script))
    assert out.splitlines() == ["fib 0 0", "fib 10 55", "fib 20 6765"]


def test_fs_round_trip_and_import(pty: str, tmp_path: Path) -> None:
    src = tmp_path / "uploaded.py"
    body = "".join(f"# line {i}: some text to make this file longer than one chunk\n"
                   for i in range(40))
    body += "def answer():\n    return 42\nNAME = 'uploaded'\n"
    src.write_text(body)
    mpremote(pty, "fs", "cp", str(src), ":")
    listing = mpremote(pty, "fs", "ls")
    assert f"{len(body.encode())} uploaded.py" in " ".join(listing.split()), listing
    out = mpremote(pty, "fs", "cat", "uploaded.py")
    assert out.replace("\r\n", "\n").endswith(body), out[-200:]
    out = mpremote(pty, "exec", "import uploaded; print(uploaded.answer(), uploaded.NAME)")
    assert out.strip() == "42 uploaded"
    # os.stat on the board: a regular file, its size, an mtime from the clock
    st = mpremote(pty, "exec", "import os; print(tuple(os.stat('uploaded.py')))")
    fields = [int(v) for v in st.strip("()\n ").split(", ")]
    mode, size, mtime = fields[0], fields[6], fields[8]
    assert mode == 0x8000 | 0o644 and size == len(body.encode())
    assert abs(mtime - time.time()) < 120
    # the file read back byte for byte (mpremote's own read path)
    back = tmp_path / "back.py"
    mpremote(pty, "fs", "cp", ":uploaded.py", str(back))
    assert back.read_text() == body
    # a package in /lib is importable too
    pkg = tmp_path / "helper.py"
    pkg.write_text("def twice(x):\n    return 2 * x\n")
    mpremote(pty, "fs", "mkdir", "lib")
    mpremote(pty, "fs", "cp", str(pkg), ":lib/helper.py")
    out = mpremote(pty, "exec", "import helper; print(helper.twice(21), helper.__file__)")
    assert out.strip() == "42 /lib/helper.py"
    # remove: gone from the listing and no longer importable
    mpremote(pty, "fs", "rm", "uploaded.py")
    listing = mpremote(pty, "fs", "ls")
    assert "uploaded.py" not in listing
    out = mpremote(pty, "exec", "import uploaded", ok=False)
    assert "No module named 'uploaded'" in out
    # errors map to the right OSError on the host side
    out = mpremote(pty, "fs", "cat", "missing.txt", ok=False)
    assert "No such file" in out or "ENOENT" in out or "Errno 2" in out, out
    mpremote(pty, "fs", "rm", ":lib/helper.py")
    mpremote(pty, "fs", "rmdir", ":lib")
    assert "lib" not in mpremote(pty, "fs", "ls")


def test_soft_reset_on_entry_and_resume(pty: str) -> None:
    mpremote(pty, "exec", "leftover = 'still here'")
    # `resume` keeps the interpreter: the name is still defined
    out = mpremote(pty, "resume", "exec", "print(globals().get('leftover'))")
    assert out.strip() == "still here"
    # a plain session soft-resets first: nothing survives
    out = mpremote(pty, "exec", "print(globals().get('leftover'))")
    assert out.strip() == "None"


def test_several_commands_in_one_session(pty: str) -> None:
    out = mpremote(pty, "exec", "a = 20", "+", "exec", "b = 22", "+", "eval", "a + b")
    assert out.strip() == "42"
