"""The REPL and the RAM filesystem as the sandbox kernel links them
(build/repl/libqvrepl-board.a, built with the board flags): they need
nothing from outside but the runtime's embedding API (the REPL) and the
mem* functions gcc may emit, and they keep no writable global data: all
state is in the blocks their callers hand over."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIB = REPO / "build" / "repl" / "libqvrepl-board.a"
MEM = {"memcpy", "memset", "memmove", "memcmp"}
RUNTIME_API = {"qv_exec", "qv_interrupt", "qv_cancel_interrupt"}


def symbols() -> dict[str, list[tuple[str, str]]]:
    if not LIB.exists():
        pytest.fail(f"{LIB} is not built (make binaries)")
    out = subprocess.run(["nm", str(LIB)], check=True, capture_output=True, text=True).stdout
    per: dict[str, list[tuple[str, str]]] = {}
    member = ""
    for line in out.splitlines():
        if line.endswith(".o:"):
            member = line[:-1]
            per[member] = []
            continue
        parts = line.split()
        if len(parts) >= 2 and len(parts[-2]) == 1:
            per[member].append((parts[-2], parts[-1]))
    return per


def test_only_the_runtime_api_and_mem_functions_are_needed() -> None:
    per = symbols()
    assert set(per) == {"repl.o", "ramfs.o"}
    undefined = {m: {s for t, s in syms if t == "U"} for m, syms in per.items()}
    assert undefined["ramfs.o"] <= MEM, undefined["ramfs.o"]
    assert undefined["repl.o"] <= MEM | RUNTIME_API, undefined["repl.o"]


def test_no_writable_global_state() -> None:
    for member, syms in symbols().items():
        writable = [s for t, s in syms if t in "DdBbCGgSs"]
        assert writable == [], (member, writable)
