"""Reference model of the channel ring, written from docs/channels.md.

Independent of kernel/chan/chan.c: the tests compare the C core against it
(the layout sizes, the bytes a send leaves in the ring, and the verdict the
consumer reaches on arbitrary producer pages).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PAGE = 4096
VERSION = 1
PROD_MAGIC = 0x50435651
CONS_MAGIC = 0x43435651
SLOT_MAGIC = 0x534C4F54
SLOT_HDR = 16
SLOTS_OFF = 128
HEAD_OFF = 64
TAIL_OFF = 64
CONS_HDR = 192
DOORBELL_OFF = 128
SLOT_SIZE_MIN, SLOT_SIZE_MAX = 8, 65536
SLOTS_MIN, SLOTS_MAX = 2, 4096
M64 = 2**64 - 1

STATUS = ("OK", "E_PARAM", "E_FULL", "E_EMPTY", "E_TIMEOUT", "E_TOO_BIG", "E_BUF_SMALL",
          "E_SLOT_SEQ", "E_SLOT_CHECK", "E_SLOT_LEN", "E_CURSOR_BACK", "E_CURSOR_AHEAD")
S = {name: i for i, name in enumerate(STATUS)}


@dataclass(frozen=True)
class Layout:
    slot_size: int
    slot_count: int
    slot_stride: int
    slots_off: int
    producer_pages: int
    consumer_pages: int
    total_pages: int

    @property
    def producer_bytes(self) -> int:
        return self.producer_pages * PAGE

    def slot_off(self, pos: int) -> int:
        return self.slots_off + (pos % self.slot_count) * self.slot_stride


def layout(slot_size: int, slot_count: int) -> Layout | None:
    """Page counts of a channel, or None when the geometry is refused."""
    if not (SLOT_SIZE_MIN <= slot_size <= SLOT_SIZE_MAX) or slot_size % 8:
        return None
    if not (SLOTS_MIN <= slot_count <= SLOTS_MAX) or slot_count & (slot_count - 1):
        return None
    stride = SLOT_HDR + slot_size
    prod = -(-(SLOTS_OFF + slot_count * stride) // PAGE)
    return Layout(slot_size, slot_count, stride, SLOTS_OFF, prod, 1, prod + 1)


def slot_check(seq: int, length: int) -> int:
    mixed = ((seq ^ (length << 32)) * 0x9E3779B97F4A7C15) & M64
    return ((mixed >> 32) ^ (mixed & 0xFFFFFFFF) ^ SLOT_MAGIC) & 0xFFFFFFFF


def slot_header(seq: int, length: int, check: int | None = None) -> bytes:
    if check is None:
        check = slot_check(seq, length)
    return struct.pack("<QII", seq & M64, length & 0xFFFFFFFF, check & 0xFFFFFFFF)


def producer_header(lay: Layout, head: int) -> bytes:
    hdr = struct.pack("<IHHIIIIII", PROD_MAGIC, VERSION, SLOTS_OFF, lay.slot_size,
                      lay.slot_count, lay.slot_stride, lay.slots_off, lay.producer_pages, 0)
    hdr = hdr.ljust(HEAD_OFF, b"\0") + struct.pack("<Q", head & M64)
    return hdr.ljust(SLOTS_OFF, b"\0")


def consumer_page(lay: Layout, tail: int) -> bytes:
    page = struct.pack("<IHHII", CONS_MAGIC, VERSION, CONS_HDR, lay.slot_size, lay.slot_count)
    page = page.ljust(TAIL_OFF, b"\0") + struct.pack("<Q", tail & M64)
    return page.ljust(PAGE, b"\0")


def write_message(region: bytearray, lay: Layout, pos: int, payload: bytes) -> None:
    """What a correct producer leaves in the slot for cursor value pos."""
    off = lay.slot_off(pos)
    region[off:off + SLOT_HDR] = slot_header(pos, len(payload))
    region[off + SLOT_HDR:off + SLOT_HDR + len(payload)] = payload


def set_head(region: bytearray, head: int) -> None:
    region[HEAD_OFF:HEAD_OFF + 8] = struct.pack("<Q", head & M64)


def distance(a: int, b: int) -> int:
    """a - b for u64 cursors, modulo 2^64, as a signed 64-bit number."""
    d = (a - b) & M64
    return d - 2**64 if d >= 2**63 else d


def produce(lay: Layout, head: int, tail: int, ops: int) -> tuple[list[str], int]:
    """The producer's verdicts for `ops` polled sends against a fixed
    consumer cursor `tail`, from cursor `head`; and the final head."""
    out = []
    for _ in range(ops):
        used = distance(head, tail)
        if used < 0:
            out.append("E_CURSOR_AHEAD")
        elif used > lay.slot_count:
            out.append("E_CURSOR_BACK")
        elif used == lay.slot_count:
            out.append("E_FULL")
        else:
            out.append("OK")
            head = (head + 1) & M64
    return out, head


def consume(region: bytes, lay: Layout, tail: int, ops: int) -> list[tuple[str, bytes]]:
    """The consumer's verdicts for `ops` polled receives over fixed producer
    pages, starting at cursor `tail`: (status name, payload if OK)."""
    head = struct.unpack_from("<Q", region, HEAD_OFF)[0]
    out: list[tuple[str, bytes]] = []
    for _ in range(ops):
        ready = distance(head, tail)
        if ready < 0:
            out.append(("E_CURSOR_BACK", b""))
            continue
        if ready > lay.slot_count:
            out.append(("E_CURSOR_AHEAD", b""))
            continue
        if ready == 0:
            out.append(("E_EMPTY", b""))
            continue
        off = lay.slot_off(tail)
        seq, length, check = struct.unpack_from("<QII", region, off)
        tail = (tail + 1) & M64
        if check != slot_check(seq, length):
            out.append(("E_SLOT_CHECK", b""))
        elif seq != (tail - 1) & M64:
            out.append(("E_SLOT_SEQ", b""))
        elif length > lay.slot_size:
            out.append(("E_SLOT_LEN", b""))
        else:
            data = off + SLOT_HDR
            out.append(("OK", bytes(region[data:data + length])))
    return out
