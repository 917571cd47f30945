"""`questv console` end to end against a fake board (the C hub at the other end
of a socketpair): the handshake, one pty per sandbox, input written to a
sandbox's pty reaching that sandbox only, output reaching only its pty."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernel"))
from console_binding import FRAMED, PLAIN
from console_fakeboard import FakeBoard
from questv.hub import frame as F
from questv.hub.console import Console, PrefixScreen, connect
from questv.hub.link import HubError, HubLink, SocketTransport

SANDBOXES = (0, 1, 2, 3)


@pytest.fixture
def board():
    b = FakeBoard(SANDBOXES, hub_sb=0)
    yield b
    overflow = b.call("overflow")
    b.close()
    assert overflow == 0


@pytest.fixture
def console(board):
    link, hello, early = connect(SocketTransport(board.host_sock), timeout=5)
    c = Console(link, hello)
    for f in early:
        c._frame(f)
    yield c
    c.close()


def run_until(console: Console, cond: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        console.step(0.01)


def open_pty(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)


def read_pty(console: Console, fd: int, want: int, timeout: float = 5.0) -> bytes:
    got = bytearray()

    def enough() -> bool:
        try:
            got.extend(os.read(fd, 65536))
        except BlockingIOError:
            pass
        return len(got) >= want

    run_until(console, enough, timeout)
    return bytes(got)


def test_handshake_reports_the_hubs_sandboxes(board, console):
    assert console.hello.sandboxes == SANDBOXES and console.hello.hub_sb == 0
    assert board.call("mode") == FRAMED
    assert sorted(console.ptys) == list(SANDBOXES)
    for p in console.ptys.values():
        assert p.path.startswith("/dev/pts/") and os.path.exists(p.path)


def test_bytes_written_to_sandbox_2s_pty_reach_only_sandbox_2(board, console):
    fd = open_pty(console.ptys[2].path)
    try:
        data = bytes(b for b in range(256) if b != F.CTRL_C) * 20
        os.write(fd, data)
        got = bytearray()

        def arrived() -> bool:
            got.extend(board.take_in(2))
            return len(got) >= len(data)

        run_until(console, arrived)
        assert bytes(got) == data
        for sb in (0, 1, 3):
            assert board.take_in(sb) == b""
    finally:
        os.close(fd)


def test_ctrl_c_on_a_pty_interrupts_that_sandbox(board, console):
    fd = open_pty(console.ptys[3].path)
    try:
        os.write(fd, b"while 1: pass\r\x03")
        run_until(console, lambda: board.call("breaks", 3) == 1)
        assert board.take_in(3) == b"while 1: pass\r"
        assert [board.call("breaks", sb) for sb in (0, 1, 2)] == [0, 0, 0]
    finally:
        os.close(fd)


def test_each_sandboxs_output_reaches_only_its_pty(board, console):
    fds = {sb: open_pty(console.ptys[sb].path) for sb in SANDBOXES}
    try:
        texts = {sb: (f"sb{sb} says hello\r\n".encode() + bytes([0x7E, 0x7D, sb])) * 50
                 for sb in (1, 2, 3)}
        for sb, t in texts.items():
            board.output(sb, t)
        for sb, t in texts.items():
            assert read_pty(console, fds[sb], len(t)) == t
        time.sleep(0.05)
        console.step(0.01)
        with pytest.raises(BlockingIOError):
            os.read(fds[0], 100)
    finally:
        for fd in fds.values():
            os.close(fd)


def test_output_buffered_before_the_host_connects_is_delivered(board):
    board.call("set_listening", False)  # nobody listens yet
    board.output(2, b"early line\n")
    time.sleep(0.05)
    assert board.sent == b""
    link, hello, early = connect(SocketTransport(board.host_sock), timeout=5)
    c = Console(link, hello)
    try:
        fd = open_pty(c.ptys[2].path)
        for f in early:
            c._frame(f)
        assert read_pty(c, fd, 11) == b"early line\n"
        os.close(fd)
    finally:
        c.close()


def test_close_puts_the_hub_back_in_plain_mode(board, console):
    console.close()
    deadline = time.monotonic() + 5
    while board.call("mode") != PLAIN:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert console.ptys == {}


def test_handshake_works_when_the_hub_is_already_framed(board):
    connect(SocketTransport(board.host_sock), timeout=5)
    assert board.call("mode") == FRAMED
    # A second tool (the first died without BYE) connects again.
    link2 = HubLink(SocketTransport(board.host_sock))
    hello, _ = link2.handshake(timeout=5)
    assert hello.sandboxes == SANDBOXES


def test_relinks_after_the_hub_restarts_in_plain_mode(board, console):
    fd = open_pty(console.ptys[1].path)
    try:
        with board.lock:  # the hub's sandbox restarts: plain mode, boot text
            board.hub.close()
            from console_binding import CHub
            board.hub = CHub(SANDBOXES, 0)
            board.hub.output(1, b"rebooted and chatty\n" * 4)
        console.link.RESYNC_AFTER = 0.05
        run_until(console, lambda: board.call("mode") == FRAMED)
        board.output(1, b"after restart\n")
        assert read_pty(console, fd, 14).endswith(b"after restart\n")
        assert console.link.resyncs >= 1
    finally:
        os.close(fd)


def test_no_answer_is_a_clear_error():
    import socket
    a, b = socket.socketpair()
    try:
        with pytest.raises(HubError, match="no answer from the console hub"):
            HubLink(SocketTransport(a)).handshake(timeout=0.3)
    finally:
        a.close()
        b.close()


def test_repl_mode_shows_one_sandbox_and_ctrl_bracket_leaves(board):
    out = bytearray()
    r, w = os.pipe()
    link, hello, _ = connect(SocketTransport(board.host_sock), timeout=5)
    c = Console(link, hello, ptys=False, term_in=r, term_out=out.extend, only=2)
    try:
        board.output(1, b"not for you\n")
        board.output(2, b">>> ")
        run_until(c, lambda: out == b">>> ")
        os.write(w, b"1+1\r\x03\x1d")
        run_until(c, lambda: c.done)
        run_until(c, lambda: board.call("breaks", 2) == 1)
        assert board.take_in(2) == b"1+1\r"
        assert board.take_in(1) == b""
        assert out == b">>> "
    finally:
        c.close()
        os.close(r)
        os.close(w)


def test_repl_refuses_a_sandbox_without_console(board):
    link, hello, _ = connect(SocketTransport(board.host_sock), timeout=5)
    with pytest.raises(HubError, match="sandbox 9 has no console"):
        Console(link, hello, ptys=False, only=9)
    link.bye()


def test_interactive_mode_prefixes_and_moves_focus(board):
    out = bytearray()
    r, w = os.pipe()
    link, hello, _ = connect(SocketTransport(board.host_sock), timeout=5)
    c = Console(link, hello, ptys=False, term_in=r, term_out=out.extend)
    try:
        board.output(1, b"one\n")
        run_until(c, lambda: b"[sb1] one\n" in out)
        board.output(3, b"three\n")
        run_until(c, lambda: b"[sb3] three\n" in out)
        os.write(w, b"a\x1d3b\x1d7")
        run_until(c, lambda: b"sb7 has no console" in out)
        assert c.focus == 3
        got = {sb: bytearray() for sb in SANDBOXES}

        def typed() -> bool:
            for sb in SANDBOXES:
                got[sb] += board.take_in(sb)
            return got[0] == b"a" and got[3] == b"b"

        run_until(c, typed)
        os.write(w, b"\x1dq")
        run_until(c, lambda: c.done)
    finally:
        c.close()
        os.close(r)
        os.close(w)
    assert got[1] == b"" and got[2] == b"" and board.take_in(3) == b""


def test_prefix_screen_never_mixes_two_sandboxes_on_a_line():
    out = bytearray()
    s = PrefixScreen(out.extend)
    s.output(1, b">>> ")
    s.output(2, b"tick\nto")
    s.output(2, b"ck\n")
    s.output(1, b"x")
    s.line("[mon 0] a monitor's line")      # a line of its own, below sb1's open one
    s.note("hub: frames_ok 2")
    lines = bytes(out).replace(b"\r\n", b"\n").split(b"\n")
    assert lines == [b"[sb1] >>> ", b"[sb2] tick", b"[sb2] tock", b"[sb1] x",
                     b"[mon 0] a monitor's line", b"[questv] hub: frames_ok 2", b""]


def test_open_transport_tcp_and_clear_errors():
    import socket

    from questv.hub.link import open_transport

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    t = open_transport(f"tcp:127.0.0.1:{port}")
    conn, _ = server.accept()
    try:
        t.send(b"ping")
        assert conn.recv(4) == b"ping"
        conn.sendall(b"pong")
        deadline = time.monotonic() + 5
        got = b""
        while got != b"pong" and time.monotonic() < deadline:
            got += t.recv()
        assert got == b"pong"
        conn.close()
        with pytest.raises(EOFError):
            while time.monotonic() < deadline:
                t.recv()
    finally:
        t.close()
        server.close()
    with pytest.raises(HubError, match="tcp:HOST:PORT"):
        open_transport("tcp:localhost")
    with pytest.raises(HubError, match="cannot connect to unix:"):
        open_transport("unix:/nonexistent/questv.sock")
    with pytest.raises(HubError, match="cannot open /nonexistent/tty"):
        open_transport("/nonexistent/tty")


def test_run_console_as_the_cli_calls_it():
    """run_console() in its own process on a TCP serial line, as `questv console
    tcp:...` runs it: paths printed, pty input reaches its sandbox, Ctrl-C
    (SIGINT) ends it with BYE and status 0."""
    import signal
    import socket
    import subprocess

    root = Path(__file__).resolve().parents[2]
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    code = ("import sys; from questv.hub.console import run_console; "
            f"sys.exit(run_console('tcp:127.0.0.1:{port}'))")
    env = dict(os.environ, PYTHONPATH=str(root / "tools"))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    board = None
    try:
        server.settimeout(10)
        conn, _ = server.accept()
        board = FakeBoard(SANDBOXES, sock=conn)
        paths = {}
        while True:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            if line.startswith("sb"):
                sb, path = line.strip().split(": ")
                paths[int(sb[2:])] = path
            if "Ctrl-C to quit" in line:
                break
        assert sorted(paths) == list(SANDBOXES)
        fd = os.open(paths[2], os.O_RDWR | os.O_NOCTTY)
        try:
            os.write(fd, b"x = 42\r")
            deadline = time.monotonic() + 10
            got = b""
            while got != b"x = 42\r":
                assert time.monotonic() < deadline, got
                got += board.take_in(2)
                time.sleep(0.01)
            board.output(2, b"42\r\n")
            out = b""
            os.set_blocking(fd, False)
            while len(out) < 4:
                assert time.monotonic() < deadline + 10, out
                try:
                    out += os.read(fd, 100)
                except BlockingIOError:
                    time.sleep(0.01)
            assert out == b"42\r\n"
        finally:
            os.close(fd)
        assert all(board.take_in(sb) == b"" for sb in (0, 1, 3))
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        deadline = time.monotonic() + 5
        while board.call("mode") != PLAIN:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        if board is not None:
            board.close()
        server.close()


def test_raw_terminal_is_restored_on_exit():
    import termios

    from questv.hub.console import _RawTerminal

    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        with _RawTerminal(slave):
            raw = termios.tcgetattr(slave)
            assert not raw[3] & termios.ICANON and not raw[3] & termios.ECHO
            assert not raw[3] & termios.ISIG  # Ctrl-C arrives as a byte
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_interactive_stats_key_shows_the_hubs_counters(board):
    out = bytearray()
    r, w = os.pipe()
    link, hello, _ = connect(SocketTransport(board.host_sock), timeout=5)
    c = Console(link, hello, ptys=False, term_in=r, term_out=out.extend)
    try:
        os.write(w, b"\x1ds")
        run_until(c, lambda: c.stats is not None)
        assert c.stats["frames_ok"] >= 2  # SYNC and STATS_REQ at least
        assert b"[questv] hub: frames_ok" in out
    finally:
        c.close()
        os.close(r)
        os.close(w)


def test_log_lines_go_to_the_kernel_log_never_into_a_pty(board):
    import ctypes
    import io

    lib = board.hub.lib
    lib.qv_hub_log.restype = ctypes.c_bool
    lib.qv_hub_log.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_char_p,
                               ctypes.c_size_t]
    link, hello, early = connect(SocketTransport(board.host_sock), timeout=5)
    klog = io.StringIO()
    c = Console(link, hello, kernel_log=klog)
    try:
        for f in early:
            c._frame(f)
        fd = open_pty(c.ptys[1].path)
        try:
            board.output(1, b">>> ")
            with board.lock:
                assert lib.qv_hub_log(board.hub.hub, 1, b"sandbox 1 heartbeat 9 canary=ok", 31)
            board.output(1, b"6*7\r\n42\r\n>>> ")
            got = read_pty(c, fd, len(b">>> 6*7\r\n42\r\n>>> "))
            run_until(c, lambda: "heartbeat" in klog.getvalue())
        finally:
            os.close(fd)
    finally:
        c.close()
    assert got == b">>> 6*7\r\n42\r\n>>> "
    assert klog.getvalue() == "[sb1] sandbox 1 heartbeat 9 canary=ok\n"
