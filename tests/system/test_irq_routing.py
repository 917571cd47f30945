"""Device interrupts routed by the monitors (tests/system/system-irq.toml, --test, Bochs).

The monitors program the IOAPIC at boot: the CMOS RTC's IRQ 8 goes to sb1, its
owner, on vector 0x41 (QV_DEVICE_VECTOR of device 1). sb1 runs the RTC's periodic
interrupt and counts it; sb0, the supervisor, moves the RTC to itself
(MOVE_DEVICE), which re-points the pin at sb0's core: sb1's count stops, sb0's
grows. sb1 then reads the RTC's port, which is no longer its own (an io fault),
and at its next boot writes the IOAPIC's page, which no EPT maps. One boot of two
cores for the whole file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bochs_boot import build_and_boot
from questv.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_TOML = ROOT / "tests/system/system-irq.toml"
TEST_DIR = Path(os.environ.get("QUESTV_TEST_DIR", ROOT / "build/test")) / "irq"
TIMEOUT = 200.0
RTC, RTC_IRQ, RTC_VECTOR, RTC_PORT = 1, 8, 0x41, 0x70
ROUTE = r"irq 8 -> vector 0x41, sb {sb} \(core {sb}, apic \d+\)"
MOVED = r"\[sb0\] rtc: move device 1 to sb0 -> (-?\d+)\r?\n"
QUIET = r"\[sb1\] rtc: no interrupt for 3 heartbeats: read port 0x70\r?\n"
FAULT = re.compile(r"\[mon \d+\] FAULT sb=(\d+) reason=(\w+) rip=0x[0-9a-f]+ addr=0x([0-9a-f]+) "
                   r"qual=0x[0-9a-f]+ boot=(\d+) action=(\w+)\r?\n")


def counts(text: str, sb: int) -> list[int]:
    return [int(n) for n in re.findall(rf"\[sb{sb}\] rtc irqs=(\d+)\r?\n", text)]


@pytest.fixture(scope="module")
def irq() -> Iterator[Emulator]:
    with build_and_boot(SYSTEM_TOML, TEST_DIR / "questv-irq.iso", TEST_DIR / "run-bochs",
                        TEST_DIR / "serial.log") as (_, emulator):
        yield emulator


def moved(irq: Emulator) -> re.Match[str]:
    m = irq.wait_for(MOVED, timeout=TIMEOUT)
    assert m[1] == "0", m[0]
    return m


def test_the_monitor_routes_the_rtc_to_its_owner_at_boot(irq: Emulator) -> None:
    irq.wait_for(r"\[mon 0\] " + ROUTE.format(sb=1) + r"\r?\n", timeout=TIMEOUT)
    # the UART's irq 4 is routed to its owner too (its driver never enables it)
    irq.wait_for(r"\[mon 0\] irq 4 -> vector 0x40, sb 0 \(core 0, apic \d+\)\r?\n",
                 timeout=TIMEOUT)
    irq.wait_for(r"\[sb1\] rtc: device 1 at port 0x70, vector 0x41, periodic interrupt at 8 Hz",
                 timeout=TIMEOUT)


def test_the_owner_counts_rtc_interrupts_before_the_move(irq: Emulator) -> None:
    m = moved(irq)
    before = counts(irq.output[: m.start()], 1)
    assert len(before) >= 3 and before[-1] > before[0] > 0, before
    assert before == sorted(before), before
    # nothing reached sb0 while sb1 owned the RTC
    assert set(counts(irq.output[: m.start()], 0)) == {0}


def test_move_device_moves_the_interrupt_routing(irq: Emulator) -> None:
    m = moved(irq)
    line = irq.wait_for(r"\[mon 0\] device 1 'rtc' moved from sb 1 to sb 0 \([^\r\n]*\); "
                        r"interrupt routing: " + ROUTE.format(sb=0) + r"\r?\n",
                        timeout=TIMEOUT)
    assert line
    # sb0's count grows from the move on
    first = irq.wait_for(r"\[sb0\] rtc irqs=([1-9]\d*)\r?\n", timeout=TIMEOUT, start=m.end())
    later = irq.wait_for(r"\[sb0\] rtc irqs=(\d+)\r?\n", timeout=TIMEOUT, start=first.end())
    again = irq.wait_for(r"\[sb0\] rtc irqs=(\d+)\r?\n", timeout=TIMEOUT, start=later.end())
    assert int(first[1]) < int(later[1]) < int(again[1])


def test_the_old_owner_hears_no_more_and_its_port_faults(irq: Emulator) -> None:
    m = moved(irq)
    quiet = irq.wait_for(QUIET, timeout=TIMEOUT, start=m.end())
    after = counts(irq.output[m.end(): quiet.start()], 1)
    # its last lines all show the same count: no interrupt came any more
    assert len(after) >= 3 and len(set(after[-3:])) == 1, after
    fault = irq.wait_for(r"\[mon \d+\] FAULT sb=1 [^\r\n]*\r?\n", timeout=TIMEOUT)
    f = FAULT.match(irq.output, fault.start())
    assert f, fault[0]
    assert (f[2], int(f[3], 16), f[4]) == ("io", RTC_PORT, "0"), f[0]
    assert fault.start() > quiet.start()
    assert "NOT contained" not in irq.output


def test_no_sandbox_reaches_the_ioapic_page(irq: Emulator) -> None:
    irq.wait_for(r"\[sb1\] attack 1: write ioapic at 0xfec00000\r?\n", timeout=TIMEOUT)
    fault = irq.wait_for(r"\[mon \d+\] FAULT sb=1 [^\r\n]* boot=1 [^\r\n]*\r?\n", timeout=TIMEOUT)
    f = FAULT.match(irq.output, fault.start())
    assert f and f[2] == "ept_violation" and int(f[3], 16) == 0xFEC00000, fault[0]
    irq.wait_for(r"\[sb1\] sandbox 1 up: core 1, 8 MiB \(boot 2, ", timeout=TIMEOUT)
    assert "NOT contained" not in irq.output


def test_no_other_fault(irq: Emulator) -> None:
    irq.wait_for(r"\[sb1\] sandbox 1 up: core 1, 8 MiB \(boot 2, ", timeout=TIMEOUT)
    faults = [(f[1], f[4]) for f in FAULT.finditer(irq.output)]
    # sb1's two attacks, one per boot; sb0 never faults
    assert faults == [("1", "0"), ("1", "1")], faults
