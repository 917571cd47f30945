"""Fixtures for the host-tool tests: a valid system description to mutate, and a
stand-in multiboot2 kernel (mb2stub.S) so that images can be built and booted
before, and independently of, the real monitor and kernel."""

from __future__ import annotations

import copy
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUB_SOURCE = Path(__file__).with_name("mb2stub.S")
QPY = ROOT / "build/host/qpy"


@pytest.fixture
def default_toml() -> dict[str, Any]:
    """The repository's system.toml, parsed; each test gets its own copy to break."""
    with open(ROOT / "system.toml", "rb") as f:
        return copy.deepcopy(tomllib.load(f))


@pytest.fixture(scope="session")
def stub_elf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mb2stub.S assembled and linked at 1 MiB as a 32-bit multiboot2 ELF."""
    for tool in ("as", "ld"):
        assert shutil.which(tool), f"{tool} (binutils) is needed: run `make deps`"
    out = tmp_path_factory.mktemp("stub")
    obj, elf = out / "stub.o", out / "stub.elf"
    subprocess.run(["as", "--32", "-o", str(obj), str(STUB_SOURCE)], check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-N", "--no-warn-rwx-segments", "-Ttext=0x100000",
                    "-e", "_start", "-o", str(elf), str(obj)], check=True)
    return elf


@pytest.fixture(scope="session")
def stub_build_dir(tmp_path_factory: pytest.TempPathFactory, stub_elf: Path) -> Path:
    """A build directory laid out like `make binaries` output, with the stub as every ELF
    and the real hosted compiler (bundles hold modules compiled by it)."""
    build = tmp_path_factory.mktemp("build")
    for rel in ("monitor/monitor.elf", "kernel/kernel.elf", "kernel/kernel-test.elf"):
        (build / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stub_elf, build / rel)
    assert QPY.is_file(), f"{QPY} is needed: run `make binaries`"
    (build / "host").mkdir()
    (build / "host/qpy").symlink_to(QPY)
    return build


@pytest.fixture(scope="session")
def stub_image(stub_build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default system.toml built into an ISO around the stub kernel."""
    from questv.image import build

    out = tmp_path_factory.mktemp("image") / "questv.iso"
    build(ROOT / "system.toml", out, build_dir=stub_build_dir)
    return out
