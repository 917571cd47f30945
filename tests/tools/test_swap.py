"""`questv swap` and `questv push`: a file that does not compile is refused before the
board is touched; otherwise the code goes through the console hub (the real C hub,
tests/kernel/console_fakeboard.py) to a sandbox's raw REPL (the fake board of
rawrepl_fakeboard.py) and the board's answer decides the exit status."""

from __future__ import annotations

import socket
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from questv.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernel"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from console_fakeboard import FakeBoard as HubBoard
from rawrepl_fakeboard import FakeBoard as ReplBoard

ROOT = Path(__file__).resolve().parents[2]
QPY = ROOT / "build/host/qpy"
SB = 1

pytestmark = pytest.mark.skipif(not QPY.is_file(), reason="needs build/host/qpy")


@pytest.fixture
def listener():
    """A TCP 'serial line' nobody answers on: it records whether anyone connected."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(0.3)
    yield srv
    srv.close()


def touched(srv: socket.socket) -> bool:
    try:
        conn, _ = srv.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


def swap(tmp_path: Path, line: str, text: str, *extra: str) -> int:
    f = tmp_path / "new_version.py"
    f.write_text(text)
    return main(["swap", str(SB), "blink", str(f), "--line", line, "--timeout", "10",
                 "--build-dir", str(ROOT / "build"), *extra])


def test_syntax_error_is_refused_before_the_board_is_touched(tmp_path, listener, capsys):
    line = f"tcp:127.0.0.1:{listener.getsockname()[1]}"
    assert swap(tmp_path, line, "x = 1\ndef main(:\n    pass\n") == 2
    err = capsys.readouterr().err
    assert "new_version.py:2:10: SyntaxError" in err
    assert not touched(listener)


@pytest.mark.parametrize("args, message", [
    (["swap", "1", "blink", "/nonexistent/x.py"], "cannot read it"),
    (["swap", "16", "blink", "x.py"], "ids are 0..15"),
    (["swap", "1", "no.dots", "x.py"], "not a service name"),
    (["swap", "1", "blink", "x.py", "--timeout", "0"], "--timeout must be positive"),
    (["push", "1", "/nonexistent/x.py"], "cannot read it"),
])
def test_bad_arguments_are_refused_before_the_board(args, message, listener, capsys, tmp_path,
                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.py").write_text("x = 1\n")
    line = f"tcp:127.0.0.1:{listener.getsockname()[1]}"
    assert main([*args, "--line", line]) == 2
    assert message in capsys.readouterr().err
    assert not touched(listener)


def test_not_utf8_is_refused(tmp_path, listener, capsys):
    f = tmp_path / "v.py"
    f.write_bytes(b"x = '\xff'\n")
    line = f"tcp:127.0.0.1:{listener.getsockname()[1]}"
    assert main(["swap", "1", "blink", str(f), "--line", line]) == 2
    assert "not UTF-8" in capsys.readouterr().err and not touched(listener)


def test_no_board_on_the_line_fails_with_status_1(tmp_path, capsys):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    srv.close()   # nothing listens there now
    assert swap(tmp_path, f"tcp:127.0.0.1:{port}", "x = 1\n") == 1
    assert "cannot connect" in capsys.readouterr().err


class Board:
    """The C hub on a TCP line with a raw-REPL sandbox behind its console channel."""

    def __init__(self) -> None:
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.line = f"tcp:127.0.0.1:{self.srv.getsockname()[1]}"
        self.repl = ReplBoard(paste="yes", window=64)
        self.hub: HubBoard | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.srv.accept()
        self.hub = HubBoard((0, 1, 2, 3), sock=conn)
        while not self.stop.is_set():
            data = self.hub.take_in(SB)
            if data:
                self.repl.write(data)
            out = self.repl.read(0)
            for i in range(0, len(out), 200):
                self.hub.output(SB, out[i:i + 200])
            time.sleep(0.002)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        if self.hub is not None:
            self.hub.close()
        self.srv.close()


@pytest.fixture
def board(monkeypatch):
    calls: list[tuple[str, str, bool]] = []
    fake = types.ModuleType("quest")

    class SwapError(Exception):
        pass

    def fake_swap(name: str, source: str, *, hook: bool = True) -> None:
        compile(source, "<swap>", "exec")   # the board compiles it again
        if name != "blink":
            raise SwapError(f"no service {name!r} in this sandbox")
        if "raise" in source:
            raise SwapError(f"{name}: RuntimeError: failed while starting")
        calls.append((name, source, hook))

    fake.swap = fake_swap  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "quest", fake)
    b = Board()
    b.calls = calls  # type: ignore[attr-defined]
    yield b
    b.close()


def test_swap_through_the_hub_runs_quest_swap(tmp_path, board, capsys):
    text = "def main():\n    print('v2 " + "x" * 300 + "')\n"
    assert swap(tmp_path, board.line, text) == 0
    assert board.calls == [("blink", text, True)]   # the whole file, unchanged
    assert "service 'blink' now runs" in capsys.readouterr().out
    deadline = time.monotonic() + 3   # Ctrl-B is still on its way through the hub
    while board.repl.mode != "friendly" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert board.repl.mode == "friendly"   # left the raw REPL for the next person


def test_no_state_asks_without_the_hook(tmp_path, board):
    assert swap(tmp_path, board.line, "x = 2\n", "--no-state") == 0
    assert board.calls[0][2] is False


def test_board_refusal_is_reported_with_status_1(tmp_path, board, capsys):
    assert swap(tmp_path, board.line, "raise RuntimeError('no')\n") == 1
    err = capsys.readouterr().err
    assert "refused" in err and "the old version keeps running" in err
    assert "RuntimeError: failed while starting" in err
    assert board.calls == []


def test_push_writes_the_file_on_the_board(tmp_path, board, monkeypatch, capsys):
    src = tmp_path / "src"
    src.mkdir()
    data = bytes(range(256)) * 5
    (src / "blob.bin").write_bytes(data)
    board_fs = tmp_path / "board"
    board_fs.mkdir()
    monkeypatch.chdir(board_fs)   # the fake board's open() writes here
    assert main(["push", str(SB), str(src / "blob.bin"), "copy.bin", "--line", board.line]) == 0
    assert (board_fs / "copy.bin").read_bytes() == data
    assert "1280 bytes" in capsys.readouterr().out
