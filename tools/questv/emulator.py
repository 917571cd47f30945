"""Boot an image in Bochs (VT-x) or QEMU (kernel only) and talk to its serial line.

Both emulators connect their COM1 to a TCP socket this module listens on, so
the serial stream reaches Python as it is produced, works without a terminal,
and can later carry input too. The emulator runs in its own process group:
a Ctrl-C on the user's terminal reaches only us (Bochs would otherwise drop
into its built-in debugger), and `stop()` ends the whole group.

Use::

    with Emulator(image, kind="bochs", cores=4, memory_mib=512, workdir=d) as emu:
        m = emu.wait_for(r"sandbox 0 up", timeout=60)
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/vgabios/vgabios.bin"
# Reports VMX with EPT and unrestricted guest in Debian's Bochs 2.7.
BOCHS_CPU_MODEL = "corei7_haswell_4770"
BOCHS_IPS = 4_000_000
KINDS = ("bochs", "qemu")
SCAN_INTERVAL = 0.05  # seconds between two searches of the output by wait_for


class EmulatorError(Exception):
    """The emulator could not be started, or ended before what we waited for."""


class WaitTimeout(EmulatorError):
    """wait_for() gave up; the message carries the tail of the serial output."""


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    files: dict[str, str]  # name in workdir -> contents, written before start


def bochs_launch(image: Path, port: int, *, cores: int, memory_mib: int,
                 workdir: Path) -> Launch:
    """Command line and configuration for a headless Bochs with VMX+EPT."""
    bochsrc = "\n".join([
        "# written by questv run; regenerated at every run",
        # ips is spelled out: with sync=none it fixes how fast emulated time
        # (PIT, TSC, heartbeats) runs per emulated instruction.
        (f"cpu: model={BOCHS_CPU_MODEL}, count={cores}, ips={BOCHS_IPS}, "
         "reset_on_triple_fault=0"),
        f"memory: guest={memory_mib}, host={memory_mib}",
        f"romimage: file={BOCHS_BIOS}",
        f"vgaromimage: file={BOCHS_VGABIOS}",
        # Time follows the instruction count, so runs repeat exactly.
        "clock: sync=none, time0=local",
        f'ata0-master: type=cdrom, path="{image}", status=inserted',
        "boot: cdrom",
        f"com1: enabled=1, mode=socket-client, dev=127.0.0.1:{port}",
        # Debian's Bochs has no nogui; rfb that waits for no viewer is headless.
        'display_library: rfb, options="timeout=0"',
        "mouse: enabled=0",
        "port_e9_hack: enabled=1",
        f"log: {workdir / 'bochs.log'}",
        # A host triple fault or an emulator panic ends the run instead of
        # rebooting or asking on a terminal that may not exist.
        "panic: action=fatal",
        "error: action=report",
        "",
    ])
    argv = ["bochs", "-q", "-f", str(workdir / "bochsrc"), "-rc", str(workdir / "debugger.rc")]
    # Bochs is built with its debugger, which stops before the first
    # instruction unless its command file says continue.
    return Launch(argv, {"bochsrc": bochsrc, "debugger.rc": "c\n"})


def qemu_launch(image: Path, port: int, *, cores: int, memory_mib: int,
                workdir: Path) -> Launch:
    """Command line for QEMU's software emulation: no VT-x, so the kernel boots alone."""
    argv = [
        "qemu-system-x86_64", "-cdrom", str(image), "-boot", "d",
        "-m", str(memory_mib), "-smp", str(cores),
        "-display", "none", "-monitor", "none", "-no-reboot",
        "-serial", f"tcp:127.0.0.1:{port}",
    ]
    return Launch(argv, {})


_LAUNCHERS = {"bochs": bochs_launch, "qemu": qemu_launch}


class Emulator:
    """One emulator process and its serial line, collected by a background thread."""

    def __init__(self, image: str | Path, *, kind: str = "bochs", cores: int = 1,
                 memory_mib: int = 512, workdir: str | Path | None = None,
                 connect_timeout: float = 120.0,
                 serial_log: str | Path | None = None) -> None:
        if kind not in _LAUNCHERS:
            raise EmulatorError(f"unknown emulator {kind!r}; choose one of {', '.join(KINDS)}")
        self.image = Path(image).resolve()
        if not self.image.is_file():
            raise EmulatorError(f"{image}: no such image; build one with `questv build`")
        self.kind = kind
        self.cores = cores
        self.memory_mib = memory_mib
        self.workdir = Path(workdir or self.image.parent / f"run-{self.image.stem}").resolve()
        self.connect_timeout = connect_timeout
        # Where stop() keeps everything the serial line carried (for reading
        # a failed test's boot afterwards); None: nowhere.
        self.serial_log = Path(serial_log) if serial_log is not None else None
        self._data = bytearray()
        # The text is decoded as it arrives (a character split across two
        # chunks decodes whole) and joined only when someone looks at it.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._text_parts: list[str] = []
        self._text = ""
        self._cond = threading.Condition()
        self._eof = False
        self._conn: socket.socket | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._cursor = 0  # where read() continues

    # -- life cycle --------------------------------------------------------

    def start(self) -> None:
        """Write the emulator's files, start it and the thread that collects serial output.

        The emulator is killed when the thread that called start() ends, so call
        it from a thread that outlives the emulator (normally the main thread).
        """
        self.workdir.mkdir(parents=True, exist_ok=True)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        launch = _LAUNCHERS[self.kind](self.image, port, cores=self.cores,
                                       memory_mib=self.memory_mib, workdir=self.workdir)
        for name, text in launch.files.items():
            (self.workdir / name).write_text(text)
        self.log_path = self.workdir / f"{self.kind}.out"
        if shutil.which(launch.argv[0]) is None:
            listener.close()
            raise EmulatorError(f"{launch.argv[0]} is not installed: run `make deps`")
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                _die_with_parent(launch.argv), cwd=self.workdir, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._thread = threading.Thread(target=self._collect, args=(listener,), daemon=True,
                                        name=f"{self.kind}-serial")
        self._thread.start()

    def stop(self) -> int | None:
        """End the emulator's whole process group; returns its exit status."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
        else:
            # Anything it left behind in its group goes too.
            _signal_group(proc.pid, signal.SIGKILL)
        if self._conn is not None:
            try:
                self._conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.serial_log is not None:
            self.serial_log.parent.mkdir(parents=True, exist_ok=True)
            self.serial_log.write_bytes(self.output_bytes)
        return proc.returncode

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    # -- serial line -------------------------------------------------------

    def _collect(self, listener: socket.socket) -> None:
        listener.settimeout(0.2)
        deadline = time.monotonic() + self.connect_timeout
        try:
            while self._conn is None:
                try:
                    self._conn, _ = listener.accept()
                except TimeoutError:
                    if not self.running or time.monotonic() > deadline:
                        return
        finally:
            listener.close()
            if self._conn is None:
                with self._cond:
                    self._eof = True
                    self._cond.notify_all()
        try:
            while True:
                chunk = self._conn.recv(65536)
                if not chunk:
                    break
                with self._cond:
                    self._data += chunk
                    self._text_parts.append(self._decoder.decode(chunk))
                    self._cond.notify_all()
        except OSError:
            pass
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    @property
    def output_bytes(self) -> bytes:
        with self._cond:
            return bytes(self._data)

    @property
    def output(self) -> str:
        """Everything the serial line produced so far, as text."""
        with self._cond:
            return self._joined_text()

    def _joined_text(self) -> str:
        if self._text_parts:
            self._text += "".join(self._text_parts)
            self._text_parts.clear()
        return self._text

    @property
    def eof(self) -> bool:
        """True once the serial line closed (the emulator ended or never connected)."""
        with self._cond:
            return self._eof

    def read(self, timeout: float | None = None) -> bytes:
        """Serial bytes not yet returned by read(); b"" after `timeout` or at the end."""
        with self._cond:
            self._cond.wait_for(lambda: len(self._data) > self._cursor or self._eof, timeout)
            chunk = bytes(self._data[self._cursor:])
            self._cursor = len(self._data)
            return chunk

    def write(self, data: bytes) -> None:
        """Send bytes to the guest's COM1."""
        if self._conn is None:
            raise EmulatorError("the emulator has not connected its serial line yet")
        self._conn.sendall(data)

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = 60.0,
                 start: int = 0) -> re.Match[str]:
        """The first match of `pattern` in the output from character `start` on.

        Waits until it appears; raises WaitTimeout (with the output's tail)
        after `timeout` seconds or when the emulator ends without it.
        """
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        scanned, last_scan, text = -1, float("-inf"), ""
        with self._cond:
            while True:
                now = time.monotonic()
                fresh = len(self._data) != scanned
                final = now >= deadline or self._eof
                # Bochs sends a byte at a time: searching a long log again for every
                # byte would cost more than the emulation, so at most once every
                # SCAN_INTERVAL, and once more at the end.
                if fresh and (final or now - last_scan >= SCAN_INTERVAL):
                    scanned, last_scan = len(self._data), now
                    text = self._joined_text()
                    m = regex.search(text, start)
                    if m:
                        return m
                    fresh = False
                if final and not fresh:
                    why = "the serial line closed" if self._eof else f"{timeout:g} s passed"
                    raise WaitTimeout(f"{regex.pattern!r} did not appear ({why}); "
                                      f"{self.kind} exit status {self.returncode}; "
                                      f"serial output ends with:\n{_tail(text)}")
                if fresh:
                    self._cond.wait(max(SCAN_INTERVAL - (now - last_scan), 0.001))
                else:
                    self._cond.wait(min(deadline - now, 1.0))


class SerialPipe:
    """The emulator's serial line as an ordinary socket, `host_end` (for a HubLink's
    SocketTransport): one thread copies what the board sends into the pair, the
    other what the host writes back out to the board."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.host_end, self.board_end = socket.socketpair()
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self._down, daemon=True, name="pipe-down"),
                        threading.Thread(target=self._up, daemon=True, name="pipe-up")]
        for t in self.threads:
            t.start()

    def _down(self) -> None:
        while not self.done.is_set():
            data = self.emulator.read(timeout=0.05)   # returns as soon as bytes arrive
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


def _die_with_parent(argv: list[str]) -> list[str]:
    """The command, made to be killed when the thread that started it dies.

    The emulator has its own session (terminal signals must not reach it), so
    without this a killed test run or a crashed questv would leave it running.
    setpriv (util-linux) sets the parent-death signal and then execs it.
    """
    if shutil.which("setpriv") is None:
        return argv
    return ["setpriv", "--pdeathsig", "KILL", "--", *argv]


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:]) or "(nothing)"


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
