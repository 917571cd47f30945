"""The console hub's sandbox restarting (tests/system/system-hub.toml, --test, Bochs).

sb0 owns the UART and runs the hub; its first boot faults at once and the
monitor restarts it. sb1's console is a pair of channels whose memory outlives
the restart, so the restarted hub re-attaches them and sb1's console resumes:
its heartbeat lines, including those written while the hub was down, arrive
in order, none lost, and typed input reaches it again. One boot of two cores
for the whole file (this system differs from the shared system-test.toml).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bochs_boot import build_and_boot
from questv.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_TOML = ROOT / "tests/system/system-hub.toml"
TEST_DIR = Path(os.environ.get("QUESTV_TEST_DIR", ROOT / "build/test")) / "hub-restart"
TIMEOUT = 150.0
HEARTBEAT = r"\[sb1\] sandbox 1 heartbeat (\d+) canary=ok\r?\n"


@pytest.fixture(scope="module")
def hub() -> Iterator[Emulator]:
    with build_and_boot(SYSTEM_TOML, TEST_DIR / "questv-hub.iso", TEST_DIR / "run-bochs",
                        TEST_DIR / "serial.log") as (_, emulator):
        yield emulator


def restarted(hub: Emulator) -> re.Match[str]:
    hub.wait_for(r"\[mon \d+\] FAULT sb=0 [^\r\n]* boot=0 action=restart", timeout=TIMEOUT)
    return hub.wait_for(r"\[sb0\] sandbox 0 up: core \d+, \d+ MiB \(boot 1, ", timeout=TIMEOUT)


def test_the_hub_faults_and_comes_back(hub: Emulator) -> None:
    up = restarted(hub)
    # the restarted hub attaches sb1's console channels again, resumed
    line = hub.wait_for(r"\[sb0\] channel con1\.out: from sb1, \d+ B x \d+, prod 0x[0-9a-f]+ "
                        r"cons 0x[0-9a-f]+, (\w+)", timeout=TIMEOUT, start=up.end())
    assert line[1] == "OK"


def test_the_other_console_resumes_with_nothing_lost(hub: Emulator) -> None:
    up = restarted(hub)
    first = hub.wait_for(HEARTBEAT, timeout=TIMEOUT, start=up.end())
    later = hub.wait_for(HEARTBEAT, timeout=TIMEOUT, start=first.end())
    hub.wait_for(HEARTBEAT, timeout=TIMEOUT, start=later.end())
    seen = [int(n) for n in re.findall(HEARTBEAT, hub.output)]
    # every line sb1 wrote, from its first on, in order: those written while
    # the hub was down waited in the channel
    assert seen == list(range(1, len(seen) + 1)), seen
    assert int(later[1]) > int(first[1])
    assert "NOT contained" not in hub.output


def test_typed_input_reaches_the_other_sandbox_after_the_restart(hub: Emulator) -> None:
    up = restarted(hub)
    hub.wait_for(HEARTBEAT, timeout=TIMEOUT, start=up.end())
    for k in b"\x1d1after-restart\r":     # Ctrl-] 1: focus on sb1, then a line
        hub.write(bytes((k,)))
        time.sleep(0.02)
    m = hub.wait_for(r"\[sb(\d+)\] console input: after-restart\r?\n", timeout=TIMEOUT)
    assert m[1] == "1"
