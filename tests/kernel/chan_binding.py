"""ctypes binding of the channel core (build/chan/libqvchan.so).

A `Channel` owns the memory of one channel, each region between inaccessible
guard pages, and one producer end and one consumer end attached to it.
While an end runs, the other end's pages are read-only (as the EPT maps
them on the board), so a write there kills the test run. The waiting hooks
are Python callables, so a test can run a simulated clock and act as the
peer from inside a wait.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from pathlib import Path
from typing import Self

from chan_model import PAGE, STATUS, Layout, S, layout

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "build" / "chan" / "libqvchan.so"
U32, U64 = ctypes.c_uint32, ctypes.c_uint64
FOREVER = 2**64 - 1
NOW_FN = ctypes.CFUNCTYPE(U64, ctypes.c_void_p)
RELAX_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class Wait(ctypes.Structure):
    _fields_ = [("now", NOW_FN), ("relax", RELAX_FN), ("ctx", ctypes.c_void_p),
                ("ring", RELAX_FN), ("sleeps", ctypes.c_bool)]


class Stats(ctypes.Structure):
    _fields_ = [("messages", U64), ("bytes", U64), ("waits", U64), ("timeouts", U64),
                ("doorbells", U64), ("errors", U64), ("by_status", U64 * len(STATUS))]

    def count(self, name: str) -> int:
        return int(self.by_status[S[name]])


class LayoutC(ctypes.Structure):
    _fields_ = [(n, U32) for n in ("slot_size", "slot_count", "slot_stride", "slots_off",
                                  "producer_pages", "consumer_pages", "total_pages",
                                  "reserved")]


def load() -> ctypes.CDLL:
    if not LIB.exists():
        raise FileNotFoundError(f"{LIB} is missing: run `make binaries` first")
    lib = ctypes.CDLL(str(LIB))
    vp = ctypes.c_void_p
    sigs = {
        "qv_chan_layout": (ctypes.c_int, [U32, U32, ctypes.POINTER(LayoutC)]),
        "qv_chan_tx_attach": (ctypes.c_int, [vp, vp, vp, U32, U32]),
        "qv_chan_rx_attach": (ctypes.c_int, [vp, vp, vp, U32, U32]),
        "qv_chan_send": (ctypes.c_int, [vp, ctypes.c_char_p, U32, U64, ctypes.POINTER(Wait)]),
        "qv_chan_recv": (ctypes.c_int, [vp, vp, U32, ctypes.POINTER(U32), U64,
                                        ctypes.POINTER(Wait)]),
        "qv_chan_tx_pending": (U32, [vp]),
        "qv_chan_rx_pending": (U32, [vp]),
        "qv_chan_status_name": (ctypes.c_char_p, [ctypes.c_int]),
        "qv_chan_strerror": (ctypes.c_char_p, [ctypes.c_int]),
        "chan_h_map": (vp, [U32]),
        "chan_h_unmap": (None, [vp, U32]),
        "chan_h_protect": (ctypes.c_int, [vp, U32, ctypes.c_int]),
        "chan_h_size": (U32, [ctypes.c_int]),
        "chan_h_tx_stats": (ctypes.POINTER(Stats), [vp]),
        "chan_h_rx_stats": (ctypes.POINTER(Stats), [vp]),
        "chan_h_tx_head": (U64, [vp]),
        "chan_h_rx_tail": (U64, [vp]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


class Hooks:
    """A simulated clock: each relax() advances it by `step` and then runs
    `on_relax` (the peer acting while this end waits). With `ring`, the
    producer's doorbell calls are counted in `rings`; `sleeps` marks a
    consumer whose relax() would sleep until rung."""

    def __init__(self, step: int = 10, on_relax: Callable[[int], None] | None = None,
                 ring: bool = False, sleeps: bool = False) -> None:
        self.t = 0
        self.step = step
        self.relaxes = 0
        self.rings = 0
        self.on_relax = on_relax
        self._now = NOW_FN(self._now_cb)
        self._relax = RELAX_FN(self._relax_cb)
        self._ring = RELAX_FN(self._ring_cb) if ring else RELAX_FN()
        self.struct = Wait(self._now, self._relax, None, self._ring, sleeps)

    def _ring_cb(self, _ctx: int | None) -> None:
        self.rings += 1

    def _now_cb(self, _ctx: int | None) -> int:
        return self.t

    def _relax_cb(self, _ctx: int | None) -> None:
        self.relaxes += 1
        self.t += self.step
        if self.on_relax:
            self.on_relax(self.relaxes)


class Channel:
    def __init__(self, lib: ctypes.CDLL, slot_size: int, slot_count: int,
                 attach: str = "tx,rx") -> None:
        lay = layout(slot_size, slot_count)
        if lay is None:
            raise ValueError(f"geometry ({slot_size}, {slot_count}) refused by the model")
        self.lib, self.lay = lib, lay
        self._end: str | None = None
        self.prod = lib.chan_h_map(lay.producer_pages)
        self.cons = lib.chan_h_map(lay.consumer_pages)
        if not self.prod or not self.cons:
            raise MemoryError("mmap failed")
        self.tx = ctypes.create_string_buffer(lib.chan_h_size(0))
        self.rx = ctypes.create_string_buffer(lib.chan_h_size(1))
        self.buf = ctypes.create_string_buffer(slot_size + 64)
        for end in attach.split(","):
            assert (self.attach_tx() if end == "tx" else self.attach_rx()) == "OK"

    def close(self) -> None:
        self.lib.chan_h_unmap(self.prod, self.lay.producer_pages)
        self.lib.chan_h_unmap(self.cons, self.lay.consumer_pages)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def attach_tx(self) -> str:
        prev = self._as("tx")
        try:
            return STATUS[self.lib.qv_chan_tx_attach(self.tx, self.prod, self.cons,
                                                     self.lay.slot_size, self.lay.slot_count)]
        finally:
            self._as(prev)

    def attach_rx(self) -> str:
        prev = self._as("rx")
        try:
            return STATUS[self.lib.qv_chan_rx_attach(self.rx, self.prod, self.cons,
                                                     self.lay.slot_size, self.lay.slot_count)]
        finally:
            self._as(prev)

    def _as(self, end: str | None) -> str | None:
        """Protects the pages as `end` ("tx", "rx" or None: both writable)
        sees them; returns the previous setting. Ends nest when a wait hook
        acts as the peer."""
        prev, self._end = self._end, end
        for region, pages, owner in ((self.prod, self.lay.producer_pages, "tx"),
                                     (self.cons, self.lay.consumer_pages, "rx")):
            if self.lib.chan_h_protect(region, pages, int(end in (None, owner))) != 0:
                raise OSError("mprotect failed")
        return prev

    def send(self, msg: bytes, timeout: int = 0, hooks: Hooks | None = None) -> str:
        w = ctypes.byref(hooks.struct) if hooks else None
        prev = self._as("tx")
        try:
            return STATUS[self.lib.qv_chan_send(self.tx, msg, len(msg), timeout, w)]
        finally:
            self._as(prev)

    def recv(self, timeout: int = 0, hooks: Hooks | None = None,
             cap: int | None = None) -> tuple[str, bytes | int]:
        """(status, payload) on OK, (status, reported length) otherwise."""
        n = U32(0xDEADBEEF)
        w = ctypes.byref(hooks.struct) if hooks else None
        cap = self.lay.slot_size if cap is None else cap
        prev = self._as("rx")
        try:
            s = STATUS[self.lib.qv_chan_recv(self.rx, self.buf, cap, ctypes.byref(n), timeout, w)]
        finally:
            self._as(prev)
        return (s, self.buf.raw[:n.value]) if s == "OK" else (s, n.value)

    def read_prod(self) -> bytearray:
        return bytearray(ctypes.string_at(self.prod, self.lay.producer_bytes))

    def write_prod(self, data: bytes, off: int = 0) -> None:
        assert off + len(data) <= self.lay.producer_bytes
        ctypes.memmove(self.prod + off, bytes(data), len(data))

    def read_cons(self) -> bytearray:
        return bytearray(ctypes.string_at(self.cons, PAGE))

    def write_cons(self, data: bytes, off: int = 0) -> None:
        assert off + len(data) <= PAGE
        ctypes.memmove(self.cons + off, bytes(data), len(data))

    def tx_stats(self) -> Stats:
        return self.lib.chan_h_tx_stats(self.tx).contents

    def rx_stats(self) -> Stats:
        return self.lib.chan_h_rx_stats(self.rx).contents

    @property
    def head(self) -> int:
        return int(self.lib.chan_h_tx_head(self.tx))

    @property
    def tail(self) -> int:
        return int(self.lib.chan_h_rx_tail(self.rx))


def layout_c(lib: ctypes.CDLL, slot_size: int, slot_count: int) -> Layout | None:
    out = LayoutC()
    if lib.qv_chan_layout(slot_size, slot_count, ctypes.byref(out)) != 0:
        return None
    return Layout(out.slot_size, out.slot_count, out.slot_stride, out.slots_off,
                  out.producer_pages, out.consumer_pages, out.total_pages)
