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


def symbols(obj: Path, undefined: bool) -> set[str]:
    args = ["nm", "-u", str(obj)] if undefined else ["nm", "--defined-only", str(obj)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


@pytest.fixture(scope="module")
def board_objects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    flags = make_var("numeric-board-flags")
    objs = {}
    for source in SOURCES:
        obj = tmp_path_factory.mktemp("board") / (Path(source).stem + ".o")
        subprocess.run([*flags, "-c", source, "-o", str(obj)], cwd=ROOT, check=True)
        objs[source] = obj
    return objs


@pytest.mark.parametrize("source", SOURCES)
def test_source_compiles_freestanding_with_board_flags(
    source: str, board_objects: dict[str, Path]
) -> None:
    """Undefined symbols are only each other's functions and memory functions."""
    ours = set().union(*(symbols(o, undefined=False) for o in board_objects.values()))
    undefined = symbols(board_objects[source], undefined=True)
    assert undefined <= ALLOWED_UNDEFINED | ours, f"{source} needs {sorted(undefined - ours)}"


def test_sources_include_only_freestanding_headers() -> None:
    files = [ROOT / s for s in SOURCES]
    files += sorted((ROOT / "runtime").glob("num_*.h"))
    files += [ROOT / "runtime" / h for h in ("mpz.h", "fpconv.h", "qvmath.h")]
    for path in files:
        for header in re.findall(r'#include\s*<([^>]+)>', path.read_text()):
            assert header in ALLOWED_HEADERS, f"{path.name} includes <{header}>"


def test_sources_have_no_mutable_globals(board_objects: dict[str, Path]) -> None:
    """File-scope objects must be const tables (no global mutable state)."""
    for source, obj in board_objects.items():
        nm = subprocess.run(["nm", str(obj)], check=True, capture_output=True, text=True)
        writable = [ln for ln in nm.stdout.splitlines() if re.search(r" [bBdDcC] ", ln)]
        assert not writable, f"{source} has writable data: {writable}"
