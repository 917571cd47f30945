"""The sandbox kernel booted by GRUB directly, without the monitor (what
`questv run --emulator qemu` does): it says that isolation is off, reports up
and heartbeats."""

from __future__ import annotations

import re
from pathlib import Path

from questv.emulator import Emulator
from questv.image import build, kernel_only_path

ROOT = Path(__file__).resolve().parents[2]


def test_kernel_alone_runs_without_isolation_and_heartbeats(tmp_path: Path) -> None:
    result = build(ROOT / "system.toml", tmp_path / "direct.iso", build_dir=ROOT / "build")
    with Emulator(kernel_only_path(result.image), kind="qemu", cores=1, memory_mib=128,
                  workdir=tmp_path / "run") as emu:
        emu.wait_for(r"\[sb0\] running without isolation: booted directly, no monitor",
                     timeout=120)
        up = emu.wait_for(r"\[sb0\] sandbox 0 up: core 0, (\d+) MiB \(boot 0, tsc \d+, "
                          r"cpuid vmx=\d hypervisor=\d\)", timeout=60)
        # QEMU was given 128 MiB: the kernel sizes its memory from the firmware map
        assert 120 <= int(up[1]) <= 128
        first = emu.wait_for(r"\[sb0\] sandbox 0 heartbeat (\d+) canary=ok\r?\n", timeout=60)
        second = emu.wait_for(r"\[sb0\] sandbox 0 heartbeat (\d+) canary=ok\r?\n", timeout=60,
                              start=first.end())
        assert int(second[1]) == int(first[1]) + 1
        assert not re.search(r"EXCEPTION", emu.output)
