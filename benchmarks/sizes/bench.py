"""Sizes of the trusted base and of the sandbox kernel, read from the built ELFs."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from questv import elfinfo
from questv.bench import BenchContext

RUNTIME_TEXT_GOAL = 256 * 1024  # issue 3: the board build under 256 KiB of text


def _rows(label: str, secs: list[elfinfo.Section], *, after_boot: bool,
          note: str) -> list[dict[str, Any]]:
    total = elfinfo.sizes(secs, after_boot=after_boot)
    return [{"name": f"{label} {kind}", "value": getattr(total, kind), "unit": "bytes",
             "note": note} for kind in elfinfo.KINDS]


def _archive_sizes(archive: Path) -> dict[str, int]:
    """Bytes of code, read-only data and writable data over an archive's objects."""
    sums = {"text": 0, "rodata": 0, "data": 0}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["ar", "x", str(archive.resolve())], cwd=tmp, check=True)
        for obj in sorted(Path(tmp).glob("*.o")):
            for sec in elfinfo.sections(obj):   # the allocated ones
                if sec.name.startswith(".text"):
                    sums["text"] += sec.size
                elif sec.name.startswith(".rodata"):
                    sums["rodata"] += sec.size
                elif sec.name.startswith((".data", ".bss")):
                    sums["data"] += sec.size
    return sums


def _runtime_rows(ctx: BenchContext) -> list[dict[str, Any]]:
    lib = ctx.build_dir / "runtime/libqvrt.a"
    sums = _archive_sizes(lib)
    note = "build/runtime/libqvrt.a, the runtime built for the board"
    return [
        {"name": "runtime board text", "value": sums["text"], "unit": "bytes",
         "note": f"{note}; goal < {RUNTIME_TEXT_GOAL}"},
        {"name": "runtime board rodata", "value": sums["rodata"], "unit": "bytes", "note": note},
        {"name": "runtime board data+bss", "value": sums["data"], "unit": "bytes",
         "note": f"{note}; writable data (none: no global mutable state)"},
    ]


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    monitor = elfinfo.sections(ctx.monitor_elf)
    kernel = elfinfo.sections(ctx.kernel_elf)
    boot_only = sum(s.size for s in monitor if s.boot_only)
    return (
        _rows("monitor", monitor, after_boot=False, note="whole image")
        + _rows("monitor after boot", monitor, after_boot=True,
                note=f"without boot-only sections ({boot_only} bytes)")
        + _rows("kernel", kernel, after_boot=False, note="whole image")
        + _runtime_rows(ctx)
    )
