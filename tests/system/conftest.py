"""The system tests' one boot: tests/system/system-test.toml built with --test and
booted once per session in Bochs; every test reads the same serial console.

If the image cannot be built (no `make binaries`, a refused system-test.toml)
the fixture raises and every system test errors: nothing is skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from questv.config import System
from questv.emulator import Emulator
from questv.image import build

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_TOML = ROOT / "tests/system/system-test.toml"
# QUESTV_TEST_DIR lets two checkouts' worth of work (or two people) run the
# system tests at once without sharing an image or a serial log.
TEST_DIR = Path(os.environ.get("QUESTV_TEST_DIR", ROOT / "build/test"))
IMAGE = TEST_DIR / "questv-test.iso"
SERIAL_LOG = TEST_DIR / "serial.log"


@dataclass
class Booted:
    """The running test system: its description and its serial console."""

    system: System
    emulator: Emulator

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = 120.0,
                 start: int = 0) -> re.Match[str]:
        """First match from character `start` of the output on, waiting up to `timeout`
        seconds; raises questv.emulator.WaitTimeout with the output's tail."""
        return self.emulator.wait_for(pattern, timeout=timeout, start=start)

    @property
    def output(self) -> str:
        """All serial output so far."""
        return self.emulator.output


@pytest.fixture(scope="session")
def booted() -> Iterator[Booted]:
    result = build(SYSTEM_TOML, IMAGE, test=True, build_dir=ROOT / "build")
    machine = result.system.machine
    emulator = Emulator(IMAGE, kind="bochs", cores=machine.cores, memory_mib=machine.memory_mib,
                        workdir=TEST_DIR / "run-bochs")
    emulator.start()
    try:
        yield Booted(result.system, emulator)
    finally:
        emulator.stop()
        SERIAL_LOG.write_bytes(emulator.output_bytes)


# ---------------------------------------------------------------------------
# The Python boot: tests/system/system-python.toml, built with --test (so that
# quest._inject exists; Python still runs on every console because every
# sandbox's bundle declares services), booted once per session and driven the
# way `questv console` does it: the hub in framed mode, one pty per sandbox,
# kernel log lines apart.

PY_SYSTEM_TOML = ROOT / "tests/system/system-python.toml"
PY_IMAGE = TEST_DIR / "questv-python.iso"
PY_SERIAL_LOG = TEST_DIR / "serial-python.log"
PY_LOG = TEST_DIR / "python-console.log"
BOOT_TIMEOUT = 300.0


class _EmulatorPipe:
    """A socket pair between the emulator's serial line and a HubLink: one
    thread copies what the board sends into it, the other what the host writes
    back out, so the hub tools see an ordinary transport."""

    def __init__(self, emulator: Emulator) -> None:
        import socket
        import threading

        self.emulator = emulator
        self.host_end, self.board_end = socket.socketpair()
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self._down, daemon=True, name="pipe-down"),
                        threading.Thread(target=self._up, daemon=True, name="pipe-up")]
        for t in self.threads:
            t.start()

    def _down(self) -> None:
        while not self.done.is_set():
            data = self.emulator.read(timeout=0.05)
            if data:
                self.board_end.sendall(data)
            elif self.emulator.eof:
                return

    def _up(self) -> None:
        self.board_end.settimeout(0.1)
        while not self.done.is_set():
            try:
                data = self.board_end.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            self.emulator.write(data)

    def close(self) -> None:
        self.done.set()
        for t in self.threads:
            t.join(timeout=2)
        self.board_end.close()


class RawRepl:
    """A sandbox's REPL through its pty, in MicroPython's raw mode: the
    protocol mpremote speaks (Ctrl-A, code, Ctrl-D, "OK", output, 0x04,
    error, 0x04, ">")."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self.buf = bytearray()

    def close(self) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def read_until(self, marker: bytes, timeout: float = 60.0) -> bytes:
        """Bytes up to and including marker; raises TimeoutError with what came."""
        import select
        import time

        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{marker!r} did not come within {timeout:g} s; "
                                   f"got {bytes(self.buf[-300:])!r}")
            r, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if r:
                self.buf += os.read(self.fd, 4096)
        i = self.buf.index(marker) + len(marker)
        out = bytes(self.buf[:i])
        del self.buf[:i]
        return out

    def drain(self, quiet: float = 0.3) -> bytes:
        """Whatever arrives until nothing has for `quiet` seconds."""
        import select

        while True:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                break
            self.buf += os.read(self.fd, 4096)
        out = bytes(self.buf)
        self.buf.clear()
        return out

    def enter_raw(self, timeout: float = 60.0) -> None:
        self.write(b"\r\x03\x03")
        self.drain(0.5)
        self.write(b"\x01")
        self.read_until(b"raw REPL; CTRL-B to exit\r\n>", timeout)

    def exec(self, code: str, timeout: float = 60.0) -> tuple[str, str]:
        """Runs code in raw mode: (stdout, the traceback text or "")."""
        self.enter_raw(timeout)
        self.write(code.encode() + b"\x04")
        self.read_until(b"OK", timeout)
        out = self.read_until(b"\x04", timeout)[:-1]
        err = self.read_until(b"\x04", timeout)[:-1]
        self.read_until(b">", timeout)
        self.write(b"\x02")  # back to friendly mode
        return out.decode(errors="replace"), err.decode(errors="replace")

    def eval(self, expr: str, timeout: float = 60.0) -> str:
        out, err = self.exec(f"print(repr({expr}))", timeout)
        if err:
            raise AssertionError(f"{expr!r} raised on the board: {err}")
        return out.strip()


@dataclass
class PyBoot:
    """The running Python system: `repl(n)`, `pty(n)` (its path, for mpremote),
    `log_lines()` / `wait_log()` (kernel, service and monitor lines, from boot
    on; never in a pty), `transcript(n)`, the emulator."""

    system: System
    emulator: Emulator
    console: object  # questv.hub.console.Console
    log_path: Path
    switched_at: int  # serial bytes before the handshake (plain mode)
    data: dict[int, bytearray]

    def transcript(self, sb: int) -> bytes:
        """Everything sandbox sb's console stream carried: its plain-mode lines
        before the host switched the hub (prefix removed; a line another
        sandbox interrupted shows once cut, then again whole), then every DATA
        byte (which may finish the last plain line)."""
        plain = self.emulator.output_bytes[:self.switched_at]
        lines = re.findall(rb"\[sb%d\] ([^\r\n]*)" % sb, plain)
        return b"\n".join(lines) + bytes(self.data[sb])

    def pty(self, sb: int) -> str:
        return self.console.ptys[sb].path  # type: ignore[attr-defined]

    def repl(self, sb: int) -> RawRepl:
        """A raw-REPL client on sandbox sb's pty (close it when done)."""
        return RawRepl(self.pty(sb))

    def log_lines(self, framed_only: bool = False) -> list[str]:
        """The sandboxes' log and the monitors' lines: the plain-mode lines from
        before the host switched the hub (where a REPL's banner and prompts
        are lines too), then what came in LOG frames and between frames."""
        framed = self.log_path.read_text(errors="replace").splitlines()
        if framed_only:
            return framed
        plain = self.emulator.output_bytes[:self.switched_at].decode(errors="replace")
        return [ln.rstrip("\r") for ln in plain.split("\n") if ln.startswith("[")] + framed

    def wait_log(self, pattern: str, timeout: float = 120.0, start: int = 0) -> re.Match[str]:
        """First log line from line `start` on matching pattern (regex search)."""
        import time

        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            for line in self.log_lines()[start:]:
                m = rx.search(line)
                if m:
                    return m
            if time.monotonic() > deadline:
                tail = "\n".join(self.log_lines()[-30:])
                raise TimeoutError(f"{pattern!r} not logged within {timeout:g} s; log ends:\n"
                                   f"{tail}")
            time.sleep(0.2)


@pytest.fixture(scope="session")
def pyboot() -> Iterator[PyBoot]:
    import threading

    from questv.hub.console import Console
    from questv.hub.link import HubLink, SocketTransport

    result = build(PY_SYSTEM_TOML, PY_IMAGE, test=True, build_dir=ROOT / "build")
    machine = result.system.machine
    emulator = Emulator(PY_IMAGE, kind="bochs", cores=machine.cores,
                        memory_mib=machine.memory_mib, workdir=TEST_DIR / "run-python")
    emulator.start()
    pipe = None
    stop = threading.Event()
    log = open(PY_LOG, "w", buffering=1)  # noqa: SIM115 (closed at the end)
    try:
        # Every REPL is up (plain mode) before the host switches the hub.
        for sb in result.system.sandboxes:
            emulator.wait_for(rf"\[sb{sb.id}\] >>> ", timeout=BOOT_TIMEOUT)
        switched_at = len(emulator.output_bytes)
        pipe = _EmulatorPipe(emulator)
        link = HubLink(SocketTransport(pipe.host_end))
        hello, early = link.handshake(timeout=60.0)
        console = Console(link, hello, ptys=True, log=log, kernel_log=log)
        data: dict[int, bytearray] = {sb.id: bytearray() for sb in result.system.sandboxes}
        to_pty = console._output

        def output(sb: int, payload: bytes) -> None:
            data.setdefault(sb, bytearray()).extend(payload)
            to_pty(sb, payload)

        console._output = output  # type: ignore[method-assign]
        for f in early:
            console._frame(f)
        thread = threading.Thread(target=console.serve, kwargs={"until": stop.is_set},
                                  daemon=True, name="questv-console")
        thread.start()
        yield PyBoot(result.system, emulator, console, PY_LOG, switched_at, data)
        stop.set()
        thread.join(timeout=5)
        console.close()
    finally:
        stop.set()
        if pipe is not None:
            pipe.close()
        emulator.stop()
        log.close()
        PY_SERIAL_LOG.write_bytes(emulator.output_bytes)
