"""ctypes binding of the console hub (build/host/libqvconsole.so: the hub,
the frame codec and tests/kernel/console_harness.c)."""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "build" / "host" / "libqvconsole.so"
U8, U16, U32 = ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32
VP, SZ = ctypes.c_void_p, ctypes.c_size_t
STATS_NAMES = ("frames_ok", "crc_errors", "length_errors", "escape_errors", "invalid",
               "noise_bytes", "seq_gaps", "frames_sent", "dropped_bytes", "breaks")


class CountsC(ctypes.Structure):
    _fields_ = [(n, U32) for n in ("frames_ok", "crc_errors", "length_errors",
                                  "escape_errors", "invalid", "noise_bytes", "seq_gaps")]


_lib: ctypes.CDLL | None = None


def load() -> ctypes.CDLL:
    global _lib
    if _lib is not None:
        return _lib
    if not LIB.exists():
        raise FileNotFoundError(f"{LIB} is missing: run `make binaries` first")
    lib = ctypes.CDLL(str(LIB))
    sigs = {
        "hh_new": (VP, [U16, U8]),
        "hh_free": (None, [VP]),
        "hh_hub": (VP, [VP]),
        "hh_set_budget": (None, [VP, ctypes.c_long]),
        "hh_take_out": (SZ, [VP, ctypes.c_char_p, SZ]),
        "hh_take_in": (SZ, [VP, U8, ctypes.c_char_p, SZ]),
        "hh_breaks": (U32, [VP, U8]),
        "hh_overflow": (U32, [VP]),
        "hh_dec_new": (VP, [U8]),
        "hh_dec_free": (None, [VP]),
        "hh_dec_feed": (SZ, [VP, ctypes.c_char_p, SZ, ctypes.c_char_p, SZ]),
        "hh_dec_counts": (ctypes.POINTER(CountsC), [VP]),
        "hh_type_row": (ctypes.c_int, [U8, ctypes.POINTER(U8), ctypes.POINTER(U8),
                                       ctypes.POINTER(U16), ctypes.POINTER(U16)]),
        "hh_nstats": (ctypes.c_uint, []),
        "qv_hub_output": (SZ, [VP, U8, ctypes.c_char_p, SZ]),
        "qv_hub_rx": (None, [VP, ctypes.c_char_p, SZ]),
        "qv_hub_pump": (ctypes.c_bool, [VP]),
        "qv_hub_mode": (ctypes.c_int, [VP]),
        "qv_hub_set_listening": (None, [VP, ctypes.c_bool]),
        "qv_hub_focus": (U8, [VP]),
        "qv_hub_dropped": (U32, [VP, U8]),
        "qv_hub_pending": (U32, [VP, U8]),
        "qv_hub_stats": (None, [VP, ctypes.POINTER(U32)]),
        "qv_crc32": (U32, [U32, ctypes.c_char_p, SZ]),
        "qv_frame_encode": (SZ, [ctypes.c_char_p, SZ, U8, U8, U8, ctypes.c_char_p, SZ]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    _lib = lib
    return lib


PLAIN, FRAMED = 0, 1


class CHub:
    """A C hub whose UART output and per-sandbox input are captured."""

    def __init__(self, sandboxes: list[int] | tuple[int, ...], hub_sb: int = 0) -> None:
        self.lib = load()
        mask = 0
        for sb in sandboxes:
            mask |= 1 << sb
        self.h = self.lib.hh_new(mask, hub_sb)
        if not self.h:
            raise MemoryError("hh_new")
        self.hub = self.lib.hh_hub(self.h)

    def close(self) -> None:
        if self.h:
            self.lib.hh_free(self.h)
            self.h = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def output(self, sb: int, data: bytes) -> int:
        return self.lib.qv_hub_output(self.hub, sb, data, len(data))

    def rx(self, data: bytes) -> None:
        self.lib.qv_hub_rx(self.hub, data, len(data))

    def pump(self) -> bool:
        return bool(self.lib.qv_hub_pump(self.hub))

    def set_budget(self, n: int | None) -> None:
        """How many more bytes the UART takes (None: any amount)."""
        self.lib.hh_set_budget(self.h, -1 if n is None else n)

    def set_listening(self, on: bool) -> None:
        self.lib.qv_hub_set_listening(self.hub, on)

    def take_out(self) -> bytes:
        out = bytearray()
        buf = ctypes.create_string_buffer(1 << 16)
        while n := self.lib.hh_take_out(self.h, buf, len(buf)):
            out += buf.raw[:n]
        return bytes(out)

    def wire(self) -> bytes:
        """Pump everything and return what went out on the UART."""
        self.pump()
        return self.take_out()

    def take_in(self, sb: int) -> bytes:
        out = bytearray()
        buf = ctypes.create_string_buffer(1 << 16)
        while n := self.lib.hh_take_in(self.h, sb, buf, len(buf)):
            out += buf.raw[:n]
        return bytes(out)

    def breaks(self, sb: int) -> int:
        return int(self.lib.hh_breaks(self.h, sb))

    @property
    def overflow(self) -> int:
        return int(self.lib.hh_overflow(self.h))

    @property
    def mode(self) -> int:
        return int(self.lib.qv_hub_mode(self.hub))

    @property
    def focus(self) -> int:
        return int(self.lib.qv_hub_focus(self.hub))

    def dropped(self, sb: int) -> int:
        return int(self.lib.qv_hub_dropped(self.hub, sb))

    def pending(self, sb: int) -> int:
        return int(self.lib.qv_hub_pending(self.hub, sb))

    def stats(self) -> dict[str, int]:
        n = int(self.lib.hh_nstats())
        arr = (U32 * n)()
        self.lib.qv_hub_stats(self.hub, arr)
        return dict(zip(STATS_NAMES, (int(v) for v in arr), strict=True))


class CDecoder:
    def __init__(self, direction: int) -> None:
        self.lib = load()
        self.d = self.lib.hh_dec_new(direction)

    def close(self) -> None:
        if self.d:
            self.lib.hh_dec_free(self.d)
            self.d = None

    def feed(self, data: bytes) -> list[tuple[int, int, int, bytes]]:
        cap = 5 * len(data) + 64
        out = ctypes.create_string_buffer(cap)
        n = self.lib.hh_dec_feed(self.d, data, len(data), out, cap)
        assert n != ctypes.c_size_t(-1).value, "decoder output buffer too small"
        raw, frames, i = out.raw[:n], [], 0
        while i < n:
            ln = raw[i + 3] | raw[i + 4] << 8
            frames.append((raw[i], raw[i + 1], raw[i + 2], raw[i + 5:i + 5 + ln]))
            i += 5 + ln
        return frames

    def counts(self) -> dict[str, int]:
        c = self.lib.hh_dec_counts(self.d).contents
        return {name: int(getattr(c, name)) for name, _ in CountsC._fields_}


def c_encode(ftype: int, sb: int, payload: bytes, seq: int = 0) -> bytes:
    lib = load()
    cap = 2 * (len(payload) + 9) + 2
    out = ctypes.create_string_buffer(cap)
    n = lib.qv_frame_encode(out, cap, ftype, sb, seq, payload, len(payload))
    return out.raw[:n]


def c_crc32(data: bytes, crc: int = 0) -> int:
    return int(load().qv_crc32(crc, data, len(data)))


def type_row(code: int) -> tuple[int, bool, int, int] | None:
    lib = load()
    dirs, to_sb, lo, hi = U8(), U8(), U16(), U16()
    if not lib.hh_type_row(code, ctypes.byref(dirs), ctypes.byref(to_sb), ctypes.byref(lo),
                           ctypes.byref(hi)):
        return None
    return dirs.value, bool(to_sb.value), lo.value, hi.value
