"""Build a system.toml and boot the image in Bochs with the machine it
declares: what the system tests' boot fixtures share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from questv.emulator import Emulator
from questv.image import BuildResult, build

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def build_and_boot(system_toml: Path, image: Path, workdir: Path,
                   serial_log: Path) -> Iterator[tuple[BuildResult, Emulator]]:
    """Builds system_toml with --test into image and runs it until the block
    ends; the serial output also goes to serial_log."""
    result = build(system_toml, image, test=True, build_dir=ROOT / "build")
    machine = result.system.machine
    with Emulator(image, kind="bochs", cores=machine.cores, memory_mib=machine.memory_mib,
                  workdir=workdir, serial_log=serial_log) as emulator:
        yield result, emulator
