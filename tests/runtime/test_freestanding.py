"""The board build of the runtime (build/runtime/libqvrt.a) is freestanding:
compiled with -ffreestanding -nostdlib, it needs nothing from outside but the
mem* functions gcc may emit (every other hook comes through the port
struct), and it keeps no writable global data."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIB = REPO / "build" / "runtime" / "libqvrt.a"
ALLOWED = {"memcpy", "memset", "memmove", "memcmp"}


@pytest.fixture(scope="module")
def lib() -> Path:
    if not LIB.exists():
        pytest.fail(f"{LIB} is not built (make binaries)")
    return LIB


def _nm(lib: Path) -> list[tuple[str, str]]:
    out = subprocess.run(["nm", str(lib)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[-2]) == 1:
            rows.append((parts[-2], parts[-1]))
    return rows


def test_built_with_freestanding_flags() -> None:
    flags = subprocess.run(["make", "-s", "runtime-board-flags"], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.split()
    assert "-ffreestanding" in flags
    assert "-nostdlib" in flags
    assert "-Werror" in flags


def test_no_undefined_symbols_beyond_mem_functions(lib: Path) -> None:
    rows = _nm(lib)
    defined = {name for kind, name in rows if kind not in ("U", "w")}
    undefined = {name for kind, name in rows if kind == "U"} - defined
    assert undefined <= ALLOWED, f"unexpected external symbols: {sorted(undefined - ALLOWED)}"


def test_no_writable_global_data(lib: Path) -> None:
    out = subprocess.run(["size", "-A", str(lib)], check=True, capture_output=True, text=True).stdout
    obj = None
    writable = []
    for line in out.splitlines():
        if line.endswith(":") and "(ex" in line:
            obj = line.split()[0]
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) > 0:
            name = parts[0]
            if (name.startswith(".data") and not name.startswith(".data.rel.ro")) or name.startswith(".bss"):
                writable.append(f"{obj} {name} {parts[1]}")
    assert not writable, f"writable globals: {writable}"


def test_text_size_is_reported(lib: Path) -> None:
    out = subprocess.run(["size", "-t", str(lib)], check=True, capture_output=True, text=True).stdout
    total = int(out.strip().splitlines()[-1].split()[0])
    print(f"runtime text (code + read-only data) for the board: {total} bytes ({total / 1024:.0f} KiB)")
    assert total > 0
