"""The hosted build's command line (issue 3 item 5), compared with CPython's
where the two take the same arguments: a file with arguments, a program on
standard input, -c, sys.exit statuses, bad arguments, and the REPL on a
terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import pytest
from qpy_harness import QPY, run

ARGV_PROG = "import sys\nprint(sys.argv[1:], len(sys.argv))\n"


def qpy_bin() -> str:
    if not QPY.exists():
        pytest.fail(f"{QPY} is not built (make binaries)")
    return str(QPY)


def both(args: list[str], stdin: bytes | None = None, cwd: Path | None = None):
    return (run([qpy_bin(), *args], stdin=stdin, cwd=cwd),
            run([sys.executable, *args], stdin=stdin, cwd=cwd))


def test_file_with_arguments(tmp_path: Path) -> None:
    prog = tmp_path / "argv.py"
    prog.write_text(ARGV_PROG + "print(sys.argv[0].endswith('argv.py'))\n")
    got, want = both([str(prog), "one", "two words", "-x"])
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout) == \
        (0, b"['one', 'two words', '-x'] 4\nTrue\n")


@pytest.mark.parametrize("args", [
    ["-", "a", "b"],
    [],
])
def test_program_on_standard_input(args: list[str]) -> None:
    got, want = both(args, stdin=ARGV_PROG.encode() + b"print(sys.argv[0])\n")
    assert got.returncode == want.returncode == 0, got.stderr
    assert got.stdout == want.stdout


def test_dash_c_with_arguments() -> None:
    got, want = both(["-c", ARGV_PROG + "print(sys.argv[0])", "x", "y"])
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout == b"['x', 'y'] 3\n-c\n"


@pytest.mark.parametrize("code, status", [("sys.exit()", 0), ("sys.exit(0)", 0),
                                          ("sys.exit(3)", 3), ("sys.exit(None)", 0),
                                          ("sys.exit('bye')", 1), ("raise SystemExit(7)", 7),
                                          ("raise ValueError('x')", 1)])
def test_exit_status(code: str, status: int) -> None:
    got, want = both(["-c", "import sys\nprint('out')\n" + code])
    assert want.returncode == status
    assert (got.returncode, got.stdout) == (status, b"out\n"), got.stderr
    if code == "sys.exit('bye')":
        assert got.stderr == b"bye\n"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    got = run([qpy_bin(), str(tmp_path / "nope.py")])
    assert got.returncode == 2
    assert b"nope.py" in got.stderr and b"No such file" in got.stderr


@pytest.mark.parametrize("args", [["--heap", "banana", "-c", "pass"], ["--heap", "-c", "pass"],
                                  ["--no-such-option"]])
def test_bad_arguments_are_refused_with_usage(args: list[str]) -> None:
    got = run([qpy_bin(), *args])
    assert got.returncode == 2
    assert got.stdout == b""
    assert b"usage: qpy" in got.stderr or b"heap" in got.stderr, got.stderr


@pytest.mark.parametrize("size, fits", [("256k", False), ("4m", True), ("4194304", True)])
def test_heap_size_suffixes(size: str, fits: bool) -> None:
    got = run([qpy_bin(), "--heap", size, "-c", "b = bytearray(1000000)\nprint(len(b))"])
    if fits:
        assert (got.returncode, got.stdout) == (0, b"1000000\n"), got.stderr
    else:
        assert got.returncode == 1 and b"MemoryError" in got.stderr


class Terminal:
    """qpy (or CPython) on a pseudo-terminal, driven line by line."""

    def __init__(self, argv: list[str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the interpreter
            os.execv(argv[0], argv)

    def read_until(self, ending: bytes | tuple[bytes, ...], timeout: float = 5.0) -> bytes:
        buf = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end and not buf.endswith(ending):
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
        return buf

    def send(self, line: str) -> bytes:
        os.write(self.fd, line.encode() + b"\n")
        return self.read_until((b">>> ", b"... "))

    def close(self) -> int:
        os.write(self.fd, b"\x04")
        self.read_until(b"\x00", timeout=2)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        raise AssertionError("the REPL did not exit on Ctrl-D")


def repl_transcript(argv: list[str], lines: list[str]) -> tuple[list[str], int]:
    term = Terminal(argv)
    try:
        assert term.read_until(b">>> ").endswith(b">>> ")
        replies = [term.send(line).decode("utf-8", "replace").replace("\r\n", "\n")
                   for line in lines]
    finally:
        status = term.close()
    return replies, status


def test_repl_evaluates_and_prints_results() -> None:
    lines = ["x = 6 * 7", "x", "'text'", "[x, None]", "None", "1/0", "print('done')"]
    got, status = repl_transcript([qpy_bin()], lines)
    assert status == 0
    assert got[0] == "x = 6 * 7\n>>> "
    assert got[1] == "x\n42\n>>> "
    assert got[2] == "'text'\n'text'\n>>> "
    assert got[3] == "[x, None]\n[42, None]\n>>> "
    assert got[4] == "None\n>>> "
    assert got[5].startswith("1/0\nTraceback (most recent call last):\n")
    assert "ZeroDivisionError: division by zero\n>>> " in got[5]
    assert got[6] == "print('done')\ndone\n>>> "


def test_repl_continuation_lines_like_cpython() -> None:
    lines = ["def f():", "    x = 20", "    return x + 1", "", "f()",
             "for i in range(2):", "    print(i)", "",
             "d = {'a:': 1}", "d", "if 1:  # a comment: after the colon", "    print('one')", "",
             "@staticmethod", "def g(): pass", "", "type(g).__name__"]
    got, status = repl_transcript([qpy_bin()], lines)
    want, _ = repl_transcript([sys.executable, "-q"], lines)
    assert status == 0
    # Joined: how the terminal splits the echo into reads is not the REPL's.
    assert "".join(got) == "".join(want)


def test_mem_stats_reports_peak_heap_and_collections() -> None:
    prog = "import gc\nx = [bytes(1000) for i in range(2000)]\ndel x\ngc.collect()\nprint('ok')\n"
    got = run([qpy_bin(), "--mem-stats", "--heap", "8m", "-c", prog])
    assert got.returncode == 0, got.stderr
    assert got.stdout == b"ok\n"
    # "peak heap=N" is what benchmarks/runtime/bench.py looks for
    m = re.fullmatch(rb"qpy-mem: peak heap=(\d+) used=(\d+) heap=(\d+) collections=(\d+) max_pause_us=(\d+)\n",
                     got.stderr)
    assert m, got.stderr
    peak, used, heap, collections = (int(v) for v in m.groups()[:4])
    # 2000 live kilobyte blocks were reached before they were dropped
    assert 2_000_000 <= peak <= heap <= 8 << 20
    assert used < peak
    assert collections >= 1
    # without the flag nothing extra is written
    assert run([qpy_bin(), "-c", "print(1)"]).stderr == b""
