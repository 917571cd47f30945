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

A second boot (system-python-bench.toml) measures the same with Python on both
sides: the victim's service triple-faults from Python (quest._inject), the
supervisor's recovery service (quest.recovery, polling every 20 ms) asks the
policy (apps/policy.py: restart), and the end point is the victim's service
answering again (its first statement reads quest.ticks_cpu(), the TSC), so a
fourth phase, "Python start", runs from the kernel's `up` line to that: the
port's bundle load, the services' interpreters and `import quest`.
"""

from __future__ import annotations

import re
from typing import Any

from questv.bench import BenchContext

TIMEOUT = 600.0
VICTIM = 2
SYSTEM = "benchmarks/recovery/system-bench.toml"
PY_SYSTEM = "benchmarks/recovery/system-python-bench.toml"
PY_VICTIM = 1
ANSWER = re.compile(r"\[sb1\] rb_victim: answering at boot 1 tsc (\d+)")
BANNER = re.compile(r"\[mon 0\] questv monitor \(tsc (\d+)\)")
TSC_KHZ = re.compile(r"\[mon 0\] memory: [^\r\n]*tsc (\d+) kHz")


def _up_tsc(emu: Any, boot: int, sb: int = VICTIM) -> int:
    m = emu.wait_for(rf"\[sb{sb}\] sandbox {sb} up: [^\r\n]*\(boot {boot}, tsc (\d+)",
                     timeout=TIMEOUT)
    return int(m[1])


def _episode(emu: Any, boot: int, sb: int = VICTIM) -> dict[str, int]:
    """TSCs of sandbox sb's fault at `boot` and of the restart that followed."""
    line = emu.wait_for(rf"\[mon (\d+)\] FAULT sb={sb} [^\r\n]* boot={boot} ",
                        timeout=TIMEOUT)
    rec = emu.wait_for(rf"\[mon {line[1]}\] fault seq=\d+ sb={sb} kind=(\w+) [^\r\n]* "
                       r"tsc=(\d+)\r?\n", timeout=TIMEOUT, start=line.end())
    restart = emu.wait_for(rf"\[mon \d+\] sandbox {sb} restarted \(boot {boot + 1}\) "
                           r"tsc (\d+)-(\d+)", timeout=TIMEOUT, start=rec.end())
    return {"kind": rec[1], "exit": int(rec[2]), "reload0": int(restart[1]),
            "reload1": int(restart[2]), "up": _up_tsc(emu, boot + 1, sb)}


def _phases(name: str, e: dict[str, int], khz: int, how: str) -> list[dict[str, Any]]:
    end, what = (e["answer"], "service answering") if "answer" in e else (e["up"], "up")
    total = end - e["exit"]
    rows = [("decision", e["reload0"] - e["exit"], how),
            ("reload", e["reload1"] - e["reload0"], "pristine image copied, state reset"),
            ("re-initialisation", e["up"] - e["reload1"], "kernel boot to its up line")]
    if "answer" in e:
        rows.append(("Python start", e["answer"] - e["up"],
                     "bundle, service interpreters, import quest, to the service's first line"))
    out = [{"name": f"{name}: fault to {what}", "value": total, "unit": "instructions/core",
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
    with ctx.boot(PY_SYSTEM, test=True) as emu:
        khz_py = int(emu.wait_for(TSC_KHZ, timeout=TIMEOUT)[1])
        emu.wait_for(r"\[sb0\] recovery: policy policy v1 in force", timeout=TIMEOUT)
        by_python = _episode(emu, 0, PY_VICTIM)
        by_python["answer"] = int(emu.wait_for(ANSWER, timeout=TIMEOUT)[1])
    results += _phases("Python policy restart", by_python, khz_py,
                       "recovery service polls every 20 ms, asks the policy, commands")
    results += [
        {"name": "whole-machine boot to up", "value": first_up, "unit": "instructions/core",
         "note": f"power-on to the victim's first up line, {first_up / khz:.0f} ms virtual"},
        {"name": "monitor boot to up", "value": first_up - banner, "unit": "instructions/core",
         "note": "the monitor's banner to the victim's first up line"},
    ]
    return results
