"""Bundle v2: what encode writes is what docs/bundle.md says, decode gives it back, and
decode refuses every kind of damage with a message naming the field."""

from __future__ import annotations

import struct
import zlib

import pytest
from questv.bundle import (
    HEADER,
    MODULE,
    NONE,
    SERVICE,
    BundleError,
    Module,
    Service,
    decode,
    encode,
)

QBC = b"QVBC" + bytes(range(40))


def sample() -> bytes:
    mods = [Module("quest", QBC + b"i", package=True), Module("quest.log", QBC + b"log"),
            Module("blink", b"print('hi')\n", source=True), Module("blink_safe", QBC)]
    svcs = [Service("blink", "blink", 1000, 10000, 64, restart=2, restart_limit=3,
                    backoff_ms=250, alternate="blink_safe", at_boot=True),
            Service("later", "quest.log", 10, 100, 16, at_boot=False)]
    return encode(5, mods, svcs, repl_heap_kib=128, fs_kib=32)


def recrc(blob: bytearray) -> bytes:
    """Fix the CRC after damage, so that the check under test is the one that fires."""
    blob[12:16] = bytes(4)
    total = struct.unpack_from("<I", blob, 8)[0]
    blob[12:16] = struct.pack("<I", zlib.crc32(bytes(blob[:total])))
    return bytes(blob)


def patched(fmt: str, offset: int, value: int, blob: bytes | None = None) -> bytes:
    b = bytearray(blob if blob is not None else sample())
    struct.pack_into(fmt, b, offset, value)
    return recrc(b)


def header_field(name: str) -> int:
    order = ["magic", "version", "header_size", "total", "crc", "sandbox", "flags", "n_mod",
             "mod_off", "n_svc", "svc_off", "str_off", "str_size", "repl", "fs"]
    sizes = [4, 2, 2] + [4] * 12
    return sum(sizes[:order.index(name)])


def test_header_layout_is_the_documented_one():
    blob = sample()
    (magic, version, hsize, total, crc, sb, flags, n_mod, mod_off, n_svc, svc_off, str_off,
     str_size, repl, fs) = HEADER.unpack_from(blob)
    assert blob[:4] == b"QVBN" and magic == 0x4E425651
    assert (version, hsize, total, sb, flags, n_mod, n_svc, repl, fs) == \
        (2, 56, len(blob), 5, 0, 4, 2, 128, 32)
    assert crc == zlib.crc32(blob[:12] + bytes(4) + blob[16:])
    assert mod_off == 56 and svc_off == mod_off + 4 * 16
    assert str_off >= svc_off + 2 * 48 and str_off % 8 == 0
    strings = blob[str_off:str_off + str_size]
    name_off, data_off, data_len, mflags = MODULE.unpack_from(blob, mod_off)
    assert strings[name_off:].split(b"\0")[0] == b"quest" and mflags == 1
    assert data_off % 8 == 0 and blob[data_off:data_off + data_len] == QBC + b"i"
    assert MODULE.unpack_from(blob, mod_off + 32)[3] == 2  # source text flag
    row = SERVICE.unpack_from(blob, svc_off)
    assert strings[row[0]:].split(b"\0")[0] == b"blink"
    assert strings[row[2]:].split(b"\0")[0] == b"blink_safe"
    assert row[3:] == (1000, 10000, 64, 2, 3, 250, 1, 0, 0)
    assert SERVICE.unpack_from(blob, svc_off + 48)[2] == NONE
    assert SERVICE.unpack_from(blob, svc_off + 48)[9] == 0  # manual start


def test_round_trip():
    b = decode(sample(), sandbox_id=5)
    assert [m.name for m in b.modules] == ["quest", "quest.log", "blink", "blink_safe"]
    assert b.modules[0].package and b.modules[2].source and b.modules[1].data == QBC + b"log"
    assert b.services[0] == Service("blink", "blink", 1000, 10000, 64, 2, 3, 250,
                                    "blink_safe", True)
    assert b.services[1].alternate is None and not b.services[1].at_boot
    assert (b.repl_heap_kib, b.fs_kib, b.sandbox_id) == (128, 32, 5)


def test_empty_bundle():
    blob = encode(3)
    assert len(blob) == 56 and decode(blob).modules == () and decode(blob).services == ()
    # The header's own fields, read without decode() (what test_manifest_bytes
    # checked of the version 1 header): magic, version, header size, total,
    # the CRC-32 over the blob with its CRC field zeroed, sandbox, modules.
    magic, version, header_size, total, crc, sandbox, _flags, modules = \
        struct.unpack_from("<IHHIIIII", blob)
    assert blob[:4] == b"QVBN" and magic == 0x4E425651
    assert (version, header_size, total, sandbox, modules) == (2, 56, 56, 3, 0)
    assert crc == zlib.crc32(blob[:12] + bytes(4) + blob[16:])


def test_trailing_bytes_after_total_are_ignored():
    assert decode(sample() + bytes(100)).total_size == len(sample())


@pytest.mark.parametrize("damage, message", [
    (lambda b: b[:55], "shorter than the 56-byte header"),
    (lambda b: b"XXXX" + b[4:], "not QVBN"),
    (lambda b: patched("<H", 4, 1), "version 1"),
    (lambda b: patched("<H", 6, 24), "header size 24"),
    (lambda b: b[:-1], "truncated"),
    (lambda b: patched("<I", 8, 40), "less than the header"),
    (lambda b: b[:-3] + bytes([b[-3] ^ 1]) + b[-2:], "CRC-32"),
    (lambda b: b[:12] + b"\0\0\0\0" + b[16:], "CRC-32"),
    (lambda b: patched("<I", header_field("flags"), 1), "header flags"),
    (lambda b: patched("<I", header_field("n_mod"), 5000), "at most"),
    (lambda b: patched("<I", header_field("n_mod"), 200), "module table"),
    (lambda b: patched("<I", header_field("mod_off"), 16), "overlaps the header"),
    (lambda b: patched("<I", header_field("mod_off"), 58), "not 4-byte aligned"),
    (lambda b: patched("<I", header_field("svc_off"), 1 << 30), "service table"),
    (lambda b: patched("<I", header_field("str_size"), 1 << 20), "strings"),
    (lambda b: patched("<I", header_field("str_size"), 3), "do not end with a NUL"),
])
def test_header_damage_is_refused(damage, message):
    with pytest.raises(BundleError, match=message):
        decode(damage(sample()))


def test_wrong_sandbox_is_refused():
    with pytest.raises(BundleError, match="built for sandbox 5, not 2"):
        decode(sample(), sandbox_id=2)


def mod_field(i: int, f: int) -> int:
    return 56 + i * 16 + f * 4


def svc_field(i: int, f: int) -> int:
    return 56 + 4 * 16 + i * 48 + f * 4


def str_base() -> tuple[int, int]:
    h = HEADER.unpack_from(sample())
    return h[11], h[12]


@pytest.mark.parametrize("offset, value, message", [
    (mod_field(0, 0), 1 << 16, "outside the strings"),
    (mod_field(0, 1), 60, "not 8-byte aligned"),
    (mod_field(0, 1), 1 << 20, "runs past the end"),
    (mod_field(0, 2), 1 << 20, "runs past the end"),
    (mod_field(0, 3), 4, "unknown flags"),
    (mod_field(2, 3), 0, "no QVBC magic"),
    (svc_field(0, 0), 1 << 16, "outside the strings"),
    (svc_field(0, 3), 0, "need 0 < budget <= period"),
    (svc_field(0, 3), 10001, "need 0 < budget <= period"),
    (svc_field(0, 5), 0, "heap of 0 KiB"),
    (svc_field(0, 6), 3, "restart policy 3"),
    (svc_field(0, 9), 4, "unknown flags"),
    (svc_field(0, 10), 1, "device 1 at offset 40 without the device flag"),
    (svc_field(0, 11), 1, "reserved fields"),
])
def test_table_damage_is_refused(offset, value, message):
    blob = patched("<I", offset, value)
    with pytest.raises(BundleError, match=message):
        decode(blob)


def device_sample(device: int = 3, at_boot: bool = False) -> bytes:
    return encode(1, [Module("rtc", QBC)],
                  [Service("clock", "rtc", 100, 1000, 32, at_boot=at_boot, device=device),
                   Service("plain", "rtc", 100, 1000, 32)])


def test_device_bound_service_round_trip():
    blob = device_sample()
    h = HEADER.unpack_from(blob)
    row = SERVICE.unpack_from(blob, h[10])
    # flags: bit 1 (device-bound) without bit 0 (manual); offset 40 the index.
    assert row[9:] == (2, 3, 0)
    assert SERVICE.unpack_from(blob, h[10] + 48)[9:] == (1, 0, 0)
    clock, plain = decode(blob).services
    assert clock == Service("clock", "rtc", 100, 1000, 32, at_boot=False, device=3)
    assert plain.device is None and plain.at_boot
    assert decode(device_sample(0, at_boot=True)).services[0].device == 0
    assert decode(device_sample(31)).services[0].device == 31
    assert SERVICE.unpack_from(device_sample(0, at_boot=True), h[10])[9:] == (3, 0, 0)


def test_device_index_past_the_manifest_is_refused():
    with pytest.raises(BundleError, match=r"service 0 \(clock\): device 32 is not a manifest "
                       r"device \(0 to 31\)"):
        decode(device_sample(32))
    blob = bytearray(device_sample())
    svc = HEADER.unpack_from(blob)[10]
    struct.pack_into("<I", blob, svc + 40, 0xFFFFFFFF)
    with pytest.raises(BundleError, match="is not a manifest device"):
        decode(recrc(blob))


def test_device_index_without_the_flag_is_refused():
    blob = bytearray(device_sample(5, at_boot=True))
    svc = HEADER.unpack_from(blob)[10]
    struct.pack_into("<I", blob, svc + 36, 1)   # the device flag cleared, index 5 left
    with pytest.raises(BundleError, match=r"service 0 \(clock\): device 5 at offset 40 "
                       "without the device flag"):
        decode(recrc(blob))


def test_names_are_checked():
    str_off, _ = str_base()
    blob = sample()
    b = bytearray(blob)
    b[str_off] = ord("-")             # "quest" -> "-uest"
    with pytest.raises(BundleError, match="not a .dotted. Python name"):
        decode(recrc(b))
    b = bytearray(blob)
    b[str_off] = 0xFF
    with pytest.raises(BundleError, match="not UTF-8"):
        decode(recrc(b))


def test_duplicates_and_missing_modules_are_refused():
    with pytest.raises(BundleError, match="in the bundle twice"):
        decode(encode(0, [Module("a", QBC), Module("a", QBC)]))
    with pytest.raises(BundleError, match="in the bundle twice"):
        decode(encode(0, [Module("a", QBC)], [Service("s", "a", 1, 2, 16)] * 2))
    with pytest.raises(BundleError, match="module 'b' is not in the bundle"):
        decode(encode(0, [Module("a", QBC)], [Service("s", "b", 1, 2, 16)]))
    with pytest.raises(BundleError, match="alternate 'c' is not in the bundle"):
        decode(encode(0, [Module("a", QBC)], [Service("s", "a", 1, 2, 16, alternate="c")]))
    with pytest.raises(BundleError, match="not a service name"):
        decode(encode(0, [Module("a", QBC)], [Service("s" * 32, "a", 1, 2, 16)]))
    with pytest.raises(BundleError, match="longer than 63 bytes"):
        decode(encode(0, [Module("m" * 64, QBC)]))


def test_every_single_bit_flip_is_refused():
    """The CRC covers every byte: no single flipped bit gets through."""
    blob = sample()
    for i in range(0, len(blob), 3):
        b = bytearray(blob)
        b[i] ^= 1 << (i % 8)
        with pytest.raises(BundleError):
            decode(bytes(b))
