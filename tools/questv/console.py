"""`questv console`: a terminal on the board's serial line.

The line is anything pyserial opens: a device (`/dev/ttyUSB0`) for a real
board, or a URL such as `socket://127.0.0.1:PORT` for an image run with
`questv run --serial socket`. Until the console hub multiplexes the sandboxes'
consoles over this line, it shows the line as it is (each sandbox's lines
carry its `[sbN]` prefix).
"""

from __future__ import annotations

import select
import socket
import time
from urllib.parse import urlsplit

import serial

from .runner import ConsoleGone, StdioConsole, say

EXIT_KEY = b"\x1d"  # Ctrl-]


class ConsoleError(Exception):
    """The serial line cannot be opened."""


def console(line: str, *, baud: int = 115200, timeout: float | None = None) -> int:
    """Relay between the serial line and this terminal until Ctrl-], Ctrl-C, the
    timeout, or the line closing."""
    try:
        if line.startswith("socket://"):
            port: serial.SerialBase | _SocketLine = _SocketLine(line)
        else:
            port = serial.serial_for_url(line, baudrate=baud, timeout=0.05)
    except (serial.SerialException, ValueError, OSError) as err:
        raise ConsoleError(f"cannot open {line}: {err}") from err
    stdio = StdioConsole()
    say(f"console on {line} at {baud} baud; Ctrl-] or Ctrl-C ends it")
    reason = "interrupted"
    try:
        reason = _relay(port, stdio, timeout)
    except KeyboardInterrupt:
        pass
    finally:
        stdio.close()
        port.close()
    say(f"console closed ({reason})")
    return 0


class _SocketLine:
    """socket://HOST:PORT without pyserial, whose socket handler empties its input
    buffer right after connecting and so may drop what the other end sent first."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.hostname or not parts.port:
            raise ValueError(f"{url} is not socket://HOST:PORT")
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=10)

    def read(self, size: int) -> bytes:
        if not select.select([self.sock], [], [], 0.05)[0]:
            return b""
        data = self.sock.recv(size)
        if not data:
            raise serial.SerialException("socket disconnected")
        return data

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        self.sock.close()


def _relay(port: serial.SerialBase | _SocketLine, stdio: StdioConsole,
           timeout: float | None) -> str:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            data = port.read(4096)
        except (serial.SerialException, OSError):
            return "the line closed"
        if data:
            try:
                stdio.send(data)
            except ConsoleGone as err:
                return str(err)
        for keys in stdio.receive():
            if EXIT_KEY in keys:
                return "Ctrl-]"
            port.write(keys)
        if deadline is not None and time.monotonic() > deadline:
            return f"timeout of {timeout:g} s"
