"""A corrupt bundle is refused and the sandbox stays up with its REPL.

`questv build` cannot write a bad bundle, so this boot patches one: the image
of tests/system/system-python.toml is built, sb1's bundle located in the ISO
(its header and CRC-32 checked, so it is the real one) and one byte of its
module data flipped. Its own boot in Bochs: sb1's kernel names the failed
check, runs no service, and its REPL answers; the other sandboxes load theirs.
"""

from __future__ import annotations

import os
import re
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from questv.emulator import Emulator
from questv.image import build

ROOT = Path(__file__).resolve().parents[2]
TEST_DIR = Path(os.environ.get("QUESTV_TEST_DIR", ROOT / "build/test"))
IMAGE = TEST_DIR / "questv-python-corrupt.iso"
BAD_SB = 1
TIMEOUT = 300.0
HEADER = struct.Struct("<IHHIIIIIIIIIIII")


def bundle_spans(blob: bytes, sandbox_id: int) -> list[tuple[int, int]]:
    """(offset, total_size) of every intact bundle for sandbox_id in blob."""
    spans = []
    for m in re.finditer(rb"QVBN\x02\x00\x38\x00", blob):
        at = m.start()
        (_, _, _, total, crc, sb, *_rest) = HEADER.unpack_from(blob, at)
        body = bytearray(blob[at:at + total])
        if sb != sandbox_id or len(body) != total:
            continue
        body[12:16] = bytes(4)
        if zlib.crc32(body) == crc:
            spans.append((at, total))
    return spans


@pytest.fixture(scope="module")
def corrupt_boot() -> Iterator[Emulator]:
    result = build(ROOT / "tests/system/system-python.toml", IMAGE, test=False,
                   build_dir=ROOT / "build")
    iso = bytearray(IMAGE.read_bytes())
    spans = bundle_spans(bytes(iso), BAD_SB)
    assert spans, "sb1's bundle is not in the image"
    for at, total in spans:
        iso[at + total - 3] ^= 0x5A  # inside the last module's data, not the header
    IMAGE.write_bytes(iso)
    assert not bundle_spans(bytes(iso), BAD_SB)
    machine = result.system.machine
    with Emulator(IMAGE, kind="bochs", cores=machine.cores, memory_mib=machine.memory_mib,
                  workdir=TEST_DIR / "run-python-corrupt",
                  serial_log=TEST_DIR / "serial-python-corrupt.log") as emu:
        yield emu


def test_corrupt_bundle_is_refused_and_the_repl_stays(corrupt_boot) -> None:
    emu = corrupt_boot
    m = emu.wait_for(rf"\[sb{BAD_SB}\] bundle refused: ([^\r\n]*)", timeout=TIMEOUT)
    assert "CRC-32" in m[1] and "corrupt" in m[1]
    for sb in (0, 2, 3):
        emu.wait_for(rf"\[sb{sb}\] bundle: \d+ bytes, \d+ modules, [123] services", timeout=TIMEOUT)
        emu.wait_for(rf"\[sb{sb}\] svc_safe: running", timeout=TIMEOUT)
    emu.wait_for(rf"\[sb{BAD_SB}\] >>> ", timeout=TIMEOUT)
    start = len(emu.output)
    for k in b"\x1d1":  # Ctrl-] 1: type into sb1
        emu.write(bytes((k,)))
        time.sleep(0.05)
    for k in b"import quest; [s.name for s in quest.services()], 6 * 7\r":
        emu.write(bytes((k,)))
        time.sleep(0.02)
    # no services (none from the refused bundle, no supervisor), and it computes;
    # quest itself is frozen in the bundle, so it is missing too: either answer
    # shows the REPL alive and the bundle's modules absent
    m = emu.wait_for(rf"\[sb{BAD_SB}\] (\(\[\], 42\)|ImportError[^\r\n]*|"
                     rf"ModuleNotFoundError[^\r\n]*)[\r\n]", timeout=TIMEOUT, start=start)
    assert m[1] == "([], 42)" or "quest" in m[1]
    assert not re.search(rf"\[sb{BAD_SB}\] svc_safe", emu.output)
