# Message encoding over channels: Python values to bytes and back.
#
# A channel carries byte strings up to its slot size; pack() turns a value of
# the simple types (None, bool, int, float, str, bytes, list, tuple, dict) into
# one such string and unpack() takes it back. The format is small and fixed:
# a version byte 0x51 ('Q'), then the value as a tag byte and its body:
#
#   N None   T True   F False
#   i int    zigzag varint (any size)
#   f float  8 bytes, IEEE 754 little-endian
#   s str    varint length, UTF-8       b bytes  varint length, the bytes
#   l list   varint count, the items    t tuple  the same
#   d dict   varint count, key and value after each other
#
# Data that does not parse raises ValueError naming the offset; it never
# returns a half-built value. send()/recv() do the same over a quest.Channel.

import struct

VERSION = 0x51
MAX_DEPTH = 32


def _varint(out, n):
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return


def _put(out, v, depth):
    if depth > MAX_DEPTH:
        raise ValueError(f"msg.pack: nested deeper than {MAX_DEPTH}")
    if v is None:
        out.append(0x4E)
    elif v is True:
        out.append(0x54)
    elif v is False:
        out.append(0x46)
    elif isinstance(v, int):
        out.append(0x69)
        _varint(out, v * 2 if v >= 0 else -v * 2 - 1)
    elif isinstance(v, float):
        out.append(0x66)
        out.extend(struct.pack("<d", v))
    elif isinstance(v, str):
        b = v.encode()
        out.append(0x73)
        _varint(out, len(b))
        out.extend(b)
    elif isinstance(v, (bytes, bytearray)):
        out.append(0x62)
        _varint(out, len(v))
        out.extend(v)
    elif isinstance(v, (list, tuple)):
        out.append(0x6C if isinstance(v, list) else 0x74)
        _varint(out, len(v))
        for x in v:
            _put(out, x, depth + 1)
    elif isinstance(v, dict):
        out.append(0x64)
        _varint(out, len(v))
        for k in v:
            _put(out, k, depth + 1)
            _put(out, v[k], depth + 1)
    else:
        raise ValueError(f"msg.pack: cannot encode {type(v).__name__}")


def pack(v) -> bytes:
    # The bytes of value v.
    out = bytearray([VERSION])
    _put(out, v, 0)
    return bytes(out)


class _Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def fail(self, what):
        raise ValueError(f"msg.unpack: {what} at offset {self.pos}")

    def byte(self):
        if self.pos >= len(self.data):
            self.fail("data ends")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self):
        n = 0
        shift = 0
        while True:
            b = self.byte()
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n
            if shift > 7 * 1024:
                self.fail("varint too long")

    def take(self, n):
        if n > len(self.data) - self.pos:
            self.fail(f"length {n} runs past the end")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return bytes(b)

    def value(self, depth):
        if depth > MAX_DEPTH:
            self.fail(f"nesting deeper than {MAX_DEPTH}")
        tag = self.byte()
        if tag == 0x4E:
            return None
        if tag == 0x54:
            return True
        if tag == 0x46:
            return False
        if tag == 0x69:
            z = self.varint()
            return z >> 1 if not z & 1 else -((z + 1) >> 1)
        if tag == 0x66:
            return struct.unpack("<d", self.take(8))[0]
        if tag == 0x73:
            raw = self.take(self.varint())
            try:
                return raw.decode()
            except UnicodeError:
                self.fail("bad UTF-8 in a str")
        if tag == 0x62:
            return self.take(self.varint())
        if tag in (0x6C, 0x74):
            n = self.varint()
            if n > len(self.data) - self.pos:
                self.fail(f"count {n} larger than the data")
            items = [self.value(depth + 1) for _ in range(n)]
            return items if tag == 0x6C else tuple(items)
        if tag == 0x64:
            n = self.varint()
            if n > len(self.data) - self.pos:
                self.fail(f"count {n} larger than the data")
            d = {}
            for _ in range(n):
                k = self.value(depth + 1)
                if isinstance(k, (list, dict)):
                    self.fail("unhashable dict key")
                d[k] = self.value(depth + 1)
            return d
        self.pos -= 1
        self.fail(f"unknown tag 0x{tag:02x}")


def unpack(data):
    # The value in data (bytes from pack).
    r = _Reader(bytes(data))
    if r.byte() != VERSION:
        r.pos = 0
        r.fail("not a quest.msg message (version byte)")
    v = r.value(0)
    if r.pos != len(r.data):
        r.fail("trailing bytes")
    return v


def send(channel, v, timeout_ms=None):
    # Packs v and sends it on channel (see quest.Channel.send).
    data = pack(v)
    if len(data) > channel.slot_size:
        raise ValueError(f"msg.send: {len(data)} bytes do not fit a {channel.slot_size}-byte slot")
    channel.send(data, timeout_ms)


def recv(channel, timeout_ms=None):
    # The next value from channel; None on timeout too (to tell a None
    # that was sent from a timeout, call channel.recv and unpack).
    data = channel.recv(timeout_ms)
    return None if data is None else unpack(data)
