"""The monitor's fault-log ring and kernel symbol lookup (monitor/faultlog.c, built for
the host as monitor-unit): the ring keeps the newest records and says which were lost;
the symbol at a RIP agrees with binutils' reading of the same kernel ELF."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KERNEL = ROOT / "build/kernel/kernel-test.elf"
HEADER_SIZE, RECORD_SIZE = 64, 128

RunUnit = Callable[..., subprocess.CompletedProcess[str]]


def read_log(unit: RunUnit, size: int, n: int) -> tuple[int, int, dict[int, str]]:
    r = unit("faultlog", size, n)
    assert r.returncode == 0, r.stdout + r.stderr
    first, *rest = r.stdout.splitlines()
    m = re.fullmatch(r"capacity (\d+) write_seq (\d+)", first)
    assert m, first
    seen = {int(line.split()[0]): line.split(" ", 1)[1] for line in rest}
    return int(m[1]), int(m[2]), seen


@pytest.mark.parametrize("size,n", [(4096, 0), (4096, 5), (4096, 31), (4096, 32), (4096, 100),
                                    (HEADER_SIZE + RECORD_SIZE, 3), (8192, 70)])
def test_ring_keeps_the_newest_records_and_reports_the_lapped_ones(monitor_unit: RunUnit,
                                                                    size: int, n: int) -> None:
    capacity, write_seq, seen = read_log(monitor_unit, size, n)
    assert capacity == (size - HEADER_SIZE) // RECORD_SIZE
    assert write_seq == n
    for seq in range(1, n + 1):
        i = seq - 1
        if n - seq >= capacity:
            assert seen[seq] == "lost", seq
        else:
            assert seen[seq] == f"ok {i % 16} {0x1000 + i:#x} f{i}", seq
    assert seen[n + 1] == "unwritten"


def test_a_log_too_small_for_one_record_is_refused(monitor_unit: RunUnit) -> None:
    r = monitor_unit("faultlog", HEADER_SIZE + RECORD_SIZE - 1, 1)
    assert (r.returncode, r.stdout.strip()) == (1, "too small")


def nm_functions(elf: Path) -> list[tuple[int, int, str]]:
    out = subprocess.run(["nm", "-S", "--defined-only", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    funcs = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tT" and int(parts[1], 16) > 1:
            funcs.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    return funcs


def lookup(unit: RunUnit, elf: Path, addrs: list[int]) -> dict[int, str]:
    r = unit("ksym", elf, *[hex(a) for a in addrs])
    assert r.returncode == 0, r.stdout + r.stderr
    return {int(line.split()[0], 16): line.split()[1] for line in r.stdout.splitlines()}


def test_symbol_at_an_address_matches_nm(monitor_unit: RunUnit) -> None:
    funcs = nm_functions(KERNEL)
    assert len(funcs) > 50
    rng = random.Random(7)
    sample = rng.sample(funcs, 40)
    by_addr = {}
    for start, size, name in sample:
        by_addr[start] = (name, 0)
        by_addr[start + size - 1] = (name, size - 1)
        by_addr[start + rng.randrange(size)] = None  # checked below against all of nm
    got = lookup(monitor_unit, KERNEL, list(by_addr))
    for addr, want in by_addr.items():
        if want is None:
            holders = [(n, addr - s) for s, z, n in funcs if s <= addr < s + z]
            assert got[addr] in {f"{n}+{o:#x}" for n, o in holders}, (hex(addr), holders)
        else:
            name, off = want
            start = addr - off
            aliases = {n for s, _, n in funcs if s == start}
            assert got[addr] in {f"{n}+{off:#x}" for n in aliases}, (hex(addr), got[addr])


def test_address_below_every_symbol_has_none(monitor_unit: RunUnit) -> None:
    assert lookup(monitor_unit, KERNEL, [0])[0] == "none"


def test_an_image_without_symbols_or_with_a_broken_section_table(monitor_unit: RunUnit,
                                                                  tmp_path: Path) -> None:
    stripped = tmp_path / "stripped.elf"
    shutil.copy(KERNEL, stripped)
    subprocess.run(["strip", str(stripped)], check=True)
    r = monitor_unit("ksym", stripped, "0x100000")
    assert (r.returncode, r.stdout.strip()) == (1, "no symbols")
    broken = bytearray(KERNEL.read_bytes())
    broken[40:48] = (len(broken) - 16).to_bytes(8, "little")  # e_shoff near the end
    bad = tmp_path / "broken.elf"
    bad.write_bytes(bytes(broken))
    r = monitor_unit("ksym", bad, "0x100000")
    assert (r.returncode, r.stdout.strip()) == (1, "no symbols")
