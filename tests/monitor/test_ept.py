"""EPT construction (monitor/ept.c, built for the host): a sandbox's region is
mapped from guest-physical 0, 4 KiB at a time, and nothing else is."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

RunUnit = Callable[..., subprocess.CompletedProcess[str]]
MiB = 1 << 20
RWX_WB = 0x7 | (6 << 3)


def translate(unit: RunUnit, host: int, size: int, gpas: list[int]) -> tuple[str, dict]:
    r = unit("ept", hex(host), hex(size), *map(hex, gpas))
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    result = {}
    for line in lines[1:]:
        m = re.fullmatch(r"0x([0-9a-f]+) -> (none|0x([0-9a-f]+) 0x([0-9a-f]+))", line)
        assert m, line
        gpa = int(m.group(1), 16)
        result[gpa] = None if m.group(2) == "none" else (int(m.group(3), 16),
                                                         int(m.group(4), 16))
    return lines[0], result


def test_region_is_mapped_page_by_page_from_zero(monitor_unit: RunUnit) -> None:
    host, size = 0x2600000, 8 * MiB
    probes = [0, 0x1000, 0x1234, 0x100000, size - 0x1000, size - 1]
    summary, got = translate(monitor_unit, host, size, probes)
    for gpa in probes:
        assert got[gpa] == (host + gpa, RWX_WB), hex(gpa)
    # 2048 leaf pages: one PML4, one PDPT, one PD, four page tables
    assert summary == "pages 2048 tables 7"


def test_nothing_outside_the_region_is_mapped(monitor_unit: RunUnit) -> None:
    host, size = 0x2600000, 8 * MiB
    # the first byte past the region, another sandbox's region, the monitor at
    # 16 MiB, an address above 4 GiB, and the host address of the region itself
    outside = [size, size + 0x1000, 0x1E00000, 0x1000000, 0x100000000, host]
    _, got = translate(monitor_unit, host, size, outside)
    assert all(got[gpa] is None for gpa in outside), got


def test_region_not_a_multiple_of_2_mib(monitor_unit: RunUnit) -> None:
    host, size = 0x40000000, 3 * MiB + 0x3000
    summary, got = translate(monitor_unit, host, size, [size - 0x1000, size])
    assert summary.startswith(f"pages {size // 4096} ")
    assert got[size - 0x1000] == (host + size - 0x1000, RWX_WB)
    assert got[size] is None
