"""Fault-to-up restart cost of one sandbox, in emulated instructions per core (the TSC
under Bochs `clock: sync=none`, see benchmarks/boot), split into phases as in the
Quest-V paper's table, against a whole-machine boot to the same point.

Phases, from the monitor's and the kernel's console lines:
  decision      from the monitor taking the exit (TSC in the `fault seq=` line),
                through the record and its console lines, to the start of the
                reload: the supervisor's command (boot 0 of the victim) or
                recovery_timeout_ms and then on_fault (boot 1)
  reload        `sandbox N restarted (boot B) tsc T0-T1`: the pristine image copied,
                boot info, channel list, guest state reset
  re-init       T1 to the TSC in the kernel's `up` line of the new boot
The baseline is the victim's first `up` line: power-on (BIOS, GRUB, monitor, kernel)
to the same point, and the monitor's banner to it.
"""

from __future__ import annotations

import re
from typing import Any

from questv.bench import BenchContext

TIMEOUT = 600.0
VICTIM = 2
SYSTEM = "benchmarks/recovery/system-bench.toml"
BANNER = re.compile(r"\[mon 0\] questv monitor \(tsc (\d+)\)")
TSC_KHZ = re.compile(r"\[mon 0\] memory: [^\r\n]*tsc (\d+) kHz")


def _up_tsc(emu: Any, boot: int) -> int:
    m = emu.wait_for(rf"\[sb{VICTIM}\] sandbox {VICTIM} up: [^\r\n]*\(boot {boot}, tsc (\d+)",
                     timeout=TIMEOUT)
    return int(m[1])


def _episode(emu: Any, boot: int) -> dict[str, int]:
    """TSCs of the victim's fault at `boot` and of the restart that followed."""
    line = emu.wait_for(rf"\[mon (\d+)\] FAULT sb={VICTIM} [^\r\n]* boot={boot} ",
                        timeout=TIMEOUT)
    rec = emu.wait_for(rf"\[mon {line[1]}\] fault seq=\d+ sb={VICTIM} kind=(\w+) [^\r\n]* "
                       r"tsc=(\d+)\r?\n", timeout=TIMEOUT, start=line.end())
    restart = emu.wait_for(rf"\[mon \d+\] sandbox {VICTIM} restarted \(boot {boot + 1}\) "
                           r"tsc (\d+)-(\d+)", timeout=TIMEOUT, start=rec.end())
    return {"kind": rec[1], "exit": int(rec[2]), "reload0": int(restart[1]),
            "reload1": int(restart[2]), "up": _up_tsc(emu, boot + 1)}


def _phases(name: str, e: dict[str, int], khz: int, how: str) -> list[dict[str, Any]]:
    total = e["up"] - e["exit"]
    rows = [("decision", e["reload0"] - e["exit"], how),
            ("reload", e["reload1"] - e["reload0"], "pristine image copied, state reset"),
            ("re-initialisation", e["up"] - e["reload1"], "kernel boot to its up line")]
    out = [{"name": f"{name}: fault to up", "value": total, "unit": "instructions/core",
            "note": f"{e['kind']}, {total / khz:.1f} ms virtual"}]
    out += [{"name": f"{name}: {phase}", "value": v, "unit": "instructions/core",
             "note": f"{note}, {v / khz:.2f} ms virtual"} for phase, v, note in rows]
    return out


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    with ctx.boot(SYSTEM, test=True) as emu:
        banner = int(emu.wait_for(BANNER, timeout=TIMEOUT)[1])
        khz = int(emu.wait_for(TSC_KHZ, timeout=TIMEOUT)[1])
        first_up = _up_tsc(emu, 0)
        by_command = _episode(emu, 0)
        by_timeout = _episode(emu, 1)
    results = _phases("restart by the supervisor", by_command, khz,
                      "supervisor polls the log every 5 ms and commands")
    results += _phases("restart by on_fault", by_timeout, khz,
                       "recovery_timeout_ms 50 then on_fault")
    results += [
        {"name": "whole-machine boot to up", "value": first_up, "unit": "instructions/core",
         "note": f"power-on to the victim's first up line, {first_up / khz:.0f} ms virtual"},
        {"name": "monitor boot to up", "value": first_up - banner, "unit": "instructions/core",
         "note": "the monitor's banner to the victim's first up line"},
    ]
    return results
