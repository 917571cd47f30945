"""Fault containment and recovery in the shared test boot (tests/system/system-test.toml):
sb5 supervises (the fault log is mapped read-only into it and its test script prints
what it reads), sb6 is the victim (triple fault, PCI config, a refused recovery command
and a read of the log, a hang caught by the watchdog). Every fault is contained,
recorded with its kind, RIP and the kernel symbol there, and the victim comes back."""

from __future__ import annotations

import os
import re
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The kernel the booted image carries (build/ may have been rebuilt since), in
# the staging tree questv.image.build leaves beside the image (conftest.py).
TEST_DIR = Path(os.environ.get("QUESTV_TEST_DIR", ROOT / "build/test"))
KERNEL_IN_IMAGE = TEST_DIR / "questv-test.d/iso/boot/questv/kernel.elf"
TIMEOUT = 300.0
SUP, VICTIM = 5, 6
HEX = r"0x([0-9a-f]+)"
FAULT = re.compile(r"\[mon (\d+)\] FAULT sb=(\d+) reason=(\w+) rip=" + HEX + " addr=" + HEX
                   + " qual=" + HEX + r" boot=(\d+) action=(\w+)\r?\n")
RECORD = re.compile(r"\[mon (\d+)\] fault seq=(\d+) sb=(\d+) kind=(\w+) sym=([\w.?]+)\+" + HEX
                    + r" time_ns=(\d+) tsc=(\d+)\r?\n")
READ = re.compile(r"\[sb5\] faultlog seq=(\d+) sb=(\d+) kind=(\w+) reason=(\d+) boot=(\d+) rip="
                  + HEX + r" sym=([\w.?]+)\+" + HEX + " gpa=" + HEX + " qual=" + HEX
                  + r" action=(\d+) lost=(\d+)\r?\n")
# EPT violation qualification: bit 0 read, bit 1 write; bits 3-5 what the page allows
QUAL_READ, QUAL_WRITE, QUAL_READABLE, QUAL_WRITABLE = 0x1, 0x2, 0x8, 0x10
I440FX_ID = 0x12378086  # device 0x1237, vendor 0x8086: Bochs' host bridge at 00:00.0


def up_line(sb: int, boot: int) -> str:
    return rf"\[sb{sb}\] sandbox {sb} up: core \d+, \d+ MiB \(boot {boot}, "


def whole_line(booted, head: str, rx: re.Pattern[str], start: int = 0) -> re.Match[str]:
    """The first line from `start` on that matches `head` (a regex), read by `rx` once
    the line has come whole: matching its start alone raced the rest of it (the serial
    line brings a line in pieces, and `rx` wants every field up to its end)."""
    line = booted.wait_for(head + r"[^\r\n]*\r?\n", timeout=TIMEOUT, start=start)
    m = rx.match(booted.output, line.start())
    assert m, booted.output[line.start():line.end()]
    return m


def fault(booted, sb: int, boot: int) -> re.Match[str]:
    return whole_line(booted, rf"\[mon \d+\] FAULT sb={sb} [^\r\n]* boot={boot} ", FAULT)


def record_after(booted, m: re.Match[str]) -> re.Match[str]:
    """The fault-record line the same monitor prints right after a FAULT line."""
    r = whole_line(booted, rf"\[mon {m[1]}\] fault seq=", RECORD, start=m.end())
    assert r[3] == m[2], r[0]
    return r


@cache
def functions() -> list[tuple[int, int, str]]:
    out = subprocess.run(["nm", "-S", "--defined-only", str(KERNEL_IN_IMAGE)],
                         capture_output=True, text=True, check=True).stdout
    return [(int(p[0], 16), int(p[1], 16), p[3]) for p in map(str.split, out.splitlines())
            if len(p) == 4 and p[2] in "tT"]


def holder(rip: int) -> set[tuple[str, int]]:
    return {(name, rip - start) for start, size, name in functions() if start <= rip < start + size}


def test_the_monitor_sets_up_the_fault_log_symbols_and_the_preemption_timer(booted) -> None:
    m = booted.wait_for(r"\[mon 0\] fault log " + HEX + r" \((\d+) records\), kernel symbols (\d+),"
                        r" recovery timeout (\d+) ms, preemption timer (\w+) ", timeout=TIMEOUT)
    assert int(m[2]) == (4096 - 64) // 128
    assert int(m[3]) > 100
    assert int(m[4]) == booted.system.recovery_timeout_ms
    assert m[5] == "yes"


def test_triple_fault_is_contained_and_the_supervisor_restarts_the_victim(booted) -> None:
    booted.wait_for(r"\[sb6\] attack 0: triple fault", timeout=TIMEOUT)
    f = fault(booted, VICTIM, 0)
    assert (f[3], f[8]) == ("triple_fault", "restart")
    rec = record_after(booted, f)
    assert rec[4] == "triple_fault"
    assert (rec[5], int(rec[6], 16)) in holder(int(f[4], 16))
    cmd = booted.wait_for(r"\[sb5\] supervisor: restart sb6 \(frozen\) -> (-?\d+)", timeout=TIMEOUT)
    assert cmd[1] == "0"
    took = booted.wait_for(r"\[mon 6\] sandbox 6: command restart from the supervisor\r?\n",
                           timeout=TIMEOUT, start=f.end())
    up = booted.wait_for(up_line(VICTIM, 1), timeout=TIMEOUT)
    # restarted by the command, not by the timeout
    assert "sandbox 6: no command" not in booted.output[f.end():up.start()]
    assert took.start() < up.start()


def test_pci_config_reaches_an_owned_function_and_faults_on_another(booted) -> None:
    m = booted.wait_for(r"\[sb6\] attack 1: pci config 00:00\.0 id=" + HEX + r"\r?\n",
                        timeout=TIMEOUT)
    assert int(m[1], 16) == I440FX_ID
    f = fault(booted, VICTIM, 1)
    assert f[3] == "pci"
    assert int(f[5], 16) == 0x80000000 | (1 << 3) << 8  # CONFIG_ADDRESS of 00:01.0 reg 0
    assert record_after(booted, f)[4] == "pci"
    # nobody commands: on_fault applies after recovery_timeout_ms
    booted.wait_for(r"\[mon 6\] sandbox 6: no command from the supervisor in \d+ ms, "
                    r"on_fault=restart", timeout=TIMEOUT, start=f.end())
    booted.wait_for(up_line(VICTIM, 2), timeout=TIMEOUT)


def test_a_recover_command_from_a_non_supervisor_is_refused_and_reported(booted) -> None:
    m = booted.wait_for(r"\[sb6\] attack 2: recover restart sb1 -> (-?\d+)", timeout=TIMEOUT)
    assert m[1] == "-3"  # QV_HC_EPERM
    booted.wait_for(r"\[mon 6\] REFUSED sb=6 command=1 target=1", timeout=TIMEOUT)
    rec = booted.wait_for(r"\[mon 6\] fault seq=(\d+) sb=6 kind=refused_command ", timeout=TIMEOUT)
    seen = booted.wait_for(rf"\[sb5\] faultlog seq={rec[1]} sb=6 kind=refused_command "
                           r"[^\r\n]* gpa=0x1 qual=0x1 ", timeout=TIMEOUT)
    assert seen
    # sb1 was not touched
    assert not re.search(up_line(1, 1), booted.output)


def test_another_sandbox_cannot_read_the_fault_log(booted) -> None:
    log = booted.wait_for(r"\[mon 0\] fault log " + HEX + " ", timeout=TIMEOUT)
    m = booted.wait_for(r"\[sb6\] attack 2: read fault log at " + HEX + r"\r?\n", timeout=TIMEOUT)
    assert m[1] == log[1]
    f = fault(booted, VICTIM, 2)
    assert (f[3], f[5]) == ("ept_violation", log[1])
    qual = int(f[6], 16)
    assert qual & QUAL_READ and not qual & (QUAL_READABLE | QUAL_WRITABLE)  # unmapped there
    booted.wait_for(up_line(VICTIM, 3), timeout=TIMEOUT)


def test_the_watchdog_catches_a_hang(booted) -> None:
    victim = next(sb for sb in booted.system.sandboxes if sb.id == VICTIM)
    assert victim.watchdog_ms > 0
    booted.wait_for(r"\[sb6\] attack 3: hang with interrupts off", timeout=TIMEOUT)
    f = fault(booted, VICTIM, 3)
    assert (f[3], int(f[5], 16), f[8]) == ("hang", victim.watchdog_ms, "restart")
    rec = record_after(booted, f)
    assert rec[4] == "hang"
    assert (rec[5], int(rec[6], 16)) in holder(int(f[4], 16))
    up = booted.wait_for(up_line(VICTIM, 4), timeout=TIMEOUT)
    booted.wait_for(r"\[sb6\] sandbox 6 heartbeat \d+ canary=ok", timeout=TIMEOUT, start=up.end())


def test_the_supervisor_reads_every_record_from_its_log(booted) -> None:
    own = fault(booted, SUP, 0)
    own_seq = int(record_after(booted, own)[2])
    assert own_seq > 8
    written = {int(r[2]): r for r in RECORD.finditer(booted.output)}
    faults = {int(record_after(booted, f)[2]): f for f in FAULT.finditer(booted.output)}
    for seq in range(1, own_seq):
        # a record written just before the supervisor's own fault is read by its next boot
        r = whole_line(booted, rf"\[sb5\] faultlog seq={seq} ", READ)
        w = written[seq]
        assert (r[2], r[3], r[7], r[8]) == (w[3], w[4], w[5], w[6]), seq
        assert int(r[12]) == 0  # nothing lost
        booted.wait_for(rf"\[sb5\] supervisor: ack {seq} -> 0\r?\n", timeout=TIMEOUT)
        if seq in faults:  # the record agrees with its FAULT line field by field
            f = faults[seq]
            assert (int(r[6], 16), int(r[9], 16), int(r[10], 16), int(r[5])) == \
                (int(f[4], 16), int(f[5], 16), int(f[6], 16), int(f[7])), seq


def test_the_supervisor_stops_and_resumes_a_running_sandbox(booted) -> None:
    stop = booted.wait_for(r"\[sb5\] supervisor: stop sb6 \(running\) -> (-?\d+)", timeout=TIMEOUT)
    assert stop[1] == "0"
    resume = booted.wait_for(r"\[sb5\] supervisor: resume sb6 -> (-?\d+)", timeout=TIMEOUT)
    assert resume[1] == "0"
    took = booted.wait_for(r"\[mon 6\] sandbox 6: command stop from the supervisor\r?\n",
                           timeout=TIMEOUT)
    booted.wait_for(r"\[mon 6\] sandbox 6 stopped\r?\n", timeout=TIMEOUT, start=took.end())
    back = booted.wait_for(r"\[mon 6\] sandbox 6: command resume from the supervisor\r?\n",
                           timeout=TIMEOUT, start=took.end())
    # resumed where it stopped: the same boot goes on heartbeating, no restart
    hb = booted.wait_for(r"\[sb6\] sandbox 6 heartbeat \d+ ", timeout=TIMEOUT, start=back.end())
    assert not re.search(up_line(VICTIM, 5), booted.output[:hb.end()])
    # RESUME of a running sandbox, a command aimed at the supervisor itself: EINVAL
    again = booted.wait_for(r"\[sb5\] supervisor: resume sb6 again \(running\) -> (-?\d+)",
                            timeout=TIMEOUT)
    itself = booted.wait_for(r"\[sb5\] supervisor: restart sb5 \(itself\) -> (-?\d+)",
                             timeout=TIMEOUT)
    assert (again[1], itself[1]) == ("-1", "-1")


def test_move_device_hands_the_pci_bridge_to_the_supervisor(booted) -> None:
    uart = booted.wait_for(r"\[sb5\] supervisor: move device 0 to sb5 -> (-?\d+)", timeout=TIMEOUT)
    assert uart[1] == "-1"  # the UART stays with the console hub
    moved = booted.wait_for(r"\[sb5\] supervisor: move device 1 to sb5 -> (-?\d+)",
                            timeout=TIMEOUT)
    assert moved[1] == "0"
    booted.wait_for(r"\[mon 5\] device 1 'hostbridge' moved from sb 6 to sb 5 ", timeout=TIMEOUT)
    m = booted.wait_for(r"\[sb5\] supervisor: pci config 00:00\.0 id=" + HEX + r"\r?\n",
                        timeout=TIMEOUT)
    assert int(m[1], 16) == I440FX_ID
    # the supervisor had no PCI fault: its only fault is the write to its log
    assert not re.search(r"FAULT sb=5 reason=pci", booted.output)


def test_a_write_to_the_fault_log_by_the_supervisor_is_stopped(booted) -> None:
    booted.wait_for(r"\[sb5\] supervisor: write fault log at 0xc0000000", timeout=TIMEOUT)
    f = fault(booted, SUP, 0)
    assert (f[3], int(f[5], 16), f[8]) == ("ept_violation", 0xC0000000, "restart")
    qual = int(f[6], 16)
    assert qual & QUAL_WRITE and qual & QUAL_READABLE and not qual & QUAL_WRITABLE
    # the supervisor itself faulted: on_fault at once, nobody to wait for
    restarted = booted.wait_for(r"\[mon 5\] sandbox 5 restarted \(boot 1\)", timeout=TIMEOUT,
                                start=f.end())
    assert "sandbox 5: no command" not in booted.output[f.end():restarted.start()]
    booted.wait_for(up_line(SUP, 1), timeout=TIMEOUT)
    assert "NOT contained" not in booted.output


def test_the_others_run_on_through_every_recovery(booted) -> None:
    last = fault(booted, SUP, 0)
    for sb in (0, 1):
        booted.wait_for(rf"\[sb{sb}\] sandbox {sb} heartbeat \d+ canary=ok", timeout=TIMEOUT,
                        start=last.end())
    assert "canary=CHANGED" not in booted.output
    for sb in (0, 1):
        assert not re.search(up_line(sb, 1), booted.output)
