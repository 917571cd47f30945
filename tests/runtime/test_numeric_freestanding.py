"""The numeric sources build with the board flags and depend on nothing.

They must compile with the top Makefile's $(BOARD_CC) $(BOARD_CFLAGS) and
leave no undefined symbol but the four memory functions GCC may emit even
in freestanding code (the runtime provides those), and include only the
freestanding headers C11 guarantees.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_HEADERS = {"stdint.h", "stddef.h", "stdbool.h", "limits.h", "float.h", "stdarg.h"}
ALLOWED_UNDEFINED = {"memcpy", "memset", "memmove", "memcmp"}


def make_var(target: str) -> list[str]:
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", target],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return out.stdout.split()


SOURCES = make_var("numeric-sources")


@pytest.mark.parametrize("source", SOURCES)
def test_source_compiles_freestanding_with_board_flags(source: str, tmp_path: Path) -> None:
    flags = make_var("numeric-board-flags")
    obj = tmp_path / "out.o"
    subprocess.run([*flags, "-c", source, "-o", str(obj)], cwd=ROOT, check=True)
    nm = subprocess.run(["nm", "-u", str(obj)], check=True, capture_output=True, text=True)
    undefined = {line.split()[-1] for line in nm.stdout.splitlines() if line.strip()}
    assert undefined <= ALLOWED_UNDEFINED, f"{source} needs {sorted(undefined)}"


def test_sources_include_only_freestanding_headers() -> None:
    files = [ROOT / s for s in SOURCES]
    files += sorted((ROOT / "runtime").glob("num_*.h"))
    files += [ROOT / "runtime" / h for h in ("mpz.h", "fpconv.h", "qvmath.h")]
    for path in files:
        for header in re.findall(r'#include\s*<([^>]+)>', path.read_text()):
            assert header in ALLOWED_HEADERS, f"{path.name} includes <{header}>"


def test_sources_have_no_mutable_globals(tmp_path: Path) -> None:
    """File-scope objects must be const tables (no global mutable state)."""
    flags = make_var("numeric-board-flags")
    for source in SOURCES:
        obj = tmp_path / "g.o"
        subprocess.run([*flags, "-c", source, "-o", str(obj)], cwd=ROOT, check=True)
        nm = subprocess.run(["nm", str(obj)], check=True, capture_output=True, text=True)
        writable = [ln for ln in nm.stdout.splitlines() if re.search(r" [bBdDcC] ", ln)]
        assert not writable, f"{source} has writable data: {writable}"
