"""The manifest bytes, read back field by field from docs/manifest.md's table (not with
the writer's own structs), and the host reader's refusals of damaged manifests."""

from __future__ import annotations

import struct
import zlib

import pytest
from questv.config import parse
from questv.manifest import ManifestError, encode, read_header


def rich_system(default_toml, *, test_build: bool):
    default_toml["device"].append({"name": "nic0", "kind": "pci", "pci": "00:03.0", "irq": 11})
    default_toml["sandbox"][1]["devices"] = ["nic0"]
    default_toml["sandbox"][3]["on_fault"] = "quarantine"
    default_toml["sandbox"][3]["heartbeat_ms"] = 0
    default_toml["channel"] = [
        {"name": "ctl", "producer": "sb1", "consumer": "sb2", "slot_size": 64, "slots": 16},
        {"name": "log", "producer": "sb3", "consumer": "sb0", "slot_size": 256, "slots": 4},
    ]
    if test_build:
        default_toml["sandbox"][2]["test_attacks"] = ["write_sandbox:sb1", "write_ept",
                                                      "io_port:uart0"]
    return parse(default_toml, test_build=test_build)


def cstr(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode()


def parse_manifest(blob: bytes) -> dict:
    """An independent reader, written from the docs/manifest.md table."""
    out: dict = {}
    (out["magic"], out["version"], out["header_size"], out["total"], out["crc"],
     out["cores"], out["mem"], out["supervisor"], out["flags"]) = struct.unpack_from(
        "<IHHIIIIII", blob, 0)
    out["recovery_timeout_ms"] = struct.unpack_from("<I", blob, 56)[0]
    counts = struct.unpack_from("<6H", blob, 32)
    offsets = struct.unpack_from("<3I", blob, 44)
    out["counts"], out["sizes"], out["offsets"] = counts[0::2], counts[1::2], offsets
    out["sandboxes"] = []
    for i in range(counts[0]):
        at = offsets[0] + i * counts[1]
        name = cstr(blob[at:at + 16])
        fields = struct.unpack_from("<6I", blob, at + 16)
        attacks = struct.unpack_from("<8H", blob, at + 40)
        watchdog_ms = struct.unpack_from("<I", blob, at + 56)[0]
        out["sandboxes"].append((name, *fields, attacks, watchdog_ms))
    out["devices"] = []
    for i in range(counts[2]):
        at = offsets[1] + i * counts[3]
        kind, owner = struct.unpack_from("<II", blob, at + 16)
        io_base, io_len = struct.unpack_from("<HH", blob, at + 24)
        irq, bdf, reserved = struct.unpack_from("<III", blob, at + 28)
        out["devices"].append((cstr(blob[at:at + 16]), kind, owner, io_base, io_len, irq, bdf,
                               reserved))
    out["channels"] = []
    for i in range(counts[4]):
        at = offsets[2] + i * counts[5]
        out["channels"].append((cstr(blob[at:at + 16]), *struct.unpack_from("<4I", blob, at + 16)))
    return out


def test_header_fields(default_toml):
    blob = encode(rich_system(default_toml, test_build=False), test_build=False)
    m = parse_manifest(blob)
    assert m["magic"] == 0x464D5651 and blob[:4] == b"QVMF"
    assert (m["version"], m["header_size"], m["total"]) == (1, 64, len(blob))
    assert (m["cores"], m["mem"], m["supervisor"], m["flags"]) == (4, 512, 0, 0)
    assert m["recovery_timeout_ms"] == 2000  # the default
    # 2 declared channels and the console pair of each sandbox but the UART owner
    assert m["counts"] == (4, 2, 8) and m["sizes"] == (64, 40, 32)
    assert m["offsets"] == (64, 64 + 4 * 64, 64 + 4 * 64 + 2 * 40)
    assert len(blob) == 64 + 4 * 64 + 2 * 40 + 8 * 32


def test_crc_is_zlib_crc32_with_the_field_zeroed(default_toml):
    blob = encode(rich_system(default_toml, test_build=False), test_build=False)
    crc = struct.unpack_from("<I", blob, 12)[0]
    assert crc == zlib.crc32(blob[:12] + bytes(4) + blob[16:])


def test_sandbox_entries(default_toml):
    m = parse_manifest(encode(rich_system(default_toml, test_build=False), test_build=False))
    no_attacks = (0,) * 8
    assert m["sandboxes"] == [
        ("sb0", 0, 0b0001, 64, 0, 0b01, 1000, no_attacks, 0),
        ("sb1", 1, 0b0010, 64, 1, 0b10, 1000, no_attacks, 0),
        ("sb2", 2, 0b0100, 64, 1, 0b00, 1000, no_attacks, 0),
        ("sb3", 3, 0b1000, 64, 2, 0b00, 0, no_attacks, 0),
    ]


def test_device_and_channel_entries(default_toml):
    m = parse_manifest(encode(rich_system(default_toml, test_build=False), test_build=False))
    assert m["devices"] == [
        ("uart0", 1, 0, 0x3F8, 8, 4, 0xFFFFFFFF, 0),
        ("nic0", 2, 1, 0, 0, 11, 3 << 3, 0),
    ]
    assert m["channels"][:2] == [("ctl", 1, 2, 64, 16), ("log", 3, 0, 256, 4)]
    # then each console: out to the UART owner (sb0, the hub), in from it
    assert m["channels"][2:] == [entry for sb in (1, 2, 3) for entry in (
        (f"con{sb}.out", sb, 0, 256, 16), (f"con{sb}.in", 0, sb, 64, 8))]


def test_test_build_sets_flag_and_encodes_attacks(default_toml):
    blob = encode(rich_system(default_toml, test_build=True), test_build=True)
    m = parse_manifest(blob)
    assert m["flags"] == 1
    # low byte kind (1 write_sandbox, 3 write_ept, 4 io_port), high byte its argument
    assert m["sandboxes"][2][7] == (1 | 1 << 8, 3, 4 | 0 << 8, 0, 0, 0, 0, 0)
    assert all(sb[7] == (0,) * 8 for i, sb in enumerate(m["sandboxes"]) if i != 2)


def test_sixteen_byte_name_fills_the_field(default_toml):
    default_toml["sandbox"][0]["name"] = "s" * 16
    default_toml["system"]["supervisor"] = "s" * 16
    blob = encode(parse(default_toml), test_build=False)
    assert blob[64:80] == b"s" * 16


def test_host_reader_accepts_what_the_writer_wrote(default_toml):
    blob = encode(rich_system(default_toml, test_build=True), test_build=True)
    h = read_header(blob)
    assert (h.machine_cores, h.machine_mem_mib, h.n_sandboxes, h.test_build) == (4, 512, 4, True)


@pytest.mark.parametrize("offset, what", [
    (0, "bad magic"), (4, "version"), (100, "CRC-32"), (-1, "CRC-32"),
])
def test_host_reader_refuses_a_damaged_manifest(default_toml, offset, what):
    blob = bytearray(encode(rich_system(default_toml, test_build=False), test_build=False))
    blob[offset] ^= 0x40
    with pytest.raises(ManifestError, match=what):
        read_header(bytes(blob))


def test_host_reader_takes_defaults_from_a_first_layout_manifest(default_toml):
    """A manifest written before recovery_timeout_ms and watchdog_ms were appended
    (56-byte header and sandbox entries) is still read, with the default timeout."""
    blob = encode(rich_system(default_toml, test_build=False), test_build=False)
    m = parse_manifest(blob)
    n_sb, n_dev, n_ch = m["counts"]
    sb_off, dev_off, ch_off = m["offsets"]
    sandboxes = b"".join(blob[sb_off + i * 64:sb_off + i * 64 + 56] for i in range(n_sb))
    rest = blob[dev_off:]
    header = bytearray(blob[:56])
    struct.pack_into("<H", header, 6, 56)
    struct.pack_into("<H", header, 34, 56)
    struct.pack_into("<III", header, 44, 56, 56 + len(sandboxes),
                     56 + len(sandboxes) + (ch_off - dev_off))
    old = bytes(header) + sandboxes + rest
    struct.pack_into("<I", header, 8, len(old))
    old = bytes(header) + sandboxes + rest
    struct.pack_into("<I", header, 12, zlib.crc32(bytes(header[:12]) + bytes(4) + old[16:]))
    old = bytes(header) + sandboxes + rest
    h = read_header(old)
    assert (h.n_sandboxes, h.n_devices, h.n_channels) == (n_sb, n_dev, n_ch)
    assert h.recovery_timeout_ms == 2000


def test_host_reader_refuses_a_truncated_manifest(default_toml):
    blob = encode(rich_system(default_toml, test_build=False), test_build=False)
    with pytest.raises(ManifestError, match="total size"):
        read_header(blob[:-1])
