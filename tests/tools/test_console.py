"""questv console: the serial line to the terminal and back."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time

from questv.cli import main

QUESTV = [sys.executable, "-m", "questv.cli"]


class Board:
    """A stand-in for the board end of the line: sends a greeting, records what it gets."""

    def __init__(self, greeting: bytes, close_after: float | None) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"socket://127.0.0.1:{self.server.getsockname()[1]}"
        self.received = bytearray()
        self.greeting = greeting
        self.close_after = close_after
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        conn.sendall(self.greeting)
        conn.settimeout(0.1)
        end = time.monotonic() + (self.close_after or 60)
        while time.monotonic() < end:
            try:
                data = conn.recv(100)
            except TimeoutError:
                continue
            if not data:
                break
            self.received += data
        conn.close()


def test_console_shows_the_line_and_ends_when_it_closes():
    board = Board(b"[sb0] sandbox 0 up\r\n", close_after=1)
    proc = subprocess.run([*QUESTV, "console", board.url, "--timeout", "30"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0
    assert proc.stdout == b"[sb0] sandbox 0 up\r\n"
    assert "the line closed" in proc.stderr.decode()


def test_console_sends_keys_and_ctrl_bracket_ends_it():
    board = Board(b"login: ", close_after=None)
    pid, master = pty.fork()
    if pid == 0:
        os.execv(sys.executable, [*QUESTV, "console", board.url])
    try:
        seen = b""
        deadline = time.monotonic() + 60
        while b"login: " not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                seen += os.read(master, 1024)
        assert b"login: " in seen
        os.write(master, b"abc")
        while bytes(board.received) != b"abc" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert bytes(board.received) == b"abc"
        os.write(master, b"\x1d")
        _, status = os.waitpid(pid, 0)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(master)
    assert os.waitstatus_to_exitcode(status) == 0


def test_console_to_a_running_image(stub_image):
    run = subprocess.Popen([*QUESTV, "run", str(stub_image), "--emulator", "qemu", "--serial",
                            "socket", "--timeout", "60"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    try:
        line = b""
        while b"serial console on tcp" not in line:
            line = run.stderr.readline()
            assert line, "questv run ended before printing its port"
        port = re.search(rb"127\.0\.0\.1:(\d+)", line)[1].decode()
        proc = subprocess.run([*QUESTV, "console", f"socket://127.0.0.1:{port}",
                               "--timeout", "15"],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                              check=False)
    finally:
        run.send_signal(signal.SIGINT)
        run.wait(timeout=30)
    assert proc.returncode == 0
    assert b"mb2stub: multiboot2 magic ok" in proc.stdout


def test_console_on_a_missing_device(tmp_path, capsys):
    assert main(["console", str(tmp_path / "ttyUSB9"), "--timeout", "1"]) == 1
    assert "cannot open" in capsys.readouterr().err
