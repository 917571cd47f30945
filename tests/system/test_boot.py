"""The booted test system (tests/system/system-test.toml, --test, in Bochs):
every sandbox comes up on its own core and heartbeats; the armed attacks are
each stopped by the right monitor with a fault record naming the reason and
the address; nothing else is disturbed. One boot serves every test here; the
corrupt-manifest test boots its own image with a single core."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from questv.emulator import Emulator, WaitTimeout
from questv.image import BOOT_DIR, build

ROOT = Path(__file__).resolve().parents[2]
BOOT_TIMEOUT = 300.0  # wall seconds until all sandboxes are up in Bochs
EVENT_TIMEOUT = 180.0

HEX = r"0x([0-9a-f]+)"
LAYOUT = re.compile(r"\[mon 0\] sandbox (\d+) '[^']*': core (\d+), region " + HEX + "-" + HEX
                    + r" \((\d+) MiB\), ept " + HEX + ",")
MONITOR_RANGE = re.compile(r"\[mon 0\] memory: monitor " + HEX + "-" + HEX + ",")
FAULT = re.compile(r"\[mon (\d+)\] FAULT sb=(\d+) reason=(\w+) rip=" + HEX + " addr=" + HEX
                   + r" qual=0x[0-9a-f]+ boot=(\d+) action=(\w+)\r?\n")


def up_line(sb: int, boot: int) -> str:
    return (rf"\[sb{sb}\] sandbox {sb} up: core (\d+), (\d+) MiB \(boot {boot}, tsc (\d+), "
            r"cpuid vmx=(\d) hypervisor=(\d)\)")


def heartbeat(sb: int) -> str:
    return rf"\[sb{sb}\] sandbox {sb} heartbeat (\d+) canary=(\w+)\r?\n"


def layout(booted) -> dict[int, dict[str, int]]:
    booted.wait_for(r"\[mon 0\] \d+ cores up", timeout=BOOT_TIMEOUT)
    return {int(m[1]): {"core": int(m[2]), "base": int(m[3], 16), "end": int(m[4], 16),
                        "mib": int(m[5]), "ept": int(m[6], 16)}
            for m in LAYOUT.finditer(booted.output)}


def fault_of(booted, sb: int, boot: int) -> re.Match[str]:
    return booted.wait_for(rf"\[mon \d+\] FAULT sb={sb} [^\r\n]* boot={boot} [^\r\n]*\r?\n",
                           timeout=EVENT_TIMEOUT)


def parsed_fault(booted, sb: int, boot: int) -> dict[str, str | int]:
    line = fault_of(booted, sb, boot)
    m = FAULT.search(booted.output, line.start())
    assert m and m.start() == line.start(), line.group(0)
    return {"core": int(m[1]), "reason": m[3], "addr": int(m[5], 16), "action": m[7]}


def test_every_sandbox_comes_up_on_its_own_core(booted) -> None:
    regions = layout(booted)
    for sb in booted.system.sandboxes:
        m = booted.wait_for(up_line(sb.id, 0), timeout=BOOT_TIMEOUT)
        assert int(m[1]) == sb.cores[0] == regions[sb.id]["core"]
        assert int(m[2]) == sb.memory_mib == regions[sb.id]["mib"]
    ends = sorted((r["base"], r["end"]) for r in regions.values())
    assert all(a_end <= b_base for (_, a_end), (b_base, _) in itertools.pairwise(ends)), \
        "sandbox regions overlap"


def test_guest_does_not_see_vmx(booted) -> None:
    m = booted.wait_for(up_line(1, 0), timeout=BOOT_TIMEOUT)
    assert (m[4], m[5]) == ("0", "1")


def test_bad_hypercalls_are_refused_and_the_sandbox_goes_on(booted) -> None:
    for sb in range(4):
        m = booted.wait_for(rf"\[sb{sb}\] hypercalls: ([^\r\n]*)\r?\n", timeout=EVENT_TIMEOUT)
        assert dict(kv.split("=") for kv in m[1].split()) == {
            "version": "2", "console_outside": "-1", "console_too_long": "-1", "unknown": "-2"}
    booted.wait_for(heartbeat(1), timeout=EVENT_TIMEOUT)


def test_write_into_another_sandbox_is_stopped_by_ept(booted) -> None:
    regions = layout(booted)
    attack = booted.wait_for(r"\[sb2\] attack 0: write sandbox canary at " + HEX + r"\r?\n",
                             timeout=EVENT_TIMEOUT)
    target = int(attack[1], 16)
    assert regions[1]["base"] <= target < regions[1]["end"]
    fault = parsed_fault(booted, 2, 0)
    assert fault == {"core": regions[2]["core"], "reason": "ept_violation", "addr": target,
                     "action": "restart"}


def test_write_into_the_monitor_is_stopped_by_ept(booted) -> None:
    mon = booted.wait_for(MONITOR_RANGE, timeout=BOOT_TIMEOUT)
    attack = booted.wait_for(r"\[sb2\] attack 1: write monitor at " + HEX + r"\r?\n",
                             timeout=EVENT_TIMEOUT)
    target = int(attack[1], 16)
    assert int(mon[1], 16) <= target < int(mon[2], 16)
    fault = parsed_fault(booted, 2, 1)
    assert (fault["reason"], fault["addr"]) == ("ept_violation", target)


def test_write_into_its_own_ept_tables_is_stopped(booted) -> None:
    regions = layout(booted)
    attack = booted.wait_for(r"\[sb2\] attack 2: write own EPT at " + HEX + r"\r?\n",
                             timeout=EVENT_TIMEOUT)
    target = int(attack[1], 16)
    assert target == regions[2]["ept"]
    fault = parsed_fault(booted, 2, 2)
    assert (fault["reason"], fault["addr"]) == ("ept_violation", target)


def test_io_to_a_port_it_does_not_own_is_stopped(booted) -> None:
    uart = next(d for d in booted.system.devices if d.name == "uart0")
    attack = booted.wait_for(r"\[sb3\] attack 0: out to port " + HEX + " of device",
                             timeout=EVENT_TIMEOUT)
    assert int(attack[1], 16) == uart.io_base
    fault = parsed_fault(booted, 3, 0)
    assert (fault["reason"], fault["addr"], fault["action"]) == ("io", uart.io_base, "restart")


def test_an_ipi_through_the_apic_is_stopped(booted) -> None:
    booted.wait_for(r"\[sb2\] attack 3: INIT IPI to all other cores", timeout=EVENT_TIMEOUT)
    fault = parsed_fault(booted, 2, 3)
    assert (fault["reason"], fault["action"]) == ("wrmsr", "restart")


def test_no_attack_got_through(booted) -> None:
    booted.wait_for(up_line(2, 4), timeout=EVENT_TIMEOUT)
    booted.wait_for(up_line(3, 1), timeout=EVENT_TIMEOUT)
    assert "NOT contained" not in booted.output
    # sb4's channel attacks are counted in test_channels.py
    assert len([f for f in FAULT.findall(booted.output) if f[1] in ("2", "3")]) == 5


def test_restarted_sandboxes_run_again(booted) -> None:
    for sb, boot in ((2, 4), (3, 1)):
        m = booted.wait_for(up_line(sb, boot), timeout=EVENT_TIMEOUT)
        booted.wait_for(heartbeat(sb), timeout=EVENT_TIMEOUT, start=m.end())


def test_others_keep_heartbeating_across_the_attacks_with_canary_intact(booted) -> None:
    last_fault = fault_of(booted, 2, 3).end()
    for sb in (0, 1):
        first = booted.wait_for(heartbeat(sb), timeout=EVENT_TIMEOUT)
        later = booted.wait_for(heartbeat(sb), timeout=EVENT_TIMEOUT, start=last_fault)
        again = booted.wait_for(heartbeat(sb), timeout=EVENT_TIMEOUT, start=later.end())
        assert int(first[1]) < int(later[1]) < int(again[1])
        assert later[2] == again[2] == "ok"
    assert "canary=CHANGED" not in booted.output


def exit_counts(line: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def test_exits_are_counted_per_sandbox_and_reason(booted) -> None:
    booted.wait_for(up_line(2, 4), timeout=EVENT_TIMEOUT)
    start = len(booted.output)
    lines = {sb: exit_counts(booted.wait_for(rf"\[mon \d+\] exits sb={sb} [^\r\n]*\r?\n",
                                             timeout=EVENT_TIMEOUT, start=start)[0])
             for sb in range(4)}
    # sb2 faulted three times on EPT and once on the ICR, sb3 once on I/O;
    # nothing else faulted
    assert lines[2]["ept_violation"] == 3 and lines[2]["wrmsr"] == 1
    assert lines[2]["boot"] == 4
    assert lines[3]["io"] == 1 and lines[3]["boot"] == 1
    for sb in (0, 1):
        assert "ept_violation" not in lines[sb] and "io" not in lines[sb]
    # sb0 owns the UART: its only exits are its one CPUID at boot and the report
    # hypercalls themselves
    assert set(lines[0]) == {"sb", "boot", "total", "cpuid", "vmcall"}
    assert lines[0]["cpuid"] == 1
    for counts in lines.values():
        named = sum(v for k, v in counts.items() if k not in ("sb", "boot", "total"))
        assert named == counts["total"]


def test_a_corrupt_manifest_is_refused(tmp_path: Path) -> None:
    """Boots an image whose manifest has one payload bit flipped: the monitor must
    say why on the serial line and start no sandbox."""
    image = tmp_path / "corrupt.iso"
    result = build(ROOT / "tests/system/system-test.toml", image, test=True,
                   build_dir=ROOT / "build")
    tree = result.staging / "iso"
    manifest = tree / BOOT_DIR / "manifest"
    data = bytearray(manifest.read_bytes())
    data[-3] ^= 0x10
    manifest.write_bytes(bytes(data))
    subprocess.run(["grub-mkrescue", "-o", str(image), str(tree)], check=True,
                   capture_output=True)
    with Emulator(image, kind="bochs", cores=1, memory_mib=result.system.machine.memory_mib,
                  workdir=tmp_path / "run") as emu:
        m = emu.wait_for(r"\[mon 0\] manifest refused: ([^\r\n]*)\r?\n", timeout=BOOT_TIMEOUT)
        assert "CRC mismatch" in m[1]
        emu.wait_for(r"\[mon 0\] halted", timeout=EVENT_TIMEOUT)
        with pytest.raises(WaitTimeout):
            emu.wait_for(r"sandbox \d+ up|VMX on", timeout=10, start=m.end())
    shutil.rmtree(result.staging, ignore_errors=True)
