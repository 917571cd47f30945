"""The sandbox REPL (ports/repl) byte for byte over a pty served by
build/host/qpy-board: friendly mode, line editing, Ctrl-C, paste mode, raw
mode framing, raw-paste flow control and soft reset. The bytes expected are
MicroPython's (what mpremote's transport_serial.py waits for)."""

from __future__ import annotations

import os
import select
import subprocess
import termios
import time
import tty
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The sanitizer build: a memory error in the REPL kills the board, which
# the fixture reports.
BOARD = Path(os.environ.get("QUESTV_QPY_BOARD_ASAN", REPO / "build" / "host" / "qpy-board-asan"))
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"


class Pty:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd, termios.TCSANOW)  # TCSAFLUSH would drop the banner
        self.buf = b""

    def send(self, data: bytes) -> None:
        while data:
            n = os.write(self.fd, data)
            data = data[n:]

    def read_some(self, timeout: float) -> bytes:
        r, _, _ = select.select([self.fd], [], [], timeout)
        return os.read(self.fd, 65536) if r else b""

    def expect(self, pattern: bytes, timeout: float = 10.0) -> bytes:
        """Everything up to and including pattern (the rest stays buffered)."""
        end = time.monotonic() + timeout
        while pattern not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timeout waiting for {pattern!r}; got {self.buf!r}")
            self.buf += self.read_some(left)
        i = self.buf.index(pattern) + len(pattern)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n: int, timeout: float = 10.0) -> bytes:
        end = time.monotonic() + timeout
        while len(self.buf) < n:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timeout reading {n} bytes; got {self.buf!r}")
            self.buf += self.read_some(left)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def quiet(self, t: float = 0.2) -> bytes:
        """Whatever else arrives within t seconds (should usually be nothing)."""
        out = self.buf
        self.buf = b""
        while True:
            more = self.read_some(t)
            if not more:
                return out
            out += more

    def close(self) -> None:
        os.close(self.fd)


@pytest.fixture
def board():
    if not BOARD.exists():
        pytest.fail(f"{BOARD} missing: run make binaries")
    p = subprocess.Popen([str(BOARD), "--pty", "--heap", "8m"], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line.startswith("pty: /dev/"), line
        t = Pty(line.split(" ", 1)[1].strip())
        banner = t.expect(b">>> ")
        assert b"questv Python" in banner
        yield t
        t.close()
        assert p.poll() is None, "qpy-board died"
    finally:
        p.kill()
        p.wait()


def run_friendly(t: Pty, line: bytes) -> bytes:
    """Sends a line and returns what came between its echo and the next prompt."""
    t.send(line + b"\r")
    out = t.expect(b">>> ")
    echo = line + b"\r\n"
    assert out.startswith(echo), out
    return out[len(echo):-4]


def test_friendly_eval_and_statements(board: Pty) -> None:
    assert run_friendly(board, b"1+2") == b"3\r\n"
    assert run_friendly(board, b"x = 'a\\nb'") == b""
    assert run_friendly(board, b"print(x)") == b"a\r\nb\r\n"  # LF becomes CR LF
    assert run_friendly(board, b"x") == b"'a\\nb'\r\n"
    assert run_friendly(board, b"None") == b""
    out = run_friendly(board, b"1/0")
    assert out.startswith(b"Traceback (most recent call last):\r\n")
    assert out.endswith(b"ZeroDivisionError: division by zero\r\n")
    assert run_friendly(board, b"") == b""


def test_multiline_blocks(board: Pty) -> None:
    board.send(b"def f(n):\r")
    assert board.expect(b"... ") == b"def f(n):\r\n... "
    board.send(b"    if n:\r")
    board.expect(b"... ")
    board.send(b"        return n * 2\r")
    board.expect(b"... ")
    board.send(b"    return -1\r")
    board.expect(b"... ")
    board.send(b"\r")
    assert board.expect(b">>> ") == b"\r\n>>> "
    assert run_friendly(board, b"f(21), f(0)") == b"(42, -1)\r\n"
    # a bracket left open continues without waiting for a blank line
    board.send(b"[1,\r")
    board.expect(b"... ")
    board.send(b"2]\r")
    assert board.expect(b">>> ").endswith(b"2]\r\n[1, 2]\r\n>>> ")
    # a for loop runs at the blank line and prints each value
    board.send(b"for i in range(3):\r")
    board.expect(b"... ")
    board.send(b"  print(i)\r")
    board.expect(b"... ")
    board.send(b"\r")
    assert board.expect(b">>> ") == b"\r\n0\r\n1\r\n2\r\n>>> "


def test_line_editing_and_ctrl_c_at_prompt(board: Pty) -> None:
    # backspace and DEL remove the last character (echoed as BS SP BS)
    board.send(b"12\x7f3+1\x08\x08+2\r")
    out = board.expect(b">>> ")
    assert out.endswith(b"15\r\n>>> "), out  # "13+2"
    assert b"\x08 \x08" in out
    # Ctrl-C drops the line; Ctrl-C inside a block drops the block
    board.send(b"this is not python\x03")
    assert board.expect(b">>> ").endswith(b"\r\n>>> ")
    board.send(b"if True:\r")
    board.expect(b"... ")
    board.send(b"\x03")
    assert board.expect(b">>> ") == b"\r\n>>> "
    assert run_friendly(board, b"7") == b"7\r\n"
    # up arrow recalls the previous line
    board.send(b"\x1b[A")
    board.expect(b"7")
    board.send(b"\r")
    assert board.expect(b">>> ").endswith(b"7\r\n>>> ")
    # cursor keys: left, Home, End, Delete, with edits in the middle
    board.send(b"1+3\x1b[D\x7f*\x1b[H-\r")  # "1+3" -> "1*3" -> "-1*3"
    assert board.expect(b">>> ").endswith(b"\r\n-3\r\n>>> ")
    board.send(b"x9y\x1b[H\x1b[3~\x1b[F\x7f\r")  # delete x, backspace y
    assert board.expect(b">>> ").endswith(b"\r\n9\r\n>>> ")
    # a UTF-8 character inserted mid-line is echoed whole, then the tail
    board.send(b"len('')\x1b[D\x1b[D\xc3\xa9\r")
    out = board.expect(b">>> ")
    assert b"\xc3\xa9')" in out and out.endswith(b"\r\n1\r\n>>> "), out


def test_ctrl_c_interrupts_a_running_loop(board: Pty) -> None:
    board.send(b"n = 0\r")
    board.expect(b">>> ")
    board.send(b"while True: n += 1\r")
    board.expect(b"... ")
    board.send(b"\r")
    time.sleep(0.5)
    assert board.quiet(0.1) == b"\r\n"  # nothing printed while it runs
    board.send(b"\x03")
    out = board.expect(b">>> ", timeout=5)
    assert out.startswith(b"Traceback (most recent call last):\r\n"), out
    assert b"KeyboardInterrupt" in out
    # the REPL and its namespace survive
    out = run_friendly(board, b"n > 1000")
    assert out == b"True\r\n"
    # a Ctrl-C waiting at the prompt does not hit the next command
    board.send(b"\x03")
    board.expect(b">>> ")
    assert run_friendly(board, b"sum(range(100000))") == b"4999950000\r\n"


def test_input_reads_a_line(board: Pty) -> None:
    board.send(b"s = input('name? ')\r")
    board.expect(b"name? ")
    board.send(b"ab\x7fc\r")
    board.expect(b">>> ")
    assert run_friendly(board, b"s") == b"'ac'\r\n"
    # Ctrl-C at input() raises KeyboardInterrupt (at the next safe point)
    board.send(b"while True: input()\r\r")
    board.expect(b"\r\n... \r\n")
    board.send(b"\x03")
    assert b"KeyboardInterrupt" in board.expect(b">>> ")


def test_paste_mode(board: Pty) -> None:
    board.send(b"\x05")
    board.expect(b"paste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ")
    board.send(b"def g():\r    return 5\r\rprint(g() * 2)\r\x04")
    out = board.expect(b">>> ")
    assert out.endswith(b"\r\n10\r\n>>> "), out
    # Ctrl-C cancels a paste
    board.send(b"\x05")
    board.expect(b"=== ")
    board.send(b"print('never')\r\x03")
    out = board.expect(b">>> ")
    assert b"never\r\n" not in out.split(b"=== ")[-1]


def enter_raw(t: Pty) -> None:
    t.send(b"\r\x01")
    t.expect(RAW_BANNER + b">")


def test_raw_mode_framing(board: Pty) -> None:
    enter_raw(board)
    board.send(b"print(1)\nprint('two')\x04")
    # raw mode sends the program's bytes as they are: no CR added
    assert board.expect(b">") == b"OK1\ntwo\n\x04\x04>"
    board.send(b"print('a')\nraise ValueError('bad')\x04")
    out = board.expect(b"\x04>")
    assert out.startswith(b"OKa\n\x04Traceback (most recent call last):\n"), out
    assert out.endswith(b"ValueError: bad\n\x04>")
    # a syntax error is reported the same way
    board.send(b"def (\x04")
    out = board.expect(b"\x04>")
    assert out.startswith(b"OK\x04") and b"SyntaxError" in out
    # Ctrl-C while idle is harmless and drops a half-sent program
    board.send(b"\x03")
    board.send(b"print('half'\x03print(6)\x04")
    assert board.expect(b">") == b"OK6\n\x04\x04>"
    assert board.quiet() == b""
    # a program beyond the board's limit is refused whole, nothing runs
    board.send(b"print('too big')\n" + b"#" * 70000 + b"\n\x04")
    out = board.expect(b"\x04>", timeout=20)
    assert out.startswith(b"OK\x04MemoryError: program too long") and b"too big" not in out
    # Ctrl-A again restarts raw mode; Ctrl-B returns to friendly
    board.send(b"garbage\x01")
    assert board.expect(b">") == b"\r\n" + RAW_BANNER + b">"
    board.send(b"x = 3\x04")
    board.expect(b"\x04\x04>")
    board.send(b"\x02")
    out = board.expect(b">>> ")
    assert out.startswith(b"\r\nquestv Python")
    assert run_friendly(board, b"x") == b"3\r\n"  # same interpreter


def test_raw_mode_ctrl_c_during_execution(board: Pty) -> None:
    enter_raw(board)
    board.send(b"while True:\n    pass\n\x04")
    board.expect(b"OK")
    time.sleep(0.3)
    board.send(b"\x03")
    out = board.expect(b"\x04>", timeout=5)
    assert out.startswith(b"\x04Traceback"), out
    assert b"KeyboardInterrupt" in out
    board.send(b"print('alive')\x04")
    assert board.expect(b">") == b"OKalive\n\x04\x04>"


def raw_paste(t: Pty, program: bytes) -> tuple[bytes, int, int]:
    """Sends program in raw-paste mode obeying the board's window.
    Returns (the framed result up to the prompt, window, increments)."""
    t.send(b"\x05A\x01")
    assert t.read_exact(2) == b"R\x01"
    window = int.from_bytes(t.read_exact(2), "little")
    assert window >= 32
    remain, increments, i = window, 0, 0
    while i < len(program):
        if remain == 0:
            # the board must grant more room; nothing else may come
            assert t.read_exact(1) == b"\x01"
            remain += window
            increments += 1
        chunk = program[i:i + remain]
        t.send(chunk)
        i += len(chunk)
        remain -= len(chunk)
    t.send(b"\x04")
    # increments for the last window may still be in flight before the ack
    got = t.expect(b"\x04")
    increments += got.count(b"\x01")
    assert got.strip(b"\x01") == b"\x04", got
    return t.expect(b"\x04>"), window, increments


def test_raw_paste_with_flow_control(board: Pty) -> None:
    enter_raw(board)
    lines = [f"v{i} = {i} * 3  # padding to make the program long enough" for i in range(80)]
    lines.append("print(sum([{}]))".format(", ".join(f"v{i}" for i in range(80))))
    program = ("\n".join(lines) + "\n").encode()
    assert len(program) > 2048
    out, window, increments = raw_paste(board, program)
    assert out == b"%d\n\x04\x04>" % (3 * sum(range(80)))
    assert increments == len(program) // window
    # an exception in a pasted program is framed after the first 0x04
    out, _, _ = raw_paste(board, b"import nosuchmodule\n")
    assert out.startswith(b"\x04Traceback") and b"No module named" in out
    # a program beyond the board's limit is refused early; the REPL lives on
    t = board
    t.send(b"\x05A\x01")
    assert t.read_exact(2) == b"R\x01"
    window = int.from_bytes(t.read_exact(2), "little")
    big = b"#" * 200 + b"\n"
    sent, stopped = 0, False
    remain = window
    while not stopped and sent < 200_000:
        while remain == 0 or select.select([t.fd], [], [], 0)[0] or t.buf:
            b = t.read_exact(1)
            if b == b"\x01":
                remain += window
            else:
                assert b == b"\x04"
                stopped = True
                break
        if stopped:
            break
        chunk = (big * (window // len(big) + 1))[:remain]
        t.send(chunk)
        sent += len(chunk)
        remain -= len(chunk)
    assert stopped, "the board never ended the oversized paste"
    t.send(b"\x04")  # acknowledge, as mpremote does
    out = t.expect(b"\x04>")
    assert b"too long" in out
    t.send(b"print('still here')\x04")
    assert t.expect(b">") == b"OKstill here\n\x04\x04>"


def test_soft_reset_keeps_nothing(board: Pty) -> None:
    assert run_friendly(board, b"secret = 123") == b""
    assert run_friendly(board, b"import math") == b""
    board.send(b"\x04")
    out = board.expect(b">>> ")
    assert out.startswith(b"\r\nMPY: soft reboot\r\nquestv Python"), out
    out = run_friendly(board, b"secret")
    assert b"NameError" in out
    assert b"NameError" in run_friendly(board, b"math")
    # in raw mode an empty Ctrl-D soft-resets and stays raw (what mpremote does
    # on connect)
    enter_raw(board)
    board.send(b"again = 1\x04")
    board.expect(b"\x04\x04>")
    board.send(b"\x04")
    assert board.expect(b">") == b"OK\r\nMPY: soft reboot\r\n" + RAW_BANNER + b">"
    board.send(b"print('again' in globals())\x04")
    assert board.expect(b">") == b"OKFalse\n\x04\x04>"
    # sys.exit() ends the program and resets, like MicroPython
    board.send(b"import sys\nsys.exit()\x04")
    out = board.expect(RAW_BANNER + b">")
    assert out.startswith(b"OK\x04\x04MPY: soft reboot\r\n"), out


def test_soft_reset_closes_the_files_a_program_left_open(board: Pty) -> None:
    # The RAM fs outlives the interpreter and has 16 handles: files a program
    # left open must be closed when its interpreter goes, or a few soft resets
    # would exhaust them for every later program.
    for i in range(20):
        assert run_friendly(board, b"f = open('left%d', 'w'); f.write('x')" % i) == b"1\r\n"
        board.send(b"\x04")
        board.expect(b">>> ")
    out = run_friendly(board, b"import os; len([n for n in os.listdir() if n.startswith('left')])")
    assert out == b"20\r\n"
    # what was written before the reset is there (the close flushed it)
    assert run_friendly(board, b"open('left19').read()") == b"'x'\r\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_leave_the_repl_usable(board: Pty, seed: int) -> None:
    """Byte soup with every control byte the protocol knows (modes, paste,
    raw-paste, resets, escapes, broken UTF-8) must neither crash the board
    (the ASan build) nor wedge it: Ctrl-C and Ctrl-B always bring back a
    working friendly prompt."""
    import random

    rng = random.Random(seed)
    alphabet = (
        list(b"abcxyz019 ()[]:'\"#=+\r\n\t")
        + [0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x1b, 0x7f]
        + list(b"\x1b[A\x1b[D\x1b[3~")
        + [0xc3, 0xa9, 0xe2, 0x82, 0xff, 0x80]
    )
    for _ in range(60):
        chunk = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))
        if rng.random() < 0.05:
            chunk += b"\x05A\x01"  # try raw-paste now and then
        board.send(chunk)
        board.quiet(0.01)
    board.send(b"\x03\x03\x02\x03")
    board.quiet(0.3)
    board.send(b"\x03")
    board.expect(b">>> ")
    board.quiet(0.1)
    assert run_friendly(board, b"6*7") == b"42\r\n"


def test_stdio_mode_and_bad_arguments() -> None:
    """Without --pty the REPL serves stdin/stdout and ends with its input."""
    r = subprocess.run(
        [str(BOARD), "--fs-kib", "64"], input=b"x = 6\r\nx * 7\r\n\x01print(x)\x04",
        capture_output=True, timeout=30, check=False,
    )
    assert r.returncode == 0, r.stderr
    assert b">>> x * 7\r\n42\r\n>>> " in r.stdout
    assert r.stdout.endswith(b"OK6\n\x04\x04>")
    for args, msg in [(["--heap", "12"], b"bad heap size"), (["--fs-kib", "x"], b"bad --fs-kib"),
                      (["--what"], b"usage")]:
        r = subprocess.run([str(BOARD), *args], capture_output=True, timeout=30, check=False,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 2 and msg in r.stderr, (args, r.stderr)


def test_collector_stays_inside_the_stack() -> None:
    """Regression: qpy-board once told the collector its stack began 4 KiB
    above main's frame, past the top of the mapped stack when the
    environment is small; the first collection then crashed. With no
    environment and no address randomisation that is deterministic."""
    plain = BOARD.with_name("qpy-board")
    cmd = [str(plain), "--pty", "--heap", "64k"]
    if Path("/usr/bin/setarch").exists():
        cmd = ["/usr/bin/setarch", "-R", *cmd]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env={})
    try:
        assert p.stdout is not None
        t = Pty(p.stdout.readline().split(" ", 1)[1].strip())
        t.expect(b">>> ")
        t.send(b"for i in range(50000): x = [i] * 10\r\r")  # many collections in 64 KiB
        t.expect(b">>> ", timeout=30)
        assert run_friendly(t, b"print('survived', i)") == b"survived 49999\r\n"
        assert p.poll() is None
        t.close()
    finally:
        p.kill()
        p.wait()


def test_no_interpreter_is_reported_and_retried() -> None:
    """A board too small for the REPL's interpreter says so, refuses code
    with a clear error in both modes, and Ctrl-D tries again."""
    p = subprocess.Popen([str(BOARD), "--pty"], stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "QPY_BOARD_FAIL_INTERPS": "2"})
    try:
        assert p.stdout is not None
        t = Pty(p.stdout.readline().split(" ", 1)[1].strip())
        out = t.expect(b">>> ")
        assert out.startswith(b"REPL: no memory for an interpreter; Ctrl-D retries\r\n"), out
        assert b"RuntimeError: no interpreter" in run_friendly(t, b"1+1")
        enter_raw(t)
        t.send(b"print(1)\x04")
        out = t.expect(b"\x04>")
        assert out.startswith(b"OK\x04RuntimeError: no interpreter"), out
        t.send(b"\x04")  # soft reset: the second attempt fails too
        out = t.expect(RAW_BANNER + b">")
        assert b"no memory for an interpreter" in out
        t.send(b"\x04")  # the third works
        t.expect(b"MPY: soft reboot\r\n" + RAW_BANNER + b">")
        t.send(b"print(1+1)\x04")
        assert t.expect(b">") == b"OK2\n\x04\x04>"
        assert p.poll() is None
        t.close()
    finally:
        p.kill()
        p.wait()
