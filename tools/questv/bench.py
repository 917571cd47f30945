"""What benchmarks/run.py hands to each benchmark, and how it checks what comes back.

A benchmark is `benchmarks/<name>/bench.py` with `run(ctx: BenchContext) ->
list[dict]`; each dict has `name` (str), `value` (int or float), `unit` (str)
and `note` (str, may be empty). A benchmark that cannot measure raises: a
figure is never made up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .emulator import Emulator

RESULT_KEYS = {"name": str, "value": (int, float), "unit": str, "note": str}


class BenchError(Exception):
    """A benchmark returned something that is not a list of results."""


@dataclass
class BenchContext:
    """Where things are; shared by every benchmark of one run."""

    root: Path                      # the repository
    build_dir: Path                 # `make binaries` output (monitor/, kernel/, ...)
    scratch: Path                   # a directory a benchmark may write into
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def monitor_elf(self) -> Path:
        return self.build_dir / "monitor/monitor.elf"

    @property
    def kernel_elf(self) -> Path:
        return self.build_dir / "kernel/kernel.elf"

    @contextmanager
    def boot(self, system: str | Path = "system.toml", *, test: bool = False,
             kind: str = "bochs") -> Iterator[Emulator]:
        """Build `system` (relative to the repository) into scratch and boot it; the
        emulator is stopped when the block ends."""
        from .image import build, kernel_only_path

        name = Path(system).stem + ("-test" if test else "")
        result = build(self.root / system, self.scratch / f"{name}.iso", test=test,
                       build_dir=self.build_dir)
        image = result.image if kind == "bochs" else kernel_only_path(result.image)
        machine = result.system.machine
        with Emulator(image, kind=kind, cores=machine.cores, memory_mib=machine.memory_mib,
                      workdir=self.scratch / f"run-{name}-{kind}") as emu:
            yield emu


def check_results(bench: str, results: Any) -> list[dict[str, Any]]:
    """The results as given, after checking their shape; BenchError names what is wrong."""
    if not isinstance(results, list):
        raise BenchError(f"{bench}: run() returned {type(results).__name__}, not a list")
    for i, r in enumerate(results):
        if not isinstance(r, dict) or set(r) != set(RESULT_KEYS):
            raise BenchError(f"{bench}: result {i} must be a dict with exactly the keys "
                             f"{', '.join(RESULT_KEYS)}")
        for key, types in RESULT_KEYS.items():
            if not isinstance(r[key], types) or isinstance(r[key], bool):
                raise BenchError(f"{bench}: result {i}: {key} has the wrong type")
    return results
