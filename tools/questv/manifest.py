"""The binary manifest the monitor reads: the writer, and a reader for the host tools.

The layout is fixed by include/questv/manifest.h and docs/manifest.md; the
`struct` formats below spell the same fields in the same order.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from .config import DEVICE_KINDS, FAULT_ACTIONS, MAX_TEST_ATTACKS, Channel, Device, Sandbox, System

MAGIC = 0x464D5651  # "QVMF"
VERSION = 1
FLAG_TEST_BUILD = 0x1
NO_IRQ = 0xFFFFFFFF
NO_PCI = 0xFFFFFFFF

HEADER_V1 = struct.Struct("<IHHIIIIII" "HHHHHH" "III")
HEADER = struct.Struct(HEADER_V1.format + "II")
SANDBOX = struct.Struct("<16sIIIIII8H" "II")
# The first layout's sizes (before recovery_timeout_ms and watchdog_ms were
# appended): readers accept them and take the defaults.
HEADER_V1_SIZE = HEADER_V1.size
SANDBOX_V1_SIZE = 56
RECOVERY_TIMEOUT_DEFAULT_MS = 2000
DEVICE = struct.Struct("<16sIIHHIII")
CHANNEL = struct.Struct("<16sIIII")
CRC_OFFSET = 12  # magic, version, header size, total size come first

assert (HEADER.size, SANDBOX.size, DEVICE.size, CHANNEL.size) == (64, 64, 40, 32)


class ManifestError(Exception):
    """A manifest that a reader must refuse."""


def encode(system: System, *, test_build: bool) -> bytes:
    """The manifest bytes for a validated system; attacks are written only for a test build."""
    sandboxes = b"".join(_sandbox(sb, test_build) for sb in system.sandboxes)
    devices = b"".join(_device(d) for d in system.devices)
    channels = b"".join(_channel(c) for c in system.channels)
    sandbox_off = HEADER.size
    device_off = sandbox_off + len(sandboxes)
    channel_off = device_off + len(devices)
    total = channel_off + len(channels)

    def header(crc: int) -> bytes:
        return HEADER.pack(
            MAGIC, VERSION, HEADER.size, total, crc,
            system.machine.cores, system.machine.memory_mib, system.supervisor,
            FLAG_TEST_BUILD if test_build else 0,
            len(system.sandboxes), SANDBOX.size, len(system.devices), DEVICE.size,
            len(system.channels), CHANNEL.size,
            sandbox_off, device_off, channel_off,
            getattr(system, "recovery_timeout_ms", RECOVERY_TIMEOUT_DEFAULT_MS), 0,
        )

    body = sandboxes + devices + channels
    crc = zlib.crc32(header(0) + body)
    return header(crc) + body


def _name(name: str) -> bytes:
    return name.encode().ljust(16, b"\0")


def _mask(bits: tuple[int, ...]) -> int:
    mask = 0
    for bit in bits:
        mask |= 1 << bit
    return mask


def _sandbox(sb: Sandbox, test_build: bool) -> bytes:
    attacks = [a.encoded for a in sb.test_attacks] if test_build else []
    attacks += [0] * (MAX_TEST_ATTACKS - len(attacks))
    return SANDBOX.pack(
        _name(sb.name), sb.id, _mask(sb.cores), sb.memory_mib, FAULT_ACTIONS[sb.on_fault],
        _mask(sb.devices), sb.heartbeat_ms, *attacks, getattr(sb, "watchdog_ms", 0), 0,
    )


def _device(d: Device) -> bytes:
    return DEVICE.pack(
        _name(d.name), DEVICE_KINDS[d.kind], d.owner, d.io_base, d.io_len,
        NO_IRQ if d.irq is None else d.irq, NO_PCI if d.pci_bdf is None else d.pci_bdf, 0,
    )


def _channel(c: Channel) -> bytes:
    return CHANNEL.pack(_name(c.name), c.producer, c.consumer, c.slot_size, c.slots)


@dataclass(frozen=True)
class Header:
    version: int
    total_size: int
    machine_cores: int
    machine_mem_mib: int
    supervisor: int
    flags: int
    n_sandboxes: int
    n_devices: int
    n_channels: int
    recovery_timeout_ms: int = RECOVERY_TIMEOUT_DEFAULT_MS

    @property
    def test_build(self) -> bool:
        return bool(self.flags & FLAG_TEST_BUILD)


def read_header(data: bytes) -> Header:
    """Check a manifest the way the monitor does and return its header; ManifestError if bad."""
    if len(data) < HEADER_V1_SIZE:
        raise ManifestError(f"{len(data)} bytes is shorter than the {HEADER_V1_SIZE}-byte header")
    (magic, version, header_size, total, crc, cores, mem, supervisor, flags,
     n_sb, sb_size, n_dev, dev_size, n_ch, ch_size, sb_off, dev_off, ch_off) = \
        HEADER_V1.unpack_from(data)
    recovery_timeout_ms = RECOVERY_TIMEOUT_DEFAULT_MS
    if header_size >= HEADER.size and len(data) >= HEADER.size:
        recovery_timeout_ms = HEADER.unpack_from(data)[18]
    if magic != MAGIC:
        raise ManifestError(f"bad magic {magic:#010x}")
    if version != VERSION:
        raise ManifestError(f"version {version}, this reader knows {VERSION}")
    if header_size < HEADER_V1_SIZE:
        raise ManifestError(f"header size {header_size} is below {HEADER_V1_SIZE}")
    if total > len(data) or total < header_size:
        raise ManifestError(f"total size {total} does not fit the {len(data)} bytes given")
    zeroed = data[:CRC_OFFSET] + b"\0\0\0\0" + data[CRC_OFFSET + 4:total]
    if zlib.crc32(zeroed) != crc:
        raise ManifestError("CRC-32 mismatch")
    for what, count, size, least, off in (("sandbox", n_sb, sb_size, SANDBOX_V1_SIZE, sb_off),
                                          ("device", n_dev, dev_size, DEVICE.size, dev_off),
                                          ("channel", n_ch, ch_size, CHANNEL.size, ch_off)):
        if size < least:
            raise ManifestError(f"{what} entry size {size} is below {least}")
        if off + count * size > total:
            raise ManifestError(f"the {what} table runs past the total size")
    return Header(version, total, cores, mem, supervisor, flags, n_sb, n_dev, n_ch,
                  recovery_timeout_ms)
