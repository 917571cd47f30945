"""The raw-REPL client against a fake board (every protocol path, flow control checked
byte by byte) and, when it is built, against the REPL engineer's build/host/qpy-board."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from questv.rawrepl import RawRepl, RawReplError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rawrepl_fakeboard import FakeBoard

ROOT = Path(__file__).resolve().parents[2]
QPY_BOARD = ROOT / "build/host/qpy-board"


def session(board: FakeBoard) -> RawRepl:
    r = RawRepl(board.read, board.write, timeout=2)
    r.enter()
    return r


@pytest.mark.parametrize("paste", ["yes", "no", "unknown"])
def test_exec_gives_stdout_and_stderr_split(paste):
    board = FakeBoard(paste)
    r = session(board)
    out, err = r.exec("print('hello', 6 * 7)")
    assert (out, err) == (b"hello 42\n", b"")
    out, err = r.exec("x = 1\nprint(x)\nraise ValueError('bad')")
    assert out == b"1\n" and b"ValueError: bad" in err
    assert r.raw_paste_used == (paste == "yes")
    # the session goes on after an error; state is kept like a REPL's
    assert r.exec("print(x + 1)") == (b"2\n", b"")


def test_raw_paste_keeps_within_the_window():
    board = FakeBoard("yes", window=16)
    r = session(board)
    code = "".join(f"v{i} = {i}\n" for i in range(200)) + "print(v199)"
    assert r.exec(code) == (b"199\n", b"")
    assert board.pasted == len(code) and not board.overrun


def test_long_code_without_raw_paste_arrives_whole():
    board = FakeBoard("no")
    r = session(board)
    code = "s = '" + "a" * 1000 + "'\nprint(len(s))"
    assert r.exec(code) == (b"1000\n", b"")


def test_not_entered_is_refused():
    board = FakeBoard()
    with pytest.raises(RawReplError, match="enter"):
        RawRepl(board.read, board.write).exec("1")


def test_a_silent_board_times_out_with_what_it_got():
    r = RawRepl(lambda t: b"", lambda d: None, timeout=0.3)
    with pytest.raises(RawReplError, match="timed out waiting for"):
        r.enter()


def test_board_refusing_the_code_is_reported():
    board = FakeBoard("no")
    r = session(board)
    r.use_raw_paste = False
    board.byte = lambda b: board.out.extend(b"??") if b == 0x04 else None  # type: ignore
    with pytest.raises(RawReplError, match="did not take the code"):
        r.exec("1")


def test_unexpected_byte_during_raw_paste_is_an_error():
    board = FakeBoard("yes", window=4)
    r = session(board)
    real = board.byte

    def noisy(b: int) -> None:
        real(b)
        if board.mode == "paste" and board.pasted == 4:
            board.out[-1:] = b"Z"           # garbage instead of the window grant
    board.byte = noisy  # type: ignore[method-assign]
    with pytest.raises(RawReplError, match="unexpected byte"):
        r.exec("print('long enough')")


@pytest.mark.skipif(not QPY_BOARD.is_file(), reason="build/host/qpy-board not built")
def test_against_qpy_board():
    proc = subprocess.Popen([str(QPY_BOARD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    fd = proc.stdout.fileno()

    def read(timeout: float) -> bytes:
        ready, _, _ = select.select([fd], [], [], timeout)
        return os.read(fd, 4096) if ready else b""

    def write(data: bytes) -> None:
        proc.stdin.write(data)
        proc.stdin.flush()

    try:
        r = RawRepl(read, write, timeout=10)
        r.enter()
        assert r.exec("print(1 + 1)") == (b"2\n", b"")
        out, err = r.exec("def f():\n    return 1 / 0\nf()")
        assert out == b"" and b"ZeroDivisionError" in err
        big = "".join(f"a{i} = {i}\n" for i in range(300)) + "print(a299)"
        assert r.exec(big) == (b"299\n", b"")
        r.exit()
    finally:
        proc.kill()
        proc.wait()


def test_enter_is_not_held_up_by_a_chatty_console():
    """A service printing all the time on the same console: enter() still gets in."""
    board = FakeBoard()
    real_read = board.read

    def chatty(timeout: float) -> bytes:
        return b"tick\r\n" + real_read(timeout)
    r = RawRepl(chatty, board.write, timeout=3)
    r.enter()
    assert r.in_raw
