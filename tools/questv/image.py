"""Build the boot images: a GRUB multiboot2 hybrid ISO, and its kernel-only twin for QEMU.

Both ISOs hold the same files and the same two menu entries; they differ
only in which entry GRUB boots. QEMU cannot pick a GRUB entry and has no
VT-x, so `questv run --emulator qemu` boots the twin, whose default is the
sandbox kernel on its own.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import manifest
from .compile import PYLIB, Compiler, bundle_for, find_modules
from .config import SUPERVISOR_MODULE, ConfigError, System, load, python_memory_kib

MONITOR_ELF = Path("monitor/monitor.elf")
KERNEL_ELF = Path("kernel/kernel.elf")
KERNEL_TEST_ELF = Path("kernel/kernel-test.elf")
QPY = Path("host/qpy")            # the hosted compiler, under the build directory
QBC_CACHE = Path("cache/qbc")     # compiled modules by content hash
BOOT_DIR = "boot/questv"  # where the modules live inside the ISO
ENTRY_MONITOR, ENTRY_KERNEL_ONLY = 0, 1


class BuildError(Exception):
    """The image could not be built; the message says what to do."""


class NotAnImage(BuildError):
    """The file given as an image is missing or is not a questv image."""


@dataclass(frozen=True)
class BuildResult:
    image: Path
    kernel_only_image: Path
    system: System
    manifest: bytes
    staging: Path
    bundles: tuple[bytes, ...] = ()
    compiled: int = 0  # modules compiled in this build (the others came from the cache)


def kernel_only_path(image: Path) -> Path:
    """Where the QEMU twin of `image` lives."""
    return image.with_name(f"{image.stem}-kernel-only{image.suffix}")


def board_elfs(build_dir: Path, *, test: bool) -> tuple[Path, Path]:
    """The monitor and kernel ELF files from `make binaries`, checked to exist and be ELF."""
    monitor = build_dir / MONITOR_ELF
    kernel = build_dir / (KERNEL_TEST_ELF if test else KERNEL_ELF)
    for elf in (monitor, kernel):
        if not elf.is_file():
            raise BuildError(f"{elf} does not exist: run `make binaries` first")
        with open(elf, "rb") as f:
            if f.read(4) != b"\x7fELF":
                raise BuildError(f"{elf} is not an ELF file: run `make binaries` again")
    return monitor, kernel


def _checked(command: str) -> str:
    """One GRUB load command that reports its file and halts if it fails."""
    return f"    if {command}; then true; else questv_fail {command.split()[1]}; fi"


def grub_cfg(system: System, *, default: int, test: bool) -> str:
    """The GRUB script: the monitor with every module, or the kernel alone."""
    modules = [f"module2 /{BOOT_DIR}/kernel.elf kernel", f"module2 /{BOOT_DIR}/manifest manifest"]
    modules += [f"module2 /{BOOT_DIR}/bundle{sb.id} bundle {sb.id}" for sb in system.sandboxes]
    kind = "test build" if test else "default build"
    lines = [
        "# Written by `questv build`; rebuild instead of editing.",
        "set timeout=0",
        f"set default={default}",
        "",
        "# GRUB stays off the serial line (its screen set-up would reach the",
        "# console) unless a module fails to load: then it says so there and",
        "# powers off, so that a scripted run ends instead of hanging.",
        "function questv_fail {",
        "    serial --unit=0 --speed=115200",
        "    terminal_output serial",
        '    echo "grub: $1: cannot load it; the image is broken, rebuild it"',
        "    halt",
        "}",
        "",
        f'menuentry "questv: monitor and {len(system.sandboxes)} sandboxes ({kind})" {{',
        _checked(f"multiboot2 /{BOOT_DIR}/monitor.elf"),
        *[_checked(m) for m in modules],
        "    boot",
        "}",
        "",
        f'menuentry "questv: sandbox kernel alone, no monitor, no isolation ({kind})" {{',
        _checked(f"multiboot2 /{BOOT_DIR}/kernel.elf"),
        *[_checked(m) for m in modules[1:]],
        "    boot",
        "}",
        "",
    ]
    return "\n".join(lines)


def build(system_path: str | Path, output: str | Path, *, test: bool = False,
          build_dir: str | Path = "build") -> BuildResult:
    """Validate, compile and package; raises ConfigError or BuildError."""
    system = load(system_path, test_build=test)
    build_dir, output = Path(build_dir), Path(output)
    monitor_elf, kernel_elf = board_elfs(build_dir, test=test)
    if shutil.which("grub-mkrescue") is None:
        raise BuildError("grub-mkrescue is not installed: run `make deps`")
    blob = manifest.encode(system, test_build=test)
    compiler = Compiler(build_dir / QPY, build_dir / QBC_CACHE, display=Path.cwd())
    try:
        bundles = tuple(bundle_for(system, sb, compiler) for sb in system.sandboxes)
    except FileNotFoundError as err:
        raise BuildError(f"{err}: the hosted compiler is missing: run `make binaries` "
                         "first") from err
    _bundles_fit(str(system_path), system, bundles)
    # Staged next to the image, so that two images built from one build
    # directory (the default and the test one) never share a tree.
    staging = output.parent / f"{output.stem}.d"
    if staging.exists():
        shutil.rmtree(staging)
    output.parent.mkdir(parents=True, exist_ok=True)
    twin = kernel_only_path(output)
    for tree_name, default, iso in (("iso", ENTRY_MONITOR, output),
                                    ("iso-kernel-only", ENTRY_KERNEL_ONLY, twin)):
        tree = staging / tree_name
        _populate(tree, blob, bundles, monitor_elf, kernel_elf)
        (tree / "boot/grub").mkdir(parents=True, exist_ok=True)
        (tree / "boot/grub/grub.cfg").write_text(grub_cfg(system, default=default, test=test))
        _mkrescue(tree, iso, staging / f"{tree_name}.log")
    return BuildResult(output, twin, system, blob, staging, bundles, compiler.compiled)


def _bundles_fit(source: str, system: System, bundles: tuple[bytes, ...]) -> None:
    """The monitor copies a sandbox's bundle into its region: it must fit beside the
    heaps, the filesystem and the kernel (config's Python memory rule)."""
    has_supervisor = SUPERVISOR_MODULE in find_modules([PYLIB], missing_ok=True)
    for sb, data in zip(system.sandboxes, bundles, strict=True):
        need = python_memory_kib(sb, has_supervisor) + -(-len(data) // 1024)
        if need > sb.memory_mib * 1024:
            raise ConfigError(source, f"sandbox[{sb.id}].memory_mib",
                              f"{sb.memory_mib} MiB is too small: its Python needs "
                              f"{python_memory_kib(sb, has_supervisor)} KiB and its bundle "
                              f"{len(data)} bytes more")


def _populate(tree: Path, blob: bytes, bundles: tuple[bytes, ...], monitor_elf: Path,
              kernel_elf: Path) -> None:
    boot = tree / BOOT_DIR
    boot.mkdir(parents=True)
    shutil.copyfile(monitor_elf, boot / "monitor.elf")
    shutil.copyfile(kernel_elf, boot / "kernel.elf")
    (boot / "manifest").write_bytes(blob)
    for sb_id, data in enumerate(bundles):
        (boot / f"bundle{sb_id}").write_bytes(data)


def _mkrescue(tree: Path, iso: Path, log: Path) -> None:
    tmp = iso.with_name(iso.name + ".part")
    proc = subprocess.run(["grub-mkrescue", "-o", str(tmp), str(tree)], check=False,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log.write_bytes(proc.stdout)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        tail = proc.stdout.decode(errors="replace").strip().splitlines()[-5:]
        raise BuildError(f"grub-mkrescue failed (exit {proc.returncode}); the end of {log}:\n"
                         + "\n".join(tail))
    # Replaced only when complete: a failed build leaves the previous image intact.
    tmp.replace(iso)


def read_manifest(image: str | Path) -> bytes:
    """The manifest module inside a built ISO (extracted with xorriso into a temp dir)."""
    return read_module(image, "manifest")


def read_module(image: str | Path, name: str) -> bytes:
    """One boot module (manifest, bundleN, ...) inside a built ISO."""
    image = Path(image)
    if not image.is_file():
        raise NotAnImage(f"{image}: no such image; build one with `questv build`")
    with tempfile.TemporaryDirectory(prefix="questv-") as tmp:
        # Never a device path as the target: xorriso replaces what is there.
        target = Path(tmp) / "module"
        proc = subprocess.run(
            ["xorriso", "-osirrox", "on", "-indev", str(image),
             "-extract", f"/{BOOT_DIR}/{name}", str(target)],
            check=False, capture_output=True)
        if proc.returncode != 0 or not target.is_file():
            raise NotAnImage(f"{image}: no /{BOOT_DIR}/{name} inside; is it a questv image? "
                             f"(xorriso exit {proc.returncode})")
        return target.read_bytes()
