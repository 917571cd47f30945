"""Per-sandbox application bundles, version 2: modules and services (docs/bundle.md).

`encode` writes what the board's loader (ports/vtx/bundle.c) reads; `decode`
checks a bundle as strictly as that loader must, for `questv inspect` and the
tests, and raises BundleError naming what is wrong.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

MAGIC = 0x4E425651  # "QVBN" read as a little-endian u32
VERSION = 2
HEADER = struct.Struct("<IHHIIIIIIIIIIII")
MODULE = struct.Struct("<IIII")
SERVICE = struct.Struct("<IIIIIIIIIIII")
CRC_OFFSET = 12
ALIGN = 8
NONE = 0xFFFFFFFF  # alternate_off of a service without an alternate

MOD_PACKAGE = 1 << 0   # the module is a package's __init__
MOD_SOURCE = 1 << 1    # data is source text, not .qbc bytecode
SVC_AT_BOOT = 1 << 0
SVC_DEVICE = 1 << 1    # device-bound: the u32 at offset 40 is the device's manifest index
RESTART_NAMES = ("never", "always", "backoff")
QBC_MAGIC = b"QVBC"

MAX_MODULES = 4096
MAX_SERVICES = 64
SERVICE_NAME_MAX = 31
MODULE_NAME_MAX = 63
MAX_DEVICES = 32       # manifest devices (include/questv/manifest.h)

assert HEADER.size == 56 and MODULE.size == 16 and SERVICE.size == 48

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class BundleError(Exception):
    """A bundle that is not what it claims: the message says which field and why."""


@dataclass(frozen=True)
class Module:
    name: str
    data: bytes
    package: bool = False
    source: bool = False


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    budget_us: int
    period_us: int
    heap_kib: int
    restart: int = 0          # index into RESTART_NAMES
    restart_limit: int = 0
    backoff_ms: int = 100
    alternate: str | None = None
    at_boot: bool = True
    device: int | None = None  # manifest index of the device it is bound to


@dataclass(frozen=True)
class Bundle:
    sandbox_id: int
    flags: int = 0
    modules: tuple[Module, ...] = ()
    services: tuple[Service, ...] = ()
    repl_heap_kib: int = 0
    fs_kib: int = 0
    total_size: int = 0
    crc: int = 0
    offsets: dict[str, int] = field(default_factory=dict)


def _align(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def encode(sandbox_id: int, modules: Sequence[Module] = (), services: Sequence[Service] = (),
           *, repl_heap_kib: int = 0, fs_kib: int = 0, flags: int = 0) -> bytes:
    """A bundle for one sandbox. Layout: header, module table, service table, strings,
    then each module's data, every block starting 8-byte aligned."""
    strings = bytearray()
    index: dict[str, int] = {}

    def string(text: str) -> int:
        if text not in index:
            index[text] = len(strings)
            strings.extend(text.encode() + b"\0")
        return index[text]

    mod_rows = [(string(m.name), m) for m in modules]
    svc_rows = [(string(s.name), string(s.module),
                 NONE if s.alternate is None else string(s.alternate), s) for s in services]
    module_off = _align(HEADER.size)
    service_off = _align(module_off + MODULE.size * len(modules))
    strings_off = _align(service_off + SERVICE.size * len(services))
    cursor = _align(strings_off + len(strings))
    table = bytearray()
    data = bytearray()
    for name_off, m in mod_rows:
        mflags = (MOD_PACKAGE if m.package else 0) | (MOD_SOURCE if m.source else 0)
        table += MODULE.pack(name_off, cursor + len(data), len(m.data), mflags)
        data += m.data + bytes(_align(len(m.data)) - len(m.data))
    svc_table = bytearray()
    for name_off, module_name_off, alt_off, s in svc_rows:
        svc_table += SERVICE.pack(name_off, module_name_off, alt_off, s.budget_us, s.period_us,
                                  s.heap_kib, s.restart, s.restart_limit, s.backoff_ms,
                                  (SVC_AT_BOOT if s.at_boot else 0)
                                  | (0 if s.device is None else SVC_DEVICE),
                                  0 if s.device is None else s.device, 0)
    total = cursor + len(data)

    def header(crc: int) -> bytes:
        return HEADER.pack(MAGIC, VERSION, HEADER.size, total, crc, sandbox_id, flags,
                           len(modules), module_off, len(services), service_off, strings_off,
                           len(strings), repl_heap_kib, fs_kib)

    blob = bytearray(total)
    blob[module_off:module_off + len(table)] = table
    blob[service_off:service_off + len(svc_table)] = svc_table
    blob[strings_off:strings_off + len(strings)] = strings
    blob[cursor:] = data
    blob[:HEADER.size] = header(0)
    crc = zlib.crc32(blob)
    blob[:HEADER.size] = header(crc)
    return bytes(blob)


def decode(blob: bytes, *, sandbox_id: int | None = None) -> Bundle:
    """Check every field of a bundle and return its contents; BundleError otherwise."""
    if len(blob) < HEADER.size:
        raise BundleError(f"{len(blob)} bytes: shorter than the {HEADER.size}-byte header")
    (magic, version, header_size, total, crc, sb, flags, n_mod, mod_off, n_svc, svc_off,
     str_off, str_size, repl_heap_kib, fs_kib) = HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise BundleError(f"magic {magic:#010x} is not QVBN ({MAGIC:#010x}): not a bundle")
    if version != VERSION:
        raise BundleError(f"version {version}: this reader knows version {VERSION}")
    if header_size != HEADER.size:
        raise BundleError(f"header size {header_size}: version 2's is {HEADER.size}")
    if total > len(blob):
        raise BundleError(f"total size {total} is more than the {len(blob)} bytes there are "
                          "(truncated?)")
    if total < HEADER.size:
        raise BundleError(f"total size {total} is less than the header")
    body = bytearray(blob[:total])
    body[CRC_OFFSET:CRC_OFFSET + 4] = bytes(4)
    if zlib.crc32(body) != crc:
        raise BundleError(f"CRC-32 {zlib.crc32(body):#010x} does not match the header's "
                          f"{crc:#010x}: the bundle is corrupt")
    if sandbox_id is not None and sb != sandbox_id:
        raise BundleError(f"built for sandbox {sb}, not {sandbox_id}")
    if flags:
        raise BundleError(f"header flags {flags:#x}: no flag is defined in version 2")
    if n_mod > MAX_MODULES or n_svc > MAX_SERVICES:
        raise BundleError(f"{n_mod} modules / {n_svc} services: at most {MAX_MODULES} / "
                          f"{MAX_SERVICES}")
    _region("module table", mod_off, n_mod * MODULE.size, total)
    _region("service table", svc_off, n_svc * SERVICE.size, total)
    _region("strings", str_off, str_size, total)
    strings = bytes(blob[str_off:str_off + str_size])
    if str_size and strings[-1] != 0:
        raise BundleError("the strings do not end with a NUL")

    def string(off: int, what: str) -> str:
        if off >= str_size:
            raise BundleError(f"{what}: string offset {off} is outside the strings "
                              f"({str_size} bytes)")
        end = strings.index(b"\0", off)
        try:
            text = strings[off:end].decode()
        except UnicodeDecodeError as err:
            raise BundleError(f"{what}: the name at string offset {off} is not UTF-8") from err
        if not _DOTTED.match(text):
            raise BundleError(f"{what}: {text!r} is not a (dotted) Python name")
        return text

    modules: list[Module] = []
    for i in range(n_mod):
        name_off, data_off, data_len, mflags = MODULE.unpack_from(blob, mod_off + i * MODULE.size)
        what = f"module {i}"
        name = string(name_off, what)
        if len(name.encode()) > MODULE_NAME_MAX:
            raise BundleError(f"{what}: name {name!r} is longer than {MODULE_NAME_MAX} bytes")
        if any(m.name == name for m in modules):
            raise BundleError(f"{what}: {name!r} is in the bundle twice")
        if mflags & ~(MOD_PACKAGE | MOD_SOURCE):
            raise BundleError(f"{what} ({name}): unknown flags {mflags:#x}")
        if data_off % ALIGN:
            raise BundleError(f"{what} ({name}): data offset {data_off} is not 8-byte aligned")
        _region(f"{what} ({name}) data", data_off, data_len, total)
        data = bytes(blob[data_off:data_off + data_len])
        if not mflags & MOD_SOURCE and data[:4] != QBC_MAGIC:
            raise BundleError(f"{what} ({name}): data is not bytecode (no QVBC magic)")
        modules.append(Module(name, data, package=bool(mflags & MOD_PACKAGE),
                              source=bool(mflags & MOD_SOURCE)))
    names = {m.name for m in modules}

    services: list[Service] = []
    for i in range(n_svc):
        (name_off, module_off, alt_off, budget, period, heap, restart, limit, backoff,
         sflags, r0, r1) = SERVICE.unpack_from(blob, svc_off + i * SERVICE.size)
        what = f"service {i}"
        name = string(name_off, what)
        if len(name.encode()) > SERVICE_NAME_MAX or "." in name:
            raise BundleError(f"{what}: {name!r} is not a service name (at most "
                              f"{SERVICE_NAME_MAX} bytes, no dot)")
        if any(s.name == name for s in services):
            raise BundleError(f"{what}: {name!r} is in the bundle twice")
        module = string(module_off, f"{what} ({name}) module")
        alternate = None if alt_off == NONE else string(alt_off, f"{what} ({name}) alternate")
        for role, mod in (("module", module), ("alternate", alternate)):
            if mod is not None and mod not in names:
                raise BundleError(f"{what} ({name}): {role} {mod!r} is not in the bundle")
        if budget == 0 or budget > period:
            raise BundleError(f"{what} ({name}): budget {budget} us with period {period} us "
                              "(need 0 < budget <= period)")
        if heap == 0:
            raise BundleError(f"{what} ({name}): heap of 0 KiB")
        if restart >= len(RESTART_NAMES):
            raise BundleError(f"{what} ({name}): restart policy {restart} is not 0, 1 or 2")
        if sflags & ~(SVC_AT_BOOT | SVC_DEVICE) or r1:
            raise BundleError(f"{what} ({name}): unknown flags {sflags:#x} or reserved fields "
                              "not zero")
        device = None
        if sflags & SVC_DEVICE:
            if r0 >= MAX_DEVICES:
                raise BundleError(f"{what} ({name}): device {r0} is not a manifest device "
                                  f"(0 to {MAX_DEVICES - 1})")
            device = r0
        elif r0:
            raise BundleError(f"{what} ({name}): device {r0} at offset 40 without the "
                              "device flag (must be 0)")
        services.append(Service(name, module, budget, period, heap, restart, limit, backoff,
                                alternate, bool(sflags & SVC_AT_BOOT), device))
    return Bundle(sb, flags, tuple(modules), tuple(services), repl_heap_kib, fs_kib, total,
                  crc, {"module": mod_off, "service": svc_off, "strings": str_off})


def _region(what: str, off: int, size: int, total: int) -> None:
    if off < HEADER.size and size:
        raise BundleError(f"{what} at offset {off} overlaps the header")
    if off + size > total:
        raise BundleError(f"{what} at {off}, {size} bytes, runs past the end ({total})")
    if off % 4:
        raise BundleError(f"{what} at offset {off} is not 4-byte aligned")
