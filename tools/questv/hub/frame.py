"""The console hub's framed protocol, host side (docs/console.md).

Mirror of kernel/console/frame.h: the same frame types, the same encoder and
the same decoder state machine, so that either side can talk to the other.
The tests run both against each other on the same bytes.
"""

from __future__ import annotations

import enum
import zlib
from dataclasses import dataclass, field

FLAG = 0x7E
ESC = 0x7D
XOR = 0x20
MAX_PAYLOAD = 256
HEADER = 5
TRAILER = 4
MAX_BODY = HEADER + TRAILER + MAX_PAYLOAD
MAX_TEXT = 8192  # monitor text kept between two frames
SB_HUB = 0xFF
MAX_SB = 16
VERSION = 1
# DLE STX "QVF1" DLE ETX: switches the hub from plain to framed mode.
HANDSHAKE = b"\x10\x02QVF1\x10\x03"
ESCAPE = 0x1D  # Ctrl-]: in plain mode, followed by a hex digit, moves input focus
CTRL_C = 0x03

TO_HOST = 1
TO_BOARD = 2

STATS_NAMES = ("frames_ok", "crc_errors", "length_errors", "escape_errors", "invalid",
               "noise_bytes", "seq_gaps", "frames_sent", "dropped_bytes", "breaks")


class FrameType(enum.IntEnum):
    DATA = 0x01
    BREAK = 0x02
    DROPPED = 0x03
    LOG = 0x04
    SYNC = 0x10
    HELLO = 0x11
    BYE = 0x12
    FOCUS = 0x13
    STATS_REQ = 0x14
    STATS = 0x15
    ACK = 0x16


@dataclass(frozen=True)
class TypeInfo:
    dirs: int
    to_sandbox: bool
    min_len: int
    max_len: int


# Same rows as QV_FRAME_TYPES in kernel/console/frame.h.
TYPES: dict[FrameType, TypeInfo] = {
    FrameType.DATA: TypeInfo(TO_HOST | TO_BOARD, True, 1, MAX_PAYLOAD),
    FrameType.BREAK: TypeInfo(TO_BOARD, True, 0, 0),
    FrameType.DROPPED: TypeInfo(TO_HOST, True, 4, 4),
    FrameType.LOG: TypeInfo(TO_HOST, True, 1, MAX_PAYLOAD),
    FrameType.SYNC: TypeInfo(TO_BOARD, False, 4, 4),
    FrameType.HELLO: TypeInfo(TO_HOST, False, 10, 10),
    FrameType.BYE: TypeInfo(TO_BOARD, False, 0, 0),
    FrameType.FOCUS: TypeInfo(TO_BOARD, True, 0, 0),
    FrameType.STATS_REQ: TypeInfo(TO_BOARD, False, 0, 0),
    FrameType.STATS: TypeInfo(TO_HOST, False, 4 * len(STATS_NAMES), 4 * len(STATS_NAMES)),
    FrameType.ACK: TypeInfo(TO_HOST, False, 1, 1),
}


class FrameError(ValueError):
    """A frame that cannot be encoded (payload too long, field out of range)."""


@dataclass(frozen=True)
class Frame:
    type: int
    sb: int
    seq: int
    payload: bytes


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def _stuff(body: bytes) -> bytes:
    return body.replace(b"\x7d", b"\x7d\x5d").replace(b"\x7e", b"\x7d\x5e")


def encode(ftype: int, sb: int, payload: bytes = b"", seq: int = 0) -> bytes:
    """One frame on the wire, flags included. Does not check the type table
    (tests build invalid frames with it); the Encoder does."""
    if len(payload) > MAX_PAYLOAD:
        raise FrameError(f"payload of {len(payload)} bytes; a frame carries at most "
                         f"{MAX_PAYLOAD}")
    for name, v in (("type", ftype), ("sandbox", sb), ("seq", seq)):
        if not 0 <= v <= 0xFF:
            raise FrameError(f"{name} {v} does not fit in a byte")
    body = bytes((ftype, sb, seq, len(payload) & 0xFF, len(payload) >> 8)) + payload
    body += crc32(body).to_bytes(4, "little")
    return bytes((FLAG,)) + _stuff(body) + bytes((FLAG,))


class Encoder:
    """Numbers frames in sequence and checks them against the type table."""

    def __init__(self, direction: int) -> None:
        self.direction = direction
        self.seq = 0

    def frame(self, ftype: FrameType, sb: int = SB_HUB, payload: bytes = b"") -> bytes:
        info = TYPES[ftype]
        if not info.dirs & self.direction:
            raise FrameError(f"{ftype.name} frames do not travel this way")
        if info.to_sandbox and not 0 <= sb < MAX_SB:
            raise FrameError(f"sandbox {sb} is not 0..{MAX_SB - 1}")
        if not info.min_len <= len(payload) <= info.max_len:
            raise FrameError(f"{ftype.name} carries {info.min_len}..{info.max_len} bytes, "
                             f"not {len(payload)}")
        out = encode(ftype, sb if info.to_sandbox else SB_HUB, payload, self.seq)
        self.seq = (self.seq + 1) & 0xFF
        return out

    def data(self, sb: int, data: bytes) -> bytes:
        """DATA frames for any amount of bytes (split at MAX_PAYLOAD)."""
        return b"".join(self.frame(FrameType.DATA, sb, data[i:i + MAX_PAYLOAD])
                        for i in range(0, len(data), MAX_PAYLOAD))


@dataclass
class Counts:
    frames_ok: int = 0
    crc_errors: int = 0
    length_errors: int = 0
    escape_errors: int = 0
    invalid: int = 0
    noise_bytes: int = 0
    seq_gaps: int = 0

    @property
    def corrupt(self) -> int:
        """Frames seen but not delivered."""
        return self.crc_errors + self.length_errors + self.escape_errors + self.invalid


_HUNT, _BODY, _ESC = range(3)


def _printable(c: int) -> bool:
    return 32 <= c < 127 or c in (9, 10, 13)


def _is_text(body: bytes) -> bool:
    """Printable lines ending in a newline: what a monitor writes."""
    return body.endswith(b"\n") and all(_printable(c) for c in body)


@dataclass
class Decoder:
    """The same state machine as qv_frame_feed(): frames are delimited by
    flags, every frame that fails a check is counted once and dropped."""

    direction: int
    counts: Counts = field(default_factory=Counts)
    _state: int = _HUNT
    _body: bytearray = field(default_factory=bytearray)
    _next_seq: int = 0  # senders start at 0; SYNC and HELLO restart the count
    # Whole lines of text found between frames: the monitors print their own
    # lines (fault records, exit reports) on the same serial line, between
    # the hub's frames (docs/console.md, "On the board"). Still counted as
    # length errors, like the C decoder does; kept here so they can be shown.
    text: list[bytes] = field(default_factory=list)
    # Text longer than a frame (several monitor lines in a row): the state
    # machine drops it as the C decoder does (a length error, then noise
    # until the next flag), and this keeps it aside meanwhile.
    _spill: bytearray | None = None

    def feed(self, data: bytes) -> list[Frame]:
        out: list[Frame] = []
        for b in data:
            frame = self._byte(b)
            if frame is not None:
                out.append(frame)
        return out

    def _byte(self, b: int) -> Frame | None:
        if b == FLAG:
            if self._spill is not None:
                if self._spill.endswith(b"\n"):  # printable: checked as it grew
                    self.text.append(bytes(self._spill))
                self._spill = None
            frame = None
            if self._state == _ESC:
                self.counts.escape_errors += 1
            elif self._state == _BODY and self._body:
                frame = self._finish()
            self._state = _BODY
            self._body.clear()
            return frame
        if self._state == _HUNT:
            self.counts.noise_bytes += 1
            if self._spill is not None:
                if len(self._spill) < MAX_TEXT and _printable(b):
                    self._spill.append(b)
                else:
                    self._spill = None
        elif self._state == _ESC:
            b ^= XOR
            if b in (FLAG, ESC):
                self._append(b)
            else:
                self.counts.escape_errors += 1
                self._state = _HUNT
        elif b == ESC:
            self._state = _ESC
        else:
            self._append(b)
        return None

    def _append(self, b: int) -> None:
        if len(self._body) >= MAX_BODY:
            self.counts.length_errors += 1
            self._state = _HUNT
            if all(_printable(c) for c in self._body) and _printable(b):
                self._spill = bytearray(self._body)
                self._spill.append(b)
            return
        self._body.append(b)
        self._state = _BODY

    def _finish(self) -> Frame | None:
        body = bytes(self._body)
        n = len(body)
        if n < HEADER + TRAILER or body[3] | body[4] << 8 != n - HEADER - TRAILER:
            self.counts.length_errors += 1
            if _is_text(body):
                self.text.append(body)
            return None
        if crc32(body[:-TRAILER]) != int.from_bytes(body[-TRAILER:], "little"):
            self.counts.crc_errors += 1
            return None
        frame = Frame(body[0], body[1], body[2], body[HEADER:-TRAILER])
        if frame.seq != self._next_seq and frame.type not in (FrameType.SYNC, FrameType.HELLO):
            self.counts.seq_gaps += (frame.seq - self._next_seq) & 0xFF
        self._next_seq = (frame.seq + 1) & 0xFF
        if not self._allowed(frame):
            self.counts.invalid += 1
            return None
        self.counts.frames_ok += 1
        return frame

    def _allowed(self, f: Frame) -> bool:
        try:
            info = TYPES[FrameType(f.type)]
        except ValueError:
            return False
        sb_ok = f.sb < MAX_SB if info.to_sandbox else f.sb == SB_HUB
        return bool(info.dirs & self.direction) and sb_ok and \
            info.min_len <= len(f.payload) <= info.max_len


@dataclass(frozen=True)
class Hello:
    """What the hub says when the host connects (the HELLO frame)."""

    nonce: bytes
    version: int
    hub_sb: int
    sandboxes: tuple[int, ...]
    focus: int
    max_sb: int

    @classmethod
    def parse(cls, payload: bytes) -> Hello:
        mask = payload[6] | payload[7] << 8
        return cls(payload[:4], payload[4], payload[5],
                   tuple(i for i in range(16) if mask >> i & 1), payload[8], payload[9])


def parse_stats(payload: bytes) -> dict[str, int]:
    return {name: int.from_bytes(payload[4 * i:4 * i + 4], "little")
            for i, name in enumerate(STATS_NAMES)}
