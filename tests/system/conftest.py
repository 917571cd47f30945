"""The system tests' one boot: tests/system/system-test.toml built with --test and
booted once per session in Bochs; every test reads the same serial console.

If the image cannot be built (no `make binaries`, a refused system-test.toml)
the fixture raises and every system test errors: nothing is skipped.
"""

from __future__ import annotations

import os
import re
import select
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bochs_boot import build_and_boot
from questv.config import System
from questv.emulator import Emulator, SerialPipe
from questv.image import build
from questv.rawrepl import RawRepl as RawReplClient

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_TOML = ROOT / "tests/system/system-test.toml"
# QUESTV_TEST_DIR lets two checkouts' worth of work (or two people) run the
# system tests at once without sharing an image or a serial log.
TEST_DIR = Path(os.environ.get("QUESTV_TEST_DIR", ROOT / "build/test"))
IMAGE = TEST_DIR / "questv-test.iso"
SERIAL_LOG = TEST_DIR / "serial.log"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ends_pyboot_victim: leaves the Python boot's victim "
                            "sandbox unusable (quarantined): run after every other test")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort: the marked tests go last, everything else keeps its order.
    items.sort(key=lambda item: item.get_closest_marker("ends_pyboot_victim") is not None)


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
    with build_and_boot(SYSTEM_TOML, IMAGE, TEST_DIR / "run-bochs", SERIAL_LOG) as (result, emu):
        yield Booted(result.system, emu)


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


class RawRepl(RawReplClient):
    """A sandbox's REPL through its pty: the host tools' raw-REPL client
    (tools/questv/rawrepl.py: MicroPython's raw mode, the protocol mpremote
    speaks) on the pty's fd, in plain raw mode (code, Ctrl-D, "OK"), plus
    what the tests do around it: bytes in friendly mode (`write`, `drain`,
    `read_until`), `exec` from friendly mode and back, a soft reset."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        super().__init__(self._read_fd, self.write, timeout=60.0, raw_paste=False)

    def _read_fd(self, timeout: float) -> bytes:
        r, _, _ = select.select([self.fd], [], [], timeout)
        return os.read(self.fd, 4096) if r else b""

    def close(self) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def drain(self, quiet: float = 0.3) -> bytes:
        """Whatever arrives until nothing has for `quiet` seconds."""
        out = bytes(self._buf)
        self._buf.clear()
        while data := self._read_fd(quiet):
            out += data
        return out

    def exec(self, code: str, timeout: float = 60.0) -> tuple[str, str]:  # type: ignore[override]
        """Runs code in raw mode, entered from friendly mode and left back
        to it: (stdout, the traceback text or "")."""
        self.enter()
        out, err = super().exec(code, timeout)
        self.exit()
        return out.decode(errors="replace"), err.decode(errors="replace")

    def eval(self, expr: str, timeout: float = 60.0) -> str:
        out, err = self.exec(f"print(repr({expr}))", timeout)
        if err:
            raise AssertionError(f"{expr!r} raised on the board: {err}")
        return out.strip()

    def soft_reset(self, timeout: float) -> None:
        """Friendly-mode Ctrl-D: a new interpreter, up to its prompt."""
        self.drain(0.3)
        self.write(b"\r\x04")
        self.read_until(b">>> ", timeout)


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
                        memory_mib=machine.memory_mib, workdir=TEST_DIR / "run-python",
                        serial_log=PY_SERIAL_LOG)
    emulator.start()
    pipe = None
    stop = threading.Event()
    log = open(PY_LOG, "w", buffering=1)  # noqa: SIM115 (closed at the end)
    try:
        # Every REPL is up (plain mode) before the host switches the hub.
        for sb in result.system.sandboxes:
            emulator.wait_for(rf"\[sb{sb.id}\] >>> ", timeout=BOOT_TIMEOUT)
        switched_at = len(emulator.output_bytes)
        pipe = SerialPipe(emulator)
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
