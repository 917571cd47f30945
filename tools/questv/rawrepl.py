"""A raw-REPL client: run code on a board's Python REPL and get its output back.

The protocol is MicroPython's (docs/cli.md): Ctrl-A enters raw mode (the
board answers "raw REPL; CTRL-B to exit\\r\\n>"), code ends with Ctrl-D, the
board answers "OK", then the program's stdout, \\x04, its stderr (the
traceback), \\x04, and ">" for the next one. Raw-paste mode (Ctrl-E "A"
Ctrl-A) adds flow control: the board grants a window of bytes and sends
\\x01 each time the host may send one more window, so a long file never
overruns a slow board's input buffer. Boards that do not offer raw-paste
get the plain raw mode, written in small pieces.

`RawRepl` works over two callables, so that the same client drives a pty, a
hub stream (tools/questv/hub) or a fake device in a test.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable

Read = Callable[[float], bytes]   # (timeout in s) -> whatever arrived, b"" if nothing
Write = Callable[[bytes], None]

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
PLAIN_CHUNK = 256          # bytes per write without raw-paste flow control
PLAIN_PAUSE = 0.01         # seconds between those writes


class RawReplError(Exception):
    """The board did not answer as the protocol says (what was expected, what came)."""


class RawRepl:
    """One raw-REPL session. `exec` returns (stdout, stderr) as bytes."""

    def __init__(self, read: Read, write: Write, *, timeout: float = 10.0,
                 raw_paste: bool = True) -> None:
        self._read = read
        self._write = write
        self.timeout = timeout
        self.use_raw_paste = raw_paste
        self.raw_paste_used = False   # whether the last exec went through raw-paste
        self._buf = bytearray()
        self.in_raw = False

    # -- bytes in -------------------------------------------------------

    def _fill(self, deadline: float) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        data = self._read(min(left, 0.5))
        self._buf += data
        return True

    def read_until(self, marker: bytes, timeout: float | None = None) -> bytes:
        """Everything up to and including `marker`; RawReplError on timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            at = self._buf.find(marker)
            if at >= 0:
                out = bytes(self._buf[:at + len(marker)])
                del self._buf[:at + len(marker)]
                return out
            if not self._fill(deadline):
                raise RawReplError(f"timed out waiting for {marker!r}; got "
                                   f"{bytes(self._buf[-200:])!r}")

    def _read_exact(self, n: int, timeout: float | None = None) -> bytes:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while len(self._buf) < n:
            if not self._fill(deadline):
                raise RawReplError(f"timed out waiting for {n} bytes; got {bytes(self._buf)!r}")
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def _pending(self) -> bytes:
        """Bytes already sent by the board (a flow-control byte during raw-paste)."""
        self._buf += self._read(0)
        return bytes(self._buf)

    # -- the protocol ---------------------------------------------------

    def enter(self) -> None:
        """Interrupt whatever runs and enter raw mode; ends at the ">" prompt."""
        self._write(b"\r\x03\x03")       # Ctrl-C twice: stop a running program
        time.sleep(0.05)
        self._buf.clear()
        # Drop the friendly REPL's output so far, for at most a second: a
        # service printing on the same console must not keep us here.
        until = time.monotonic() + 1.0
        while self._read(0.05) and time.monotonic() < until:
            pass
        self._write(b"\r\x01")          # Ctrl-A
        self.read_until(RAW_BANNER + b">")
        self.in_raw = True

    def exit(self) -> None:
        """Back to the friendly REPL (Ctrl-B)."""
        self._write(b"\r\x02")
        self.in_raw = False

    def exec(self, code: str | bytes, timeout: float | None = None) -> tuple[bytes, bytes]:
        """Run `code` in the board's REPL interpreter; (stdout, stderr)."""
        if not self.in_raw:
            raise RawReplError("not in raw mode: call enter() first")
        data = code.encode() if isinstance(code, str) else bytes(code)
        self._send(data)
        return self.result(timeout)

    def result(self, timeout: float | None = None) -> tuple[bytes, bytes]:
        """(stdout, stderr) of code the board has taken ("OK" read), up to the next prompt."""
        out = self.read_until(b"\x04", timeout)[:-1]
        err = self.read_until(b"\x04", timeout)[:-1]
        self.read_until(b">", timeout)   # the prompt for the next one
        return out, err

    def _send(self, data: bytes) -> None:
        self.raw_paste_used = False
        if self.use_raw_paste:
            self._write(b"\x05A\x01")
            answer = self._read_exact(2)
            if answer == b"R\x01":
                self._raw_paste(data)
                self.raw_paste_used = True
                return
            if answer != b"R\x00":
                # A board that does not know the request takes it as input and
                # answers with its raw prompt again.
                self.read_until(b"w REPL; CTRL-B to exit\r\n>")
            self.use_raw_paste = False
        for i in range(0, len(data), PLAIN_CHUNK):
            self._write(data[i:i + PLAIN_CHUNK])
            time.sleep(PLAIN_PAUSE)
        self._write(b"\x04")
        answer = self._read_exact(2)
        if answer != b"OK":
            raise RawReplError(f"the board did not take the code: {answer!r}")

    def _raw_paste(self, data: bytes) -> None:
        window = struct.unpack("<H", self._read_exact(2))[0]
        if window == 0:
            raise RawReplError("raw-paste window of 0 bytes")
        allowed = window
        i = 0
        while i < len(data):
            while allowed == 0 or self._pending():
                if not self._buf:
                    self._fill(time.monotonic() + self.timeout)
                    if not self._buf:
                        raise RawReplError("raw-paste: no window granted in time")
                    continue
                flag = self._buf[0]
                del self._buf[0]
                if flag == 0x01:
                    allowed += window
                elif flag == 0x04:            # the board ended the paste (e.g. an error)
                    self._write(b"\x04")
                    return
                else:
                    raise RawReplError(f"raw-paste: unexpected byte {bytes([flag])!r}")
            piece = data[i:i + allowed]
            self._write(piece)
            allowed -= len(piece)
            i += len(piece)
        self._write(b"\x04")
        self.read_until(b"\x04")             # the board's end-of-data acknowledgement
