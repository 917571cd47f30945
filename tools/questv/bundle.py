"""Per-sandbox application bundles: the container format (docs/bundle.md).

Until the runtime port lands a bundle holds no modules; the header is fixed
now so that the kernel can already check what it is given.
"""

from __future__ import annotations

import struct
import zlib

MAGIC = 0x4E425651  # "QVBN" read as a little-endian u32
VERSION = 1
HEADER = struct.Struct("<IHHIIII")  # magic, version, header size, total, crc, sandbox, modules
CRC_OFFSET = 12

assert HEADER.size == 24


def encode(sandbox_id: int, modules: tuple[bytes, ...] = ()) -> bytes:
    """A bundle for one sandbox; module entries are not defined yet, so none are accepted."""
    if modules:
        raise NotImplementedError("bundle modules are not defined until the runtime port lands")
    total = HEADER.size

    def header(crc: int) -> bytes:
        return HEADER.pack(MAGIC, VERSION, HEADER.size, total, crc, sandbox_id, len(modules))

    return header(zlib.crc32(header(0)))
