"""The host's end of the board's serial line: transports and the framed link
to the console hub (handshake, frames in, input out)."""

from __future__ import annotations

import os
import select
import socket
import time
from collections.abc import Callable
from typing import Protocol

from . import frame as F


class HubError(RuntimeError):
    """The board did not answer as a console hub should; the message says what to try."""


class Transport(Protocol):
    def fileno(self) -> int: ...
    def send(self, data: bytes) -> None: ...
    def recv(self) -> bytes: ...  # what is there now; b"" if nothing; EOFError when closed
    def close(self) -> None: ...


class SocketTransport:
    """A connected socket: the emulator's serial line, or a test's socketpair."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        sock.setblocking(False)

    def fileno(self) -> int:
        return self.sock.fileno()

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = self.sock.send(view)
            except BlockingIOError:
                select.select([], [self.sock], [], 1.0)
                continue
            view = view[n:]

    def recv(self) -> bytes:
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return b""
        except ConnectionResetError as err:
            raise EOFError("the serial line was reset") from err
        if not data:
            raise EOFError("the serial line closed")
        return data

    def close(self) -> None:
        self.sock.close()


class FdTransport:
    """A pair of file descriptors (a pty, a pipe pair, a character device)."""

    def __init__(self, rfd: int, wfd: int | None = None) -> None:
        self.rfd = rfd
        self.wfd = rfd if wfd is None else wfd
        os.set_blocking(self.rfd, False)

    def fileno(self) -> int:
        return self.rfd

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.wfd, view)
            except BlockingIOError:
                select.select([], [self.wfd], [], 1.0)
                continue
            view = view[n:]

    def recv(self) -> bytes:
        try:
            data = os.read(self.rfd, 65536)
        except BlockingIOError:
            return b""
        except OSError as err:  # EIO: the other side of a pty went away
            raise EOFError(str(err)) from err
        if not data:
            raise EOFError("the serial line closed")
        return data

    def close(self) -> None:
        os.close(self.rfd)
        if self.wfd != self.rfd:
            os.close(self.wfd)


class SerialTransport:
    """A real serial port through pyserial."""

    def __init__(self, device: str, baud: int = 115200) -> None:
        import serial  # pyserial; imported here so the rest works without a port

        try:
            self.port = serial.Serial(device, baud, timeout=0, write_timeout=5)
        except serial.SerialException as err:
            raise HubError(f"cannot open {device}: {err}") from err

    def fileno(self) -> int:
        return self.port.fileno()

    def send(self, data: bytes) -> None:
        self.port.write(data)

    def recv(self) -> bytes:
        data = self.port.read(self.port.in_waiting or 1)
        return bytes(data)

    def close(self) -> None:
        self.port.close()


def open_transport(spec: str, baud: int = 115200) -> Transport:
    """`tcp:HOST:PORT` (the emulator's serial socket), `unix:PATH`, or a serial
    device path such as /dev/ttyUSB0 (through pyserial)."""
    if spec.startswith("tcp:"):
        host, _, port = spec[4:].rpartition(":")
        if not port.isdigit():
            raise HubError(f"{spec!r}: write tcp:HOST:PORT, e.g. tcp:127.0.0.1:4555")
        try:
            sock = socket.create_connection((host or "127.0.0.1", int(port)), timeout=5)
        except OSError as err:
            raise HubError(f"cannot connect to {spec}: {err}; is `questv run` running?") \
                from err
        return SocketTransport(sock)
    if spec.startswith("unix:"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(spec[5:])
        except OSError as err:
            sock.close()
            raise HubError(f"cannot connect to {spec}: {err}") from err
        return SocketTransport(sock)
    return SerialTransport(spec, baud)


class HubLink:
    """Framed conversation with the hub. `poll()` hands back good frames;
    corrupt ones are counted in `counts` and never returned."""

    RESYNC_AFTER = 1.0  # seconds of garbage without a good frame before asking again

    def __init__(self, transport: Transport,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.transport = transport
        self.enc = F.Encoder(F.TO_BOARD)
        self.dec = F.Decoder(F.TO_HOST)
        self.hello: F.Hello | None = None
        self.clock = clock
        self._nonce = b""
        self._last_sync = 0.0
        self._last_good = 0.0
        self._raw_since_good = 0
        self.resyncs = 0

    @property
    def counts(self) -> F.Counts:
        return self.dec.counts

    def fileno(self) -> int:
        return self.transport.fileno()

    def _sync(self) -> None:
        self._nonce = os.urandom(4)
        self._last_sync = self.clock()
        # The raw sequence switches a hub in plain mode; a hub already framed
        # (a previous session died) drops it as garbage and answers the SYNC.
        self.transport.send(F.HANDSHAKE + self.enc.frame(F.FrameType.SYNC, payload=self._nonce))

    def handshake(self, timeout: float = 5.0, retry: float = 0.5) -> tuple[F.Hello,
                                                                           list[F.Frame]]:
        """Switches the hub to framed mode. Returns its HELLO and any frames
        that came with it (output the hub had buffered)."""
        deadline = self.clock() + timeout
        early: list[F.Frame] = []
        self._sync()
        while self.clock() < deadline:
            if self.clock() - self._last_sync > retry:
                self._sync()
            frames = self._read(min(retry, max(0.0, deadline - self.clock())))
            for i, f in enumerate(frames):
                if f.type == F.FrameType.HELLO and f.payload[:4] == self._nonce:
                    self.hello = F.Hello.parse(f.payload)
                    if self.hello.version != F.VERSION:
                        raise HubError(f"the hub speaks protocol {self.hello.version}, "
                                       f"this tool {F.VERSION}: update one of them")
                    # Frames that came in the same read are output too.
                    early += [g for g in frames[i + 1:] if g.type != F.FrameType.HELLO]
                    return self.hello, early
                if f.type != F.FrameType.HELLO:
                    early.append(f)
        raise HubError(f"no answer from the console hub within {timeout:g} s: is the board "
                       "booted, is this its serial line, and is the baud rate right?")

    def _read(self, timeout: float) -> list[F.Frame]:
        ready, _, _ = select.select([self.transport], [], [], timeout)
        if not ready:
            return []
        data = self.transport.recv()
        frames = self.dec.feed(data)
        if frames:
            self._last_good = self.clock()
            self._raw_since_good = 0
        else:
            self._raw_since_good += len(data)
        return frames

    def poll(self, timeout: float = 0.0) -> list[F.Frame]:
        """Frames that arrived (waits up to timeout for the first). A HELLO
        out of turn (the hub restarted and was asked again) updates `hello`."""
        frames = self._read(timeout)
        out = []
        for f in frames:
            if f.type == F.FrameType.HELLO:
                self.hello = F.Hello.parse(f.payload)
            else:
                out.append(f)
        self.maybe_resync()
        return out

    def maybe_resync(self) -> None:
        """Call now and then: re-does the handshake when only garbage comes in."""
        # A hub that restarted is back in plain mode: its text arrives here
        # as bytes that make no frame. Ask it to switch again, at most once
        # per RESYNC_AFTER.
        now = self.clock()
        if self._raw_since_good > 8 and now - self._last_good > self.RESYNC_AFTER and \
                now - self._last_sync > self.RESYNC_AFTER:
            self.resyncs += 1
            self._raw_since_good = 0
            self._sync()

    def take_text(self) -> list[str]:
        """Lines the monitors printed between frames since the last call."""
        # one stretch of text between two frames may hold several lines
        lines = [ln for raw in self.dec.text for ln in raw.decode("ascii").splitlines()]
        self.dec.text.clear()
        return lines

    def send_data(self, sb: int, data: bytes) -> None:
        if data:
            self.transport.send(self.enc.data(sb, data))

    def send_keys(self, sb: int, data: bytes) -> None:
        """Input as typed: Ctrl-C becomes a BREAK frame, the rest DATA."""
        parts = data.split(bytes((F.CTRL_C,)))
        out = bytearray()
        for i, part in enumerate(parts):
            if i:
                out += self.enc.frame(F.FrameType.BREAK, sb)
            if part:
                out += self.enc.data(sb, part)
        if out:
            self.transport.send(bytes(out))

    def send_break(self, sb: int) -> None:
        self.transport.send(self.enc.frame(F.FrameType.BREAK, sb))

    def focus(self, sb: int) -> None:
        self.transport.send(self.enc.frame(F.FrameType.FOCUS, sb))

    def request_stats(self) -> None:
        self.transport.send(self.enc.frame(F.FrameType.STATS_REQ))

    def bye(self) -> None:
        """Puts the hub back in plain mode (for a person on a terminal)."""
        try:
            self.transport.send(self.enc.frame(F.FrameType.BYE))
        except OSError:
            pass

    def close(self) -> None:
        self.transport.close()
