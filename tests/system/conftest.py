"""The system tests' one boot: tests/system/system-test.toml built with --test and
booted once per session in Bochs; every test reads the same serial console.

If the image cannot be built (no `make binaries`, a refused system-test.toml)
the fixture raises and every system test errors: nothing is skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from questv.config import System
from questv.emulator import Emulator
from questv.image import build

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_TOML = ROOT / "tests/system/system-test.toml"
# QUESTV_TEST_DIR lets two checkouts' worth of work (or two people) run the
# system tests at once without sharing an image or a serial log.
TEST_DIR = Path(os.environ.get("QUESTV_TEST_DIR", ROOT / "build/test"))
IMAGE = TEST_DIR / "questv-test.iso"
SERIAL_LOG = TEST_DIR / "serial.log"


@dataclass
class Booted:
    """The running test system: its description and its serial console."""

    system: System
    emulator: Emulator

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = 120.0,
                 start: int = 0) -> re.Match[str]:
        """First match from character `start` of the output on, waiting up to `timeout`
        seconds; raises questv.emulator.WaitTimeout with the output's tail."""
        return self.emulator.wait_for(pattern, timeout=timeout, start=start)

    @property
    def output(self) -> str:
        """All serial output so far."""
        return self.emulator.output


@pytest.fixture(scope="session")
def booted() -> Iterator[Booted]:
    result = build(SYSTEM_TOML, IMAGE, test=True, build_dir=ROOT / "build")
    machine = result.system.machine
    emulator = Emulator(IMAGE, kind="bochs", cores=machine.cores, memory_mib=machine.memory_mib,
                        workdir=TEST_DIR / "run-bochs")
    emulator.start()
    try:
        yield Booted(result.system, emulator)
    finally:
        emulator.stop()
        SERIAL_LOG.write_bytes(emulator.output_bytes)
