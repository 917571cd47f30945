"""The board's bundle loader (ports/vtx/bundle.c, built for the host) on the
service entry's device binding: flags bit 1 with the device index at offset 40
(docs/bundle.md), and the refusals of a bad index or a stray one."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "build/kernel/host/bundle-loader"
SANDBOX = 3


def bundle(services: list[tuple[str, int, int, int]], sandbox: int = SANDBOX) -> bytes:
    """A version-2 bundle with one module `app` and the given services
    (name, flags, word at offset 40, word at offset 44)."""
    strings = b""
    refs: dict[str, int] = {}
    for name in ["app", *(s[0] for s in services)]:
        if name not in refs:
            refs[name] = len(strings)
            strings += name.encode() + b"\0"
    strings += b"\0" * (-len(strings) % 8)
    mod_off = 56
    svc_off = mod_off + 16
    str_off = svc_off + 48 * len(services)
    data_off = str_off + len(strings)
    data = b"QVBC" + b"\0" * 4
    total = data_off + len(data)
    header = struct.pack("<IHHIIIIIIIIIIII", 0x4E425651, 2, 56, total, 0, sandbox, 0,
                         1, mod_off, len(services), svc_off, str_off, len(strings), 0, 0)
    mods = struct.pack("<IIII", refs["app"], data_off, len(data), 0)
    svcs = b"".join(struct.pack("<IIIIIIIIIIII", refs[name], refs["app"], 0xFFFFFFFF, 1000,
                                10000, 64, 0, 0, 0, flags, w40, w44)
                    for name, flags, w40, w44 in services)
    image = bytearray(header + mods + svcs + strings + data)
    struct.pack_into("<I", image, 12, zlib.crc32(bytes(image)))
    return bytes(image)


def load(tmp_path: Path, image: bytes, sandbox: int = SANDBOX) -> list[str]:
    if not HARNESS.is_file():
        pytest.fail(f"{HARNESS} is missing: run `make binaries` first")
    path = tmp_path / "bundle.bin"
    path.write_bytes(image)
    out = subprocess.run([str(HARNESS), str(path), str(sandbox)], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    return out.splitlines()


def test_a_device_bound_service_carries_its_device_index(tmp_path: Path) -> None:
    lines = load(tmp_path, bundle([("clock", 1 | 2, 5, 0), ("plain", 1, 0, 0),
                                   ("standby", 2, 31, 0)]))
    assert lines[0].startswith("ok "), lines
    assert lines[1:] == ["service clock flags 3 device 5", "service plain flags 1 device -1",
                         "service standby flags 2 device 31"]


@pytest.mark.parametrize(("entry", "why"), [
    (("clock", 3, 32, 0), "service 0: device index 32, at most 31"),
    (("clock", 3, 0xFFFFFFFF, 0), "service 0: device index 4294967295, at most 31"),
    (("clock", 1, 4, 0), "service 0: device index 4 without the device flag"),
    (("clock", 1, 0, 7), "service 0: reserved word 0x7 is not 0"),
    (("clock", 5, 0, 0), "service 0: unknown flags 0x5"),
])
def test_the_loader_refuses_a_bad_device_binding(tmp_path: Path,
                                                  entry: tuple[str, int, int, int],
                                                  why: str) -> None:
    assert load(tmp_path, bundle([entry])) == [f"refused {why}"]


def test_the_crc_and_the_sandbox_are_still_checked(tmp_path: Path) -> None:
    image = bytearray(bundle([("clock", 3, 1, 0)]))
    assert load(tmp_path, bytes(image), sandbox=4)[0] == \
        f"refused built for sandbox {SANDBOX}, this is sandbox 4"
    image[-1] ^= 1
    assert load(tmp_path, bytes(image))[0].startswith("refused CRC-32")
