"""The built board images: the attack code exists only in kernel-test.elf (variation
by linking), both kernels and the monitor are multiboot2 images GRUB can load, and
the board side provides the memory functions gcc emits calls to."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

ROOT = Path(__file__).resolve().parents[2]
MONITOR = ROOT / "build/monitor/monitor.elf"
KERNEL = ROOT / "build/kernel/kernel.elf"
KERNEL_TEST = ROOT / "build/kernel/kernel-test.elf"


def _elf(path: Path) -> ELFFile:
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make binaries` first")
    return ELFFile(io.BytesIO(path.read_bytes()))


def symbols(path: Path) -> dict[str, tuple[int, int]]:
    """name -> (address, size)"""
    table = _elf(path).get_section_by_name(".symtab")
    return {s.name: (s["st_value"], s["st_size"]) for s in table.iter_symbols() if s.name}


def rodata(path: Path) -> bytes:
    return _elf(path).get_section_by_name(".rodata").data()


def test_only_the_test_kernel_carries_the_attacks() -> None:
    default, test = symbols(KERNEL), symbols(KERNEL_TEST)
    # the stub is a bare return; the real unit decodes and performs attacks
    assert default["attack_run"][1] <= 4 < test["attack_run"][1]
    assert "write_at" in test and "write_at" not in default
    assert b"NOT contained" in rodata(KERNEL_TEST)
    assert b"NOT contained" not in rodata(KERNEL)


@pytest.mark.parametrize("elf", [MONITOR, KERNEL, KERNEL_TEST], ids=lambda p: p.name)
def test_grub_accepts_it_as_multiboot2(elf: Path) -> None:
    tool = shutil.which("grub-file")
    if tool is None:
        pytest.fail("grub-file is missing: run `make deps`")
    assert subprocess.run([tool, "--is-x86-multiboot2", str(elf)], check=False).returncode == 0


@pytest.mark.parametrize("elf", [MONITOR, KERNEL], ids=lambda p: p.name)
def test_memory_functions_are_provided(elf: Path) -> None:
    syms = symbols(elf)
    for fn in ("memcpy", "memmove", "memset", "memcmp"):
        assert fn in syms, fn


def test_kernel_loads_above_the_boot_info_page() -> None:
    # The monitor puts the boot info at guest-physical 0x1000 and refuses a
    # kernel segment below 1 MiB (monitor/sandbox.c).
    elf = _elf(KERNEL)
    loads = [s for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]
    assert loads and min(s["p_paddr"] for s in loads) >= 0x100000
    assert elf.header["e_entry"] < 1 << 32
