"""questv flash: every refusal happens before anything is written. No test writes to a
real block device; the write path is exercised on a regular file."""

from __future__ import annotations

from pathlib import Path

import pytest
from questv import flash as flash_mod
from questv.cli import main
from questv.flash import FlashError, check_target, copy_image, mounted_parts

MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
/dev/sdb1 /media/stick vfat rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""
SYS = {
    "/dev/sda": Path("/sys/devices/pci/block/sda"),
    "/dev/sda2": Path("/sys/devices/pci/block/sda/sda2"),
    "/dev/sdb": Path("/sys/devices/usb/block/sdb"),
    "/dev/sdb1": Path("/sys/devices/usb/block/sdb/sdb1"),
    "/dev/sdc": Path("/sys/devices/usb2/block/sdc"),
}


def fake_resolve(dev: Path) -> Path | None:
    return SYS.get(str(dev))


@pytest.mark.parametrize("dev, expected", [
    ("/dev/sdb", ["/dev/sdb1 on /media/stick"]),   # a partition of it is mounted
    ("/dev/sda", ["/dev/sda2 on /"]),
    ("/dev/sdb1", ["/dev/sdb1 on /media/stick"]),
    ("/dev/sdc", []),
])
def test_mounted_partitions_are_found(dev, expected):
    assert mounted_parts(Path(dev), MOUNTS, fake_resolve) == expected


def test_regular_file_target_is_refused(tmp_path):
    target = tmp_path / "disk.img"
    target.write_bytes(bytes(1 << 20))
    with pytest.raises(FlashError, match="is not a block device"):
        check_target(target, 1)


def test_character_device_is_refused():
    with pytest.raises(FlashError, match="is not a block device"):
        check_target("/dev/null", 1)


def test_missing_target_is_refused(tmp_path):
    with pytest.raises(FlashError, match="No such file"):
        check_target(tmp_path / "sdz", 1)


def test_copy_image_writes_it_all(tmp_path):
    image = tmp_path / "image.iso"
    image.write_bytes(bytes(range(256)) * 40000)  # > one chunk
    out = tmp_path / "out"
    with open(out, "wb") as f:
        assert copy_image(image, f.fileno()) == image.stat().st_size
    assert out.read_bytes() == image.read_bytes()


def accept_any_target(monkeypatch):
    monkeypatch.setattr(flash_mod, "check_target", lambda device, size: Path(device))
    monkeypatch.setattr(flash_mod, "device_size", lambda dev: 1 << 30)


def test_declined_confirmation_writes_nothing(stub_image, tmp_path, monkeypatch):
    accept_any_target(monkeypatch)
    target = tmp_path / "stick"
    target.write_bytes(b"precious")
    asked = []
    with pytest.raises(FlashError, match="not confirmed"):
        flash_mod.flash(stub_image, target, ask=lambda q: asked.append(q) or "n")
    assert "Everything on" in asked[0] and target.read_bytes() == b"precious"


def test_confirmed_flash_copies_the_image(stub_image, tmp_path, monkeypatch):
    accept_any_target(monkeypatch)
    target = tmp_path / "stick"
    target.write_bytes(b"")
    written = flash_mod.flash(stub_image, target, ask=lambda q: "y")
    assert written == stub_image.stat().st_size
    assert target.read_bytes() == stub_image.read_bytes()


def test_cli_refuses_a_non_image(tmp_path, capsys):
    junk = tmp_path / "junk.iso"
    junk.write_bytes(b"junk")
    assert main(["flash", str(junk), "/dev/null", "--yes"]) == 2
    assert "is it a questv image" in capsys.readouterr().err


def test_cli_refuses_a_non_block_target(stub_image, capsys):
    assert main(["flash", str(stub_image), "/dev/null", "--yes"]) == 2
    assert "not a block device" in capsys.readouterr().err


def test_no_answer_writes_nothing(stub_image, tmp_path, monkeypatch):
    accept_any_target(monkeypatch)
    target = tmp_path / "stick"
    target.write_bytes(b"precious")

    def closed_stdin(question: str) -> str:
        raise EOFError

    with pytest.raises(FlashError, match="no answer"):
        flash_mod.flash(stub_image, target, ask=closed_stdin)
    assert target.read_bytes() == b"precious"
