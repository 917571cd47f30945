"""`questv flash`: write a built image to a USB stick (or any whole block device).

Every check runs before a byte is written: the image must be a questv image,
the target a block device that is not mounted (neither it nor any of its
partitions) and large enough; then the user confirms, unless told --yes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from .image import read_manifest

CHUNK = 4 << 20


class FlashError(Exception):
    """The image cannot be written to that target; nothing was written."""


def sys_block_path(dev: Path) -> Path | None:
    """The /sys/dev/block node of a block device (partitions lie below their disk's);
    None for anything that is not an existing block device."""
    try:
        st = os.stat(dev)
    except OSError:
        return None
    if not stat.S_ISBLK(st.st_mode):
        return None
    node = Path(f"/sys/dev/block/{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}")
    return node.resolve() if node.exists() else None


def mounted_parts(dev: Path, mounts_text: str,
                  resolve: Callable[[Path], Path | None] = sys_block_path) -> list[str]:
    """Mount points that use `dev` or one of its partitions, from /proc/mounts text."""
    target = resolve(dev)
    found = []
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 2 or not fields[0].startswith("/"):
            continue
        node = resolve(Path(fields[0]))
        if node is not None and target is not None and \
                (node == target or target in node.parents):
            found.append(f"{fields[0]} on {fields[1]}")
    return found


def check_target(device: str | Path, image_size: int, mounts_text: str | None = None) -> Path:
    """The device, once it is known to be a whole, unmounted block device big enough."""
    dev = Path(device)
    try:
        mode = os.stat(dev).st_mode
    except OSError as err:
        raise FlashError(f"{dev}: {err.strerror}") from err
    if not stat.S_ISBLK(mode):
        raise FlashError(f"{dev} is not a block device; give the whole stick, e.g. /dev/sdb")
    if mounts_text is None:
        mounts_text = Path("/proc/self/mounts").read_text()
    mounted = mounted_parts(dev, mounts_text)
    if mounted:
        raise FlashError(f"{dev} is mounted ({'; '.join(mounted)}): unmount it first")
    size = device_size(dev)
    if size < image_size:
        raise FlashError(f"{dev} holds {size} bytes, the image needs {image_size}")
    return dev


def device_size(dev: Path) -> int:
    fd = os.open(dev, os.O_RDONLY)
    try:
        return os.lseek(fd, 0, os.SEEK_END)
    finally:
        os.close(fd)


def copy_image(image: Path, fd: int) -> int:
    """Write the image from the start of `fd` and make it durable; returns bytes written."""
    written = 0
    with open(image, "rb") as src:
        while chunk := src.read(CHUNK):
            view = memoryview(chunk)
            while view:
                n = os.write(fd, view)
                view = view[n:]
                written += n
    os.fsync(fd)
    return written


def flash(image: str | Path, device: str | Path, *, yes: bool = False,
          ask: Callable[[str], str] = input) -> int:
    """Check everything, confirm, write; returns the number of bytes written."""
    image = Path(image)
    read_manifest(image)  # refuses a file that is not a questv image
    size = image.stat().st_size
    dev = check_target(device, size)
    if not yes:
        try:
            answer = ask(f"Write {image} ({size / (1 << 20):.1f} MiB) to {dev}? Everything "
                         f"on {dev} ({device_size(dev) / (1 << 30):.1f} GiB) is lost. [y/N] ")
        except EOFError as err:
            raise FlashError("no answer (standard input is closed); nothing was written; "
                             "--yes skips the question") from err
        if answer.strip().lower() not in ("y", "yes"):
            raise FlashError("not confirmed; nothing was written")
    fd = os.open(dev, os.O_WRONLY | os.O_EXCL)
    try:
        return copy_image(image, fd)
    finally:
        os.close(fd)
