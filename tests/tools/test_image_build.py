"""`questv build`: the ISO images, their GRUB configuration and their modules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from questv.bundle import decode
from questv.config import load
from questv.image import BuildError, build, kernel_only_path, read_manifest
from questv.manifest import encode

ROOT = Path(__file__).resolve().parents[2]


def iso_file(iso: Path, inside: str, tmp_path: Path) -> bytes:
    target = tmp_path / Path(inside).name
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract", inside,
                    str(target)], check=True, capture_output=True)
    return target.read_bytes()


def test_missing_elf_says_to_run_make_binaries(tmp_path):
    with pytest.raises(BuildError, match=r"monitor/monitor\.elf does not exist: run `make "
                                         r"binaries` first"):
        build(ROOT / "system.toml", tmp_path / "q.iso", build_dir=tmp_path)


def test_non_elf_input_is_refused(tmp_path, stub_elf):
    for rel in ("monitor/monitor.elf", "kernel/kernel.elf"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stub_elf, tmp_path / rel)
    (tmp_path / "kernel/kernel.elf").write_text("not an ELF")
    with pytest.raises(BuildError, match="is not an ELF file"):
        build(ROOT / "system.toml", tmp_path / "q.iso", build_dir=tmp_path)


def test_image_is_a_hybrid_iso(stub_image):
    data = stub_image.read_bytes()
    assert data[510:512] == b"\x55\xaa"          # MBR boot signature: bootable from a stick
    assert data[0x8001:0x8006] == b"CD001"       # ISO 9660 primary volume descriptor
    assert kernel_only_path(stub_image).is_file()


def test_image_carries_the_manifest_of_system_toml(stub_image):
    expected = encode(load(ROOT / "system.toml"), test_build=False)
    assert read_manifest(stub_image) == expected
    assert read_manifest(kernel_only_path(stub_image)) == expected


def test_image_carries_monitor_kernel_and_one_bundle_per_sandbox(stub_image, stub_elf, tmp_path):
    assert iso_file(stub_image, "/boot/questv/monitor.elf", tmp_path) == stub_elf.read_bytes()
    assert iso_file(stub_image, "/boot/questv/kernel.elf", tmp_path) == stub_elf.read_bytes()
    system = load(ROOT / "system.toml")
    for i in range(4):
        b = decode(iso_file(stub_image, f"/boot/questv/bundle{i}", tmp_path), sandbox_id=i)
        assert [s.name for s in b.services] == [s.name for s in system.sandboxes[i].services]
        assert "quest" in {m.name for m in b.modules}


def test_grub_defaults_differ_between_the_twins(stub_image, tmp_path):
    cfg = iso_file(stub_image, "/boot/grub/grub.cfg", tmp_path).decode()
    twin = iso_file(kernel_only_path(stub_image), "/boot/grub/grub.cfg", tmp_path).decode()
    assert "set default=0" in cfg and "set default=1" in twin
    first, second = cfg.split("menuentry")[1:3]
    assert "multiboot2 /boot/questv/monitor.elf" in first
    for module in ("kernel", "manifest", "bundle 0", "bundle 3"):
        assert f" {module};" in first
    assert "multiboot2 /boot/questv/kernel.elf" in second and "monitor.elf" not in second


def test_test_build_uses_the_test_kernel_and_sets_the_flag(stub_build_dir, tmp_path):
    build_dir = tmp_path / "build"
    shutil.copytree(stub_build_dir, build_dir)
    marker = b"kernel-test marker"
    with open(build_dir / "kernel/kernel-test.elf", "ab") as f:
        f.write(marker)
    system = tmp_path / "attack.toml"
    (tmp_path / "apps").symlink_to(ROOT / "apps")   # the services' modules, as next to ROOT's
    system.write_text((ROOT / "system.toml").read_text().replace(
        'name = "sb2"', 'name = "sb2"\ntest_attacks = ["write_sandbox:sb1"]'))
    out = tmp_path / "t.iso"
    build(system, out, test=True, build_dir=build_dir)
    assert iso_file(out, "/boot/questv/kernel.elf", tmp_path).endswith(marker)
    blob = read_manifest(out)
    assert int.from_bytes(blob[28:32], "little") & 1


def test_refused_system_leaves_the_previous_image_intact(stub_build_dir, tmp_path):
    out = tmp_path / "q.iso"
    build(ROOT / "system.toml", out, build_dir=stub_build_dir)
    before = out.read_bytes()
    bad = tmp_path / "bad.toml"
    (tmp_path / "apps").symlink_to(ROOT / "apps")
    bad.write_text((ROOT / "system.toml").read_text().replace("cores = [3]", "cores = [2]"))
    with pytest.raises(Exception, match="core 2 is already given"):
        build(bad, out, build_dir=stub_build_dir)
    assert out.read_bytes() == before
