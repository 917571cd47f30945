"""The hub's C sources stay freestanding: they compile with the board flags at
several optimisation levels, include nothing but <questv/types.h> and their
own headers, and call nothing outside themselves (not even memcpy)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("kernel/console/frame.c", "kernel/console/hub.c")
HEADERS = ("kernel/console/frame.h", "kernel/console/hub.h")
ALLOWED_INCLUDES = {"<questv/types.h>", '"frame.h"', '"hub.h"'}


def board_flags() -> list[str]:
    out = subprocess.run(["make", "-s", "--no-print-directory", "console-board-flags"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return shlex.split(out.strip())


def test_includes_are_only_the_board_vocabulary():
    for path in SOURCES + HEADERS:
        text = (ROOT / path).read_text()
        found = set(re.findall(r"^\s*#\s*include\s+([<\"][^>\"]+[>\"])", text, re.MULTILINE))
        assert found <= ALLOWED_INCLUDES, (path, found - ALLOWED_INCLUDES)


@pytest.mark.parametrize("opt", ["-O0", "-O2", "-Os"])
def test_board_build_calls_nothing_outside(tmp_path, opt):
    cmd = board_flags()
    defined, undefined = set(), set()
    for src in SOURCES:
        obj = tmp_path / (Path(src).stem + ".o")
        subprocess.run(cmd + [opt, "-c", src, "-o", str(obj)], cwd=ROOT, check=True)
        syms = subprocess.run(["nm", str(obj)], capture_output=True, text=True,
                              check=True).stdout
        for line in syms.splitlines():
            kind, name = line.split()[-2:]
            (undefined if kind == "U" else defined).add(name)
    assert undefined - defined == set()


def test_no_mutable_globals(tmp_path):
    # Only read-only data: the hub's state lives in the caller's struct.
    cmd = board_flags()
    for src in SOURCES:
        obj = tmp_path / (Path(src).stem + ".o")
        subprocess.run(cmd + ["-O2", "-c", src, "-o", str(obj)], cwd=ROOT, check=True)
        sizes = subprocess.run(["size", "-A", str(obj)], capture_output=True, text=True,
                               check=True).stdout
        sections = dict(re.findall(r"^(\.\S+)\s+(\d+)", sizes, re.MULTILINE))
        for name, size in sections.items():
            if name.startswith((".data", ".bss")):
                assert int(size) == 0, (src, name)
        assert ".text" in sections
