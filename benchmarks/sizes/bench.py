"""Sizes of the trusted base and of the sandbox kernel, read from the built ELFs."""

from __future__ import annotations

from typing import Any

from questv import elfinfo
from questv.bench import BenchContext


def _rows(label: str, secs: list[elfinfo.Section], *, after_boot: bool,
          note: str) -> list[dict[str, Any]]:
    total = elfinfo.sizes(secs, after_boot=after_boot)
    return [{"name": f"{label} {kind}", "value": getattr(total, kind), "unit": "bytes",
             "note": note} for kind in elfinfo.KINDS]


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    monitor = elfinfo.sections(ctx.monitor_elf)
    kernel = elfinfo.sections(ctx.kernel_elf)
    boot_only = sum(s.size for s in monitor if s.boot_only)
    return (
        _rows("monitor", monitor, after_boot=False, note="whole image")
        + _rows("monitor after boot", monitor, after_boot=True,
                note=f"without boot-only sections ({boot_only} bytes)")
        + _rows("kernel", kernel, after_boot=False, note="whole image")
    )
