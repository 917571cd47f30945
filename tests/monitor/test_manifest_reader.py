"""The monitor's manifest reader (monitor/manifest.c, built for the host) against
manifests written by the host tools (questv.manifest) and damaged copies of them."""

from __future__ import annotations

import random
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from questv import manifest
from questv.config import load

ROOT = Path(__file__).resolve().parents[2]


HEADER = struct.Struct("<IHHIIIIIIHHHHHHIIIII")
CRC_OFFSET = 12


def good_manifest(test_build: bool = True) -> bytes:
    path = ROOT / "tests/system/system-test.toml"
    return manifest.encode(load(path, test_build=test_build), test_build=test_build)


def recrc(data: bytes) -> bytes:
    """The same bytes with a correct CRC, so that the check under test is reached."""
    zeroed = data[:CRC_OFFSET] + b"\0\0\0\0" + data[CRC_OFFSET + 4:]
    total = struct.unpack_from("<I", data, 8)[0]
    crc = zlib.crc32(zeroed[:total]) & 0xFFFFFFFF
    return data[:CRC_OFFSET] + struct.pack("<I", crc) + data[CRC_OFFSET + 4:]


def patch(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def check(unit: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path, data: bytes) -> tuple[int, str]:
    f = tmp_path / "manifest"
    f.write_bytes(data)
    r = unit("check", f)
    return r.returncode, r.stdout.strip()


@pytest.mark.parametrize("toml", ["system.toml", "tests/system/system-test.toml"])
def test_manifests_written_by_questv_build_are_accepted(monitor_unit: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path,
                                                       toml: str) -> None:
    test_build = "tests/" in toml
    blob = manifest.encode(load(ROOT / toml, test_build=test_build), test_build=test_build)
    assert check(monitor_unit, tmp_path, blob) == (0, "ok")


Damage = Callable[[bytes], bytes]
DAMAGES: dict[str, tuple[Damage, str]] = {
    "bad magic": (lambda d: patch(d, 0, "<I", 0x12345678), "bad magic"),
    "future version": (lambda d: recrc(patch(d, 4, "<H", 2)), "unsupported version"),
    "header size too small": (lambda d: recrc(patch(d, 6, "<H", 20)), "bad header size"),
    "total size past the module": (lambda d: patch(d, 8, "<I", len(d) + 64),
                                   "total size runs past"),
    "one payload bit flipped": (lambda d: d[:-3] + bytes([d[-3] ^ 0x10]) + d[-2:],
                                "CRC mismatch"),
    "crc field changed": (lambda d: patch(d, CRC_OFFSET, "<I",
                                          struct.unpack_from("<I", d, CRC_OFFSET)[0] ^ 1),
                          "CRC mismatch"),
    "sandbox entry smaller than v1": (lambda d: recrc(patch(d, 34, "<H", 40)),
                                      "entry size or extent"),
    "sandbox table past the end": (lambda d: recrc(patch(d, 44, "<I", len(d) - 8)),
                                   "entry size or extent"),
    "too many sandboxes": (lambda d: recrc(patch(d, 32, "<H", 17)), "entry size or extent"),
    "truncated header": (lambda d: d[:30], "too short"),
}


@pytest.mark.parametrize("name", list(DAMAGES))
def test_damaged_manifest_is_refused_with_its_reason(monitor_unit: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path,
                                                     name: str) -> None:
    damage, reason = DAMAGES[name]
    rc, out = check(monitor_unit, tmp_path, damage(good_manifest()))
    assert rc == 1
    assert out.startswith("refused: ") and reason in out, out


def test_header_layout_matches_the_contract() -> None:
    # The offsets the damages above patch: n_sandboxes at 32, sandbox_size at 34,
    # sandbox_off at 44 (docs/manifest.md, include/questv/manifest.h).
    blob = good_manifest()
    fields = HEADER.unpack_from(blob)
    assert fields[0] == 0x464D5651 and fields[1] == 1 and fields[2] == HEADER.size == 64
    sandboxes = len(load(ROOT / "tests/system/system-test.toml", test_build=True).sandboxes)
    assert struct.unpack_from("<HH", blob, 32) == (fields[9], fields[10]) == (sandboxes, 64)
    assert struct.unpack_from("<I", blob, 44)[0] == fields[15]


def test_longer_entries_of_a_later_writer_are_stepped_over(monitor_unit: Callable[..., subprocess.CompletedProcess[str]],
                                                         tmp_path: Path) -> None:
    # A later version may append fields: rebuild the sandbox table with 64-byte
    # entries (8 bytes appended to each) and the reader must still accept it.
    blob = good_manifest()
    n, size = struct.unpack_from("<HH", blob, 32)
    dev_n, dev_size = struct.unpack_from("<HH", blob, 36)
    sb_off, dev_off = struct.unpack_from("<II", blob, 44)
    sandboxes = b"".join(blob[sb_off + i * size:sb_off + (i + 1) * size] + b"\xEE" * 8
                         for i in range(n))
    devices = blob[dev_off:dev_off + dev_n * dev_size]
    hsize = struct.unpack_from("<H", blob, 6)[0]
    header = bytearray(blob[:hsize])
    new_sb_off = hsize
    new_dev_off = new_sb_off + len(sandboxes)
    body = sandboxes + devices
    struct.pack_into("<H", header, 34, size + 8)
    struct.pack_into("<III", header, 44, new_sb_off, new_dev_off, hsize + len(body))
    struct.pack_into("<H", header, 40, 0)  # no channels
    struct.pack_into("<I", header, 8, hsize + len(body))
    rc, out = check(monitor_unit, tmp_path, recrc(bytes(header) + body))
    assert (rc, out) == (0, "ok")


def test_a_first_layout_manifest_is_still_accepted(monitor_unit: Callable[..., subprocess.CompletedProcess[str]],
                                                   tmp_path: Path) -> None:
    # Before recovery_timeout_ms and watchdog_ms were appended the header and the
    # sandbox entries were 56 bytes: rebuild one so and the reader must accept it.
    blob = good_manifest()
    hsize, (n, size) = struct.unpack_from("<H", blob, 6)[0], struct.unpack_from("<HH", blob, 32)
    sb_off, dev_off, ch_off = struct.unpack_from("<III", blob, 44)
    sandboxes = b"".join(blob[sb_off + i * size:sb_off + i * size + 56] for i in range(n))
    rest = blob[dev_off:]
    header = bytearray(blob[:56])
    struct.pack_into("<H", header, 6, 56)
    struct.pack_into("<H", header, 34, 56)
    struct.pack_into("<III", header, 44, 56, 56 + len(sandboxes),
                     56 + len(sandboxes) + ch_off - dev_off)
    struct.pack_into("<I", header, 8, 56 + len(sandboxes) + len(rest))
    assert hsize == 64 and size == 64
    rc, out = check(monitor_unit, tmp_path, recrc(bytes(header) + sandboxes + rest))
    assert (rc, out) == (0, "ok")
    # and one byte less than that first layout is still refused
    struct.pack_into("<H", header, 34, 55)
    rc, out = check(monitor_unit, tmp_path, recrc(bytes(header) + sandboxes + rest))
    assert rc == 1 and "entry size" in out


def test_crc_matches_zlib(monitor_unit: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    rng = random.Random(2)
    for size in (0, 1, 3, 56, 1000):
        data = bytes(rng.randrange(256) for _ in range(size))
        f = tmp_path / "blob"
        f.write_bytes(data)
        out = monitor_unit("crc", f).stdout.strip()
        assert int(out, 16) == zlib.crc32(data) & 0xFFFFFFFF
