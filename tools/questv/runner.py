"""`questv run`: boot an image and connect its serial console to the user.

The console goes to one of three places: standard output (keystrokes from a
terminal go back to the guest), a pty whose name is printed, or a TCP port on
127.0.0.1 whose number is printed. The run ends when the emulator does, when
the timeout passes, or on Ctrl-C; in every case the emulator's process group
is ended and the terminal is put back as it was.
"""

from __future__ import annotations

import os
import select
import socket
import sys
import termios
import time
import tty
from collections.abc import Callable
from pathlib import Path

from . import manifest
from .emulator import Emulator
from .image import kernel_only_path, read_manifest

SERIAL_MODES = ("stdio", "pty", "socket")


def say(message: str) -> None:
    """Our own messages go to stderr, so that stdout carries only the guest's console."""
    print(f"questv: {message}", file=sys.stderr, flush=True)


def run(image: str | Path, *, kind: str = "bochs", timeout: float | None = None,
        cores: int | None = None, serial: str = "stdio") -> int:
    """Boot `image`; returns the exit status for the CLI."""
    image = Path(image)
    header = manifest.read_header(read_manifest(image))
    if kind == "qemu":
        image = kernel_only_path(image)
        say("QEMU has no VT-x: booting the sandbox kernel alone, without the monitor. "
            "ISOLATION IS OFF.")
    n_cores = cores or header.machine_cores
    emu = Emulator(image, kind=kind, cores=n_cores, memory_mib=header.machine_mem_mib)
    console = _CONSOLES[serial]()
    say(f"booting {image} in {kind} ({n_cores} cores, {header.machine_mem_mib} MiB"
        f"{', test build' if header.test_build else ''}); Ctrl-C ends it; files in "
        f"{emu.workdir}")
    emu.start()
    reason = "interrupted"
    try:
        reason = _pump(emu, console, timeout)
    except KeyboardInterrupt:
        pass
    except ConsoleGone as err:
        reason = str(err)
    finally:
        console.close()
        status = emu.stop()
    say(f"{kind} stopped ({reason}, exit status {status})")
    if reason == "emulator ended" and status not in (0, None):
        say(f"see {emu.workdir / (kind + '.out')} and {emu.workdir / 'bochs.log'}"
            if kind == "bochs" else f"see {emu.workdir / (kind + '.out')}")
        return 1
    return 0


def _pump(emu: Emulator, console: _Console, timeout: float | None) -> str:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        chunk = emu.read(timeout=0.05)
        if chunk:
            console.send(chunk)
        for data in console.receive():
            if emu.running and not emu.eof:
                try:
                    emu.write(data)
                except OSError:
                    pass
        if emu.eof and not chunk:
            return "emulator ended"
        if deadline is not None and time.monotonic() > deadline:
            return f"timeout of {timeout:g} s"


class ConsoleGone(Exception):
    """Nobody can receive the console any more."""


class _Console:
    """Where the guest's serial output goes and where its input comes from."""

    def send(self, data: bytes) -> None:
        raise NotImplementedError

    def receive(self) -> list[bytes]:
        return []

    def close(self) -> None:
        pass


class StdioConsole(_Console):
    """stdout; a terminal on stdin is switched to unbuffered input without echo (Ctrl-C
    still interrupts) and restored at the end. Without a terminal, input is not read."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno() if sys.stdin is not None else -1
        self.saved = None
        if self.fd >= 0 and os.isatty(self.fd):
            self.saved = termios.tcgetattr(self.fd)
            mode = termios.tcgetattr(self.fd)
            mode[3] &= ~(termios.ICANON | termios.ECHO)  # lflag; ISIG stays for Ctrl-C
            mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
            termios.tcsetattr(self.fd, termios.TCSANOW, mode)
        self.out = sys.stdout.buffer

    def send(self, data: bytes) -> None:
        try:
            self.out.write(data)
            self.out.flush()
        except BrokenPipeError as err:  # e.g. `questv run | head`
            raise ConsoleGone("standard output closed") from err

    def receive(self) -> list[bytes]:
        if self.saved is None:
            return []
        ready, _, _ = select.select([self.fd], [], [], 0)
        return [os.read(self.fd, 1024)] if ready else []

    def close(self) -> None:
        if self.saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)
            self.saved = None


class _Pty(_Console):
    """A pseudo-terminal: connect with `screen /dev/pts/N` or `picocom`."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # the guest does its own echo and line editing
        os.set_blocking(self.master, False)
        say(f"serial console on {os.ttyname(self.slave)}")

    def send(self, data: bytes) -> None:
        try:
            os.write(self.master, data)
        except BlockingIOError:
            pass  # nobody reads and the pty buffer is full: drop, as a UART would

    def receive(self) -> list[bytes]:
        try:
            return [os.read(self.master, 1024)]
        except (BlockingIOError, OSError):
            return []

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


class _Socket(_Console):
    """A TCP port on 127.0.0.1 (`nc 127.0.0.1 PORT`); one client at a time, and the
    output produced before it connected is sent to it first."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.setblocking(False)
        self.client: socket.socket | None = None
        self.backlog = bytearray()
        say(f"serial console on tcp 127.0.0.1:{self.listener.getsockname()[1]}")

    def _accept(self) -> None:
        if self.client is None:
            try:
                self.client, _ = self.listener.accept()
            except BlockingIOError:
                return
            self.client.sendall(self.backlog)
            self.backlog.clear()
            self.client.setblocking(False)

    def send(self, data: bytes) -> None:
        self._accept()
        if self.client is None:
            self.backlog += data
            return
        try:
            self.client.sendall(data)
        except OSError:
            self.client.close()
            self.client = None

    def receive(self) -> list[bytes]:
        self._accept()
        if self.client is None:
            return []
        try:
            data = self.client.recv(1024)
        except BlockingIOError:
            return []
        except OSError:
            data = b""
        if not data:
            self.client.close()
            self.client = None
            return []
        return [data]

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        self.listener.close()


_CONSOLES: dict[str, Callable[[], _Console]] = {
    "stdio": StdioConsole, "pty": _Pty, "socket": _Socket,
}
