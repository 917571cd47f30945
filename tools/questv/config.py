"""system.toml: read it, check it, and turn it into a `System` the manifest writer trusts.

Every rule lives here, so that the manifest writer and the monitor never see a
configuration that contradicts itself. A refusal is a `ConfigError` that names
the key (as a path such as ``sandbox[2].memory_mib``) and the reason.
docs/system-toml.md is the user's version of this file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# Limits that come from the manifest encoding (include/questv/manifest.h).
MAX_SANDBOXES = 16
MAX_DEVICES = 32
MAX_CHANNELS = 64
MAX_TEST_ATTACKS = 8
MAX_CORES = 32  # core_mask is a u32
NAME_LEN = 16

# Memory the monitor keeps for itself on top of the sandboxes' regions: its
# image, per-core stacks, VMCSs, EPT tables, the pristine copies of the
# sandbox images used for restarts, the boot modules and the low megabyte
# that firmware and GRUB occupy. Channel rings come on top of this.
MONITOR_RESERVE_MIB = 32

MIN_SANDBOX_MIB = 4
MIN_MACHINE_MIB = 64
MAX_MACHINE_MIB = 1 << 20
MAX_HEARTBEAT_MS = 3_600_000
SLOT_SIZE_MIN, SLOT_SIZE_MAX = 8, 65536
SLOTS_MIN, SLOTS_MAX = 2, 4096

FAULT_ACTIONS = {"halt": 0, "restart": 1, "quarantine": 2}
# "isa": a legacy device reached by its I/O ports, e.g. the CMOS RTC.
DEVICE_KINDS = {"uart16550": 1, "pci": 2, "isa": 3}

# Attack name -> (kind code, what its argument names). Codes are enum
# qv_attack_kind in manifest.h.
ATTACKS: dict[str, tuple[int, str | None]] = {
    "write_sandbox": (1, "sandbox"),
    "write_monitor": (2, None),
    "write_ept": (3, None),
    "io_port": (4, "device"),
    "read_channel": (5, "channel"),
    "write_channel": (6, "channel"),
    "write_peer_ring": (7, "channel"),
    # Test workloads armed the same way (kernel/chantest.c); not faults.
    "stream_send": (8, "channel"),
    "stream_recv": (9, None),
    "garbage_send": (10, "channel"),
    # A test workload (kernel/schedtest.c): VCPU scheduling measurements.
    "sched": (11, None),
    "bench_send": (12, "channel"),
    "bench_echo": (13, "channel"),
    "send_ipi": (14, None),
    # Fault kinds for containment and recovery (kernel/attack.c, issue 7).
    "pci_config": (15, None),     # config space of a PCI function it does not own
    "triple_fault": (16, None),
    "hang": (17, None),           # spins with interrupts off: only a watchdog sees it
    "recover": (18, "sandbox"),   # asks its monitor to restart that sandbox
    # Channels created at run time (kernel/chantest.c): both ends name the peer.
    "rt_chan_send": (19, "sandbox"),
    "rt_chan_recv": (20, "sandbox"),
    "rt_chan_outsider": (21, "sandbox"),  # tries to join a run-time channel it is no end of
    # Interrupt routing (tests/system/test_irq_routing.py): the owner of a CMOS
    # RTC counts its periodic interrupt and, once the device is moved away,
    # touches its port; the supervisor takes the device (MOVE_DEVICE) and
    # counts the interrupts that follow it.
    "rtc_irq": (22, "own_device"),
    "rtc_take": (23, "device"),
    "write_ioapic": (24, None),   # the IOAPIC's page, which no EPT maps
}

# What a sandbox must be to a channel for a channel attack to make sense.
CHANNEL_ROLES: dict[str, str] = {
    "read_channel": "outsider",
    "write_channel": "outsider",
    "write_peer_ring": "consumer",
    "stream_send": "producer",
    "garbage_send": "producer",
    "bench_send": "producer",
    "bench_echo": "consumer",
}

# Python in a sandbox (docs/system-toml.md, "Services"). The REPL and the
# service supervisor are VCPUs the port (ports/vtx/) starts in every sandbox;
# their parameters are the port's, repeated here so that admission can be
# checked at build time. Heartbeat and hub VCPUs are kernel/main.c's.
SERVICE_NAME_LEN = 31          # struct vtx_svc_spec name[32]
MODULE_NAME_LEN = 63           # struct vtx_svc_spec module[64]
SERVICE_SLOTS = 12             # ports/vtx/service.h VTX_SVC_MAX
MAX_SERVICES = SERVICE_SLOTS - 1  # one slot is the supervisor's (started after them)
REPL_VCPU_US = (5000, 100000)          # budget, period
SUPERVISOR_VCPU_US = (1000, 50000)
SUPERVISOR_HEAP_KIB = 192
SUPERVISOR_MODULE = "quest.supervisor"
HUB_VCPU_US = (3000, 10000)
HEARTBEAT_SHARE = 20                   # the heartbeat's budget is 1/20 of its period
KERNEL_IMAGE_KIB = 1024                # the sandbox kernel, its stacks and tables
SLACK_KIB = 1024
MAX_PERIOD_US = (1 << 40) // 1000      # kernel/sched: periods up to 2^40 ns
RESTART_POLICIES = {"never": 0, "always": 1, "backoff": 2}
START_MODES = {"boot": 1, "manual": 0}
DEFAULT_APPS = "apps"
MAX_WATCHDOG_MS = 3_600_000
MAX_RECOVERY_TIMEOUT_MS = 600_000

# floor(n (2^(1/n) - 1) 10^6) for n = 1..32, as kernel/sched/admit.c has it;
# ln 2 rounded down beyond.
LL_BOUND_PPM = (
    1000000, 828427, 779763, 756828, 743491, 734772, 728626, 724061,
    720537, 717734, 715451, 713557, 711958, 710592, 709411, 708380,
    707472, 706666, 705945, 705298, 704713, 704182, 703697, 703253,
    702845, 702469, 702121, 701797, 701497, 701216, 700954, 700708,
)
LL_LIMIT_PPM = 693147


def ll_bound_ppm(n: int) -> int:
    """The Liu-Layland bound for n VCPUs in parts per million, rounded down."""
    return 1000000 if n <= 0 else LL_BOUND_PPM[n - 1] if n <= len(LL_BOUND_PPM) else LL_LIMIT_PPM


def util_ppm(budget: int, period: int) -> int:
    """A VCPU's utilization in parts per million, rounded up (against admission)."""
    return -(-budget * 1000000 // period)


# Channel memory, as kernel/chan/chan.h's qv_chan_layout computes it: a
# producer region of a 128-byte header and slots of a 16-byte header plus the
# payload, rounded up to pages, then one consumer page.
CHAN_PAGE = 4096
CHAN_SLOTS_OFF = 128
CHAN_SLOT_HDR = 16


# Every sandbox but the one that owns the UART gets its console as two
# channels to and from the UART owner, whose kernel runs the console hub
# (docs/console.md). Added by `questv build` after the declared channels;
# their names cannot clash with declared ones (a dot is not allowed there).
CONSOLE_OUT = (256, 16)  # slot size, slots: sandbox -> hub
CONSOLE_IN = (64, 8)     # hub -> sandbox
MAX_CHANNELS_PER_SANDBOX = 40  # QV_CHANINFO_MAX in include/questv/chaninfo.h


def console_channel_names(sb: int) -> tuple[str, str]:
    """The (out, in) channel names of sandbox sb's console."""
    return f"con{sb}.out", f"con{sb}.in"


def channel_pages(slot_size: int, slots: int) -> tuple[int, int]:
    """(producer pages, total pages) of a channel, as the monitor maps it."""
    producer = -(-(CHAN_SLOTS_OFF + slots * (CHAN_SLOT_HDR + slot_size)) // CHAN_PAGE)
    return producer, producer + 1

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PCI_RE = re.compile(r"^([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$")


class ConfigError(Exception):
    """A system.toml refusal: which file, which key, and why."""

    def __init__(self, source: str, key: str, reason: str) -> None:
        super().__init__(f"{source}: {key}: {reason}")
        self.source = source
        self.key = key
        self.reason = reason


@dataclass(frozen=True)
class Machine:
    cores: int
    memory_mib: int


@dataclass(frozen=True)
class Device:
    id: int
    name: str
    kind: str
    io_base: int
    io_len: int
    irq: int | None
    pci_bdf: int | None
    owner: int = -1


@dataclass(frozen=True)
class Attack:
    kind: str
    code: int
    arg: int  # sandbox, device or channel id, 0 when the attack takes none

    @property
    def encoded(self) -> int:
        """The u16 the manifest carries: low byte kind, high byte argument."""
        return self.code | (self.arg << 8)


@dataclass(frozen=True)
class Service:
    """A [[sandbox.service]]: a module run at its own VCPU in its own interpreter."""

    name: str
    module: str
    budget_us: int
    period_us: int
    heap_kib: int = 192
    restart: str = "never"
    restart_limit: int = 0
    backoff_ms: int = 100
    alternate: str | None = None
    start: str = "boot"
    # Device-bound (docs/system-toml.md): the manifest index of the device it
    # runs beside, and the ids of the sandboxes that keep a copy ready for
    # when the device is moved to them.
    device: int | None = None
    standby: tuple[int, ...] = ()


@dataclass(frozen=True)
class Sandbox:
    id: int
    name: str
    cores: tuple[int, ...]
    memory_mib: int
    devices: tuple[int, ...]
    on_fault: str
    heartbeat_ms: int
    test_attacks: tuple[Attack, ...] = ()
    apps: tuple[Path, ...] = ()
    repl_heap_kib: int = 256
    fs_kib: int = 256
    watchdog_ms: int = 0
    services: tuple[Service, ...] = ()
    # Other sandboxes' device-bound services this one keeps ready (their
    # `standby` names it): in its bundle, and counted in its static checks,
    # since each may run here once its device is moved here.
    standby_services: tuple[Service, ...] = ()

    @property
    def hosted_services(self) -> tuple[Service, ...]:
        """Every service that may run here: its own, then the standby copies."""
        return self.services + self.standby_services


@dataclass(frozen=True)
class Channel:
    name: str
    producer: int
    consumer: int
    slot_size: int
    slots: int

    @property
    def ring_bytes(self) -> int:
        """Memory the monitor maps for the channel (producer region and consumer page)."""
        return channel_pages(self.slot_size, self.slots)[1] * CHAN_PAGE


@dataclass(frozen=True)
class System:
    machine: Machine
    supervisor: int
    sandboxes: tuple[Sandbox, ...]
    devices: tuple[Device, ...]
    channels: tuple[Channel, ...] = field(default_factory=tuple)
    recovery_timeout_ms: int = 2000

    @property
    def has_test_attacks(self) -> bool:
        return any(sb.test_attacks for sb in self.sandboxes)

    def memory_needed_mib(self) -> int:
        """Sandbox regions, the monitor reserve and the channel rings, in MiB."""
        channel_bytes = sum(c.ring_bytes for c in self.channels)
        channel_mib = -(-channel_bytes // (1 << 20))
        return sum(sb.memory_mib for sb in self.sandboxes) + MONITOR_RESERVE_MIB + channel_mib


def _round_up(value: int, to: int) -> int:
    return -(-value // to) * to


# ---------------------------------------------------------------------------
# Reading one TOML table against its schema


Check = Callable[[Any], str | None]  # returns the reason a value is refused, or None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_in(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if not _is_int(value):
            return f"expected an integer, got {_type_name(value)}"
        if not low <= value <= high:
            return f"{value} is out of range ({low} to {high})"
        return None

    return check


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected a string, got {_type_name(value)}"


def _name_of(limit: int) -> Check:
    """A name (letters, digits, "_" and "-") of at most `limit` bytes."""
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"expected a string, got {_type_name(value)}"
        if not _NAME_RE.match(value):
            return (f'"{value}" is not a name (letters, digits, "_" and "-", not starting '
                    "with a digit)")
        if len(value.encode()) > limit:
            return f'"{value}" is longer than {limit} bytes'
        return None

    return check


_name = _name_of(NAME_LEN)


def _list_of(item: Check, what: str) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"expected a list of {what}, got {_type_name(value)}"
        for i, element in enumerate(value):
            reason = item(element)
            if reason is not None:
                return f"item {i}: {reason}"
        return None

    return check


def _one_of(choices: dict[str, int]) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"expected a string, got {_type_name(value)}"
        if value not in choices:
            return f'"{value}" is not one of {", ".join(choices)}'
        return None

    return check


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean", int: "an integer", float: "a float", str: "a string",
        list: "an array", dict: "a table",
    }.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class _Key:
    check: Check
    required: bool = True
    default: Any = None


class _Reader:
    """Checks one table: no unknown keys, required keys present, each value valid."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, reason: str) -> ConfigError:
        return ConfigError(self.source, key, reason)

    def table(self, where: str, value: Any, schema: dict[str, _Key]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a table, got {_type_name(value)}")
        for key in value:
            if key not in schema:
                raise self.fail(f"{where}.{key}", _unknown(key, schema))
        out: dict[str, Any] = {}
        for key, spec in schema.items():
            path = f"{where}.{key}"
            if key not in value:
                if spec.required:
                    raise self.fail(path, "missing (required)")
                out[key] = spec.default
                continue
            reason = spec.check(value[key])
            if reason is not None:
                raise self.fail(path, reason)
            out[key] = value[key]
        return out

    def array_of_tables(self, where: str, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(where, f"expected an array of tables ([[{where}]]), got "
                            f"{_type_name(value)}")
        return value


def _unknown(key: str, schema: dict[str, Any]) -> str:
    close = [k for k in schema if _similar(k, key)]
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f"unknown key{hint}; allowed: {', '.join(schema)}"


def _similar(a: str, b: str) -> bool:
    """Same letters give or take a swap or one edit: enough to catch typing slips."""
    if sorted(a) == sorted(b):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    short, long_ = sorted((a, b), key=len)
    mismatches = sum(1 for i in range(len(short)) if short[i] != long_[i])
    return mismatches <= 1 or long_.startswith(short) or long_.endswith(short)


_TOP = ("machine", "system", "sandbox", "device", "channel")

_MACHINE = {
    "cores": _Key(_int_in(1, MAX_CORES)),
    "memory_mib": _Key(_int_in(MIN_MACHINE_MIB, MAX_MACHINE_MIB)),
}
_SYSTEM = {
    "supervisor": _Key(_name),
    "recovery_timeout_ms": _Key(_int_in(1, MAX_RECOVERY_TIMEOUT_MS), required=False,
                                default=2000),
}
_SANDBOX = {
    "name": _Key(_name),
    "cores": _Key(_list_of(_int_in(0, MAX_CORES - 1), "core numbers")),
    "memory_mib": _Key(_int_in(MIN_SANDBOX_MIB, MAX_MACHINE_MIB)),
    "devices": _Key(_list_of(_name, "device names"), required=False, default=[]),
    "on_fault": _Key(_one_of(FAULT_ACTIONS), required=False, default="halt"),
    "heartbeat_ms": _Key(_int_in(0, MAX_HEARTBEAT_MS), required=False, default=1000),
    "test_attacks": _Key(_list_of(_string, "attack names"), required=False, default=[]),
    "apps": _Key(_list_of(_string, "paths"), required=False, default=None),
    "repl_heap_kib": _Key(_int_in(32, MAX_MACHINE_MIB * 1024), required=False, default=256),
    "fs_kib": _Key(_int_in(4, MAX_MACHINE_MIB * 1024), required=False, default=256),
    "watchdog_ms": _Key(_int_in(0, MAX_WATCHDOG_MS), required=False, default=0),
    "service": _Key(lambda v: None, required=False, default=[]),  # checked by _services
}


# Why a value is not a service's name, None when it is one (also `questv swap`'s check).
service_name_error = _name_of(SERVICE_NAME_LEN)


def _module_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected a string, got {_type_name(value)}"
    if not _MODULE_RE.match(value):
        return f'"{value}" is not a module name (dotted Python identifiers, e.g. "quest.log")'
    if len(value.encode()) > MODULE_NAME_LEN:
        return f'"{value}" is longer than {MODULE_NAME_LEN} bytes'
    return None


_MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")

_SERVICE = {
    "name": _Key(service_name_error),
    "module": _Key(_module_name),
    "budget_us": _Key(_int_in(1, MAX_PERIOD_US)),
    "period_us": _Key(_int_in(1, MAX_PERIOD_US)),
    "heap_kib": _Key(_int_in(16, MAX_MACHINE_MIB * 1024), required=False, default=192),
    "restart": _Key(_one_of(RESTART_POLICIES), required=False, default="never"),
    "restart_limit": _Key(_int_in(0, 1_000_000), required=False, default=0),
    "backoff_ms": _Key(_int_in(0, 3_600_000), required=False, default=100),
    "alternate": _Key(_module_name, required=False, default=None),
    "start": _Key(_one_of(START_MODES), required=False, default="boot"),
    "device": _Key(_name, required=False, default=None),
    "standby": _Key(_list_of(_name, "sandbox names"), required=False, default=[]),
}
_DEVICE = {
    "name": _Key(_name),
    "kind": _Key(_one_of(DEVICE_KINDS)),
    "io": _Key(_list_of(_int_in(0, 0xFFFF), "integers"), required=False, default=None),
    "irq": _Key(_int_in(0, 255), required=False, default=None),
    "pci": _Key(_string, required=False, default=None),
}
_CHANNEL = {
    "name": _Key(_name),
    "producer": _Key(_name),
    "consumer": _Key(_name),
    "slot_size": _Key(_int_in(SLOT_SIZE_MIN, SLOT_SIZE_MAX)),
    "slots": _Key(_int_in(SLOTS_MIN, SLOTS_MAX)),
}


# ---------------------------------------------------------------------------
# The whole file


def load(path: str | Path, *, test_build: bool = False) -> System:
    """Read and validate a system.toml; raises ConfigError (also for I/O and syntax)."""
    source = str(path)
    try:
        text = Path(path).read_bytes()
    except OSError as err:
        raise ConfigError(source, "(file)", f"cannot read it: {err.strerror}") from err
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(source, "(file)", "not UTF-8 text") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(source, "(syntax)", str(err)) from err
    return parse(data, source, test_build=test_build, base_dir=Path(path).parent)


def parse(data: dict[str, Any], source: str = "system.toml", *,
          test_build: bool = False, base_dir: str | Path | None = None,
          pylib: str | Path | None = None) -> System:
    """Validate already-parsed TOML; `test_build` allows test_attacks.

    Paths in `apps` are relative to `base_dir` (default: the folder of
    `source`); service modules are looked up there and in `pylib` (default:
    the repository's pylib/)."""
    r = _Reader(source)
    base = Path(base_dir) if base_dir is not None else Path(source).parent
    from .compile import PYLIB, ModuleError, find_modules
    try:
        library = find_modules([Path(pylib) if pylib is not None else PYLIB], missing_ok=True)
    except ModuleError as err:
        raise r.fail("(pylib)", str(err)) from err
    for key in data:
        if key not in _TOP:
            raise r.fail(key, _unknown(key, dict.fromkeys(_TOP)))
    for key in ("machine", "system", "sandbox"):
        if key not in data:
            raise r.fail(key, "missing (required)")

    machine_t = r.table("machine", data["machine"], _MACHINE)
    machine = Machine(cores=machine_t["cores"], memory_mib=machine_t["memory_mib"])
    raw_devices = _read_array(r, data, "device", _DEVICE, MAX_DEVICES)
    raw_sandboxes = _read_array(r, data, "sandbox", _SANDBOX, MAX_SANDBOXES)
    raw_channels = _read_array(r, data, "channel", _CHANNEL, MAX_CHANNELS)
    if not raw_sandboxes:
        raise r.fail("sandbox", "at least one [[sandbox]] is required")

    devices = [_device(r, i, d) for i, d in enumerate(raw_devices)]
    _unique_names(r, "device", raw_devices)
    _unique_names(r, "sandbox", raw_sandboxes)
    _unique_names(r, "channel", raw_channels)
    _no_io_overlap(r, devices)

    sandbox_ids = {sb["name"]: i for i, sb in enumerate(raw_sandboxes)}
    device_ids = {d.name: d.id for d in devices}
    channels = [_channel(r, i, c, sandbox_ids) for i, c in enumerate(raw_channels)]
    owners: dict[int, int] = {}
    core_owner: dict[int, int] = {}
    sandboxes = []
    modules_of: list[dict[str, Any]] = []
    for i, sb in enumerate(raw_sandboxes):
        cores = _sandbox_cores(r, i, sb, machine, core_owner, raw_sandboxes)
        owned = _sandbox_devices(r, i, sb, device_ids, owners, raw_sandboxes)
        attacks = _sandbox_attacks(r, i, sb, _Names(sandbox_ids, device_ids, channels), owned,
                                   test_build)
        apps, modules = _sandbox_apps(r, i, sb, base, library, find_modules, ModuleError)
        modules_of.append(modules)
        services = _services(r, i, sb, modules, _Bind(sandbox_ids, devices, owned))
        sandboxes.append(Sandbox(
            id=i, name=sb["name"], cores=cores, memory_mib=sb["memory_mib"], devices=owned,
            on_fault=sb["on_fault"], heartbeat_ms=sb["heartbeat_ms"], test_attacks=attacks,
            apps=apps, repl_heap_kib=sb["repl_heap_kib"], fs_kib=sb["fs_kib"],
            watchdog_ms=sb["watchdog_ms"], services=services,
        ))

    sandboxes = _standby_copies(r, sandboxes, modules_of)
    for d in devices:
        if d.id not in owners:
            raise r.fail(f"device[{d.id}]",
                         f'device "{d.name}" is declared but no sandbox lists it in devices')
    devices = [_with_owner(d, owners[d.id]) for d in devices]

    system_t = r.table("system", data["system"], _SYSTEM)
    if system_t["supervisor"] not in sandbox_ids:
        raise r.fail("system.supervisor",
                     f'"{system_t["supervisor"]}" is not the name of a sandbox')

    channels += _console_channels(devices, len(sandboxes))
    _channels_per_sandbox(r, channels, sandboxes)
    system = System(machine=machine, supervisor=sandbox_ids[system_t["supervisor"]],
                    sandboxes=tuple(sandboxes), devices=tuple(devices),
                    channels=tuple(channels),
                    recovery_timeout_ms=system_t["recovery_timeout_ms"])
    _memory_fits(r, system)
    has_supervisor = SUPERVISOR_MODULE in library
    for sb in system.sandboxes:
        _service_count(r, system, sb)
        _python_memory_fits(r, sb, has_supervisor)
        _admission(r, system, sb, has_supervisor)
    return system


def _sandbox_apps(r: _Reader, i: int, sb: dict[str, Any], base: Path,
                  library: Mapping[str, Any], find_modules: Callable[..., dict[str, Any]],
                  module_error: type[Exception]) -> tuple[tuple[Path, ...], dict[str, Any]]:
    """The sandbox's app paths (checked to exist) and every module its bundle will hold."""
    where = f"sandbox[{i}].apps"
    if sb["apps"] is None:
        default = base / DEFAULT_APPS
        paths = [default] if default.is_dir() else []
    else:
        paths = [base / p for p in sb["apps"]]
        for text, path in zip(sb["apps"], paths, strict=True):
            if path.is_dir():
                continue
            if not path.exists():
                raise r.fail(where, f'"{text}": no such file or directory ({path})')
            if path.suffix != ".py":
                raise r.fail(where, f'"{text}": not a .py file or a directory')
    try:
        found = find_modules(paths)
    except module_error as err:
        raise r.fail(where, str(err)) from err
    clash = sorted(n for n in found if n in library or n.split(".")[0] in _packages(library))
    if clash:
        raise r.fail(where, f'module "{clash[0]}" ({found[clash[0]].path}) would shadow '
                     "pylib's; rename it")
    return tuple(paths), {**library, **found}


def _packages(modules: Mapping[str, Any]) -> set[str]:
    return {name.split(".")[0] for name in modules if "." in name}


@dataclass(frozen=True)
class _Bind:
    """What a service's device and standby keys may name."""

    sandboxes: dict[str, int]
    devices: list[Device]
    owned: tuple[int, ...]


def _services(r: _Reader, i: int, sb: dict[str, Any], modules: Mapping[str, Any],
              bind: _Bind) -> tuple[Service, ...]:
    items = r.array_of_tables(f"sandbox[{i}].service", sb["service"])
    if len(items) > MAX_SERVICES:
        raise r.fail(f"sandbox[{i}].service", f"{len(items)} services, at most {MAX_SERVICES} (the "
                     f"port has {SERVICE_SLOTS} slots, one of them the supervisor's)")
    out: list[Service] = []
    seen: dict[str, int] = {}
    for j, item in enumerate(items):
        where = f"sandbox[{i}].service[{j}]"
        t = r.table(where, item, _SERVICE)
        if t["name"] in seen:
            raise r.fail(f"{where}.name", f'"{t["name"]}" is already the name of '
                         f"sandbox[{i}].service[{seen[t['name']]}]")
        seen[t["name"]] = j
        for key in ("module", "alternate"):
            if t[key] is not None and t[key] not in modules:
                raise r.fail(f"{where}.{key}", f'no module "{t[key]}" in pylib or in this '
                             "sandbox's apps")
        if t["budget_us"] > t["period_us"]:
            raise r.fail(f"{where}.budget_us", f"{t['budget_us']} us is more than the period "
                         f"({t['period_us']} us)")
        t["device"] = _service_device(r, where, t["device"], bind)
        t["standby"] = _service_standby(r, where, i, t, bind)
        out.append(Service(**t))
    return tuple(out)


def _service_device(r: _Reader, where: str, name: str | None, bind: _Bind) -> int | None:
    if name is None:
        return None
    dev = next((d for d in bind.devices if d.name == name), None)
    if dev is None:
        raise r.fail(f"{where}.device", f'no device is named "{name}"')
    if dev.id not in bind.owned:
        raise r.fail(f"{where}.device", f'device "{name}" is not in this sandbox\'s devices: '
                     "a service is bound to a device its sandbox owns")
    if dev.kind == "uart16550":
        raise r.fail(f"{where}.device", f'device "{name}" is the console\'s UART, which '
                     "MOVE_DEVICE never moves: a service cannot follow it")
    return dev.id


def _service_standby(r: _Reader, where: str, i: int, t: dict[str, Any],
                     bind: _Bind) -> tuple[int, ...]:
    key = f"{where}.standby"
    if not t["standby"]:
        return ()
    if t["device"] is None:
        raise r.fail(key, 'needs "device": only a device-bound service has standby sandboxes')
    out: list[int] = []
    for name in t["standby"]:
        if name not in bind.sandboxes:
            raise r.fail(key, f'no sandbox is named "{name}"')
        sb = bind.sandboxes[name]
        if sb == i:
            raise r.fail(key, f'"{name}" is the service\'s own sandbox')
        if sb in out:
            raise r.fail(key, f'sandbox "{name}" is listed twice')
        out.append(sb)
    return tuple(out)


def _standby_copies(r: _Reader, sandboxes: list[Sandbox],
                    modules_of: list[dict[str, Any]]) -> list[Sandbox]:
    """Gives each sandbox named in a `standby` the copy of that service; refuses a copy
    whose name is taken there or whose module is another file there."""
    copies: list[list[Service]] = [[] for _ in sandboxes]
    for home in sandboxes:
        for j, svc in enumerate(home.services):
            key = f"sandbox[{home.id}].service[{j}].standby"
            for target in svc.standby:
                there = sandboxes[target]
                own = next((k for k, s in enumerate(there.services) if s.name == svc.name),
                           None)
                if own is not None:
                    raise r.fail(key, f'sandbox "{there.name}" declares a service '
                                 f'"{svc.name}" itself (sandbox[{target}].service[{own}])')
                if any(s.name == svc.name for s in copies[target]):
                    raise r.fail(key, f'sandbox "{there.name}" already keeps another '
                                 f'sandbox\'s service "{svc.name}" ready')
                for mod in (svc.module, svc.alternate):
                    theirs = modules_of[target].get(mod) if mod else None
                    ours = modules_of[home.id].get(mod) if mod else None
                    if theirs is not None and ours is not None and theirs.path != ours.path:
                        raise r.fail(key, f'module "{mod}" is {theirs.path} in sandbox '
                                     f'"{there.name}" but {ours.path} here: the copy would '
                                     "run another file")
                copies[target].append(svc)
    return [replace(sb, standby_services=tuple(c)) for sb, c in zip(sandboxes, copies,
                                                                     strict=True)]


def system_vcpus(system: System, sb: Sandbox, has_supervisor: bool) -> list[tuple[str, int, int]]:
    """(what, budget_us, period_us) of the VCPUs a sandbox's kernel and port start by
    themselves on its first core, before any service."""
    vcpus = []
    if sb.heartbeat_ms:
        period = sb.heartbeat_ms * 1000
        vcpus.append(("heartbeat", period // HEARTBEAT_SHARE, period))
    if any(d.owner == sb.id and d.kind == "uart16550" for d in system.devices):
        vcpus.append(("console hub", *HUB_VCPU_US))
    vcpus.append(("REPL", *REPL_VCPU_US))
    if has_supervisor:
        vcpus.append(("supervisor", *SUPERVISOR_VCPU_US))
    return vcpus


def home_of(system: System, svc: Service) -> tuple[Sandbox, int]:
    """The sandbox that declares svc (a standby copy is that very object) and its place
    in that sandbox's services."""
    for home in system.sandboxes:
        for j, s in enumerate(home.services):
            if s is svc:
                return home, j
    raise AssertionError(f"{svc.name}: a standby copy without a home")


def _standby_key(system: System, svc: Service) -> str:
    """The key of the `standby` that puts copies of svc into other sandboxes."""
    home, j = home_of(system, svc)
    return f"sandbox[{home.id}].service[{j}].standby"


def _service_count(r: _Reader, system: System, sb: Sandbox) -> None:
    """The standby copies share the port's service slots with the sandbox's own."""
    if len(sb.hosted_services) > MAX_SERVICES:
        svc = sb.hosted_services[MAX_SERVICES]
        raise r.fail(_standby_key(system, svc),
                     f'sandbox "{sb.name}" would have {len(sb.hosted_services)} services with '
                     f"the standby copies, at most {MAX_SERVICES} (the port has "
                     f"{SERVICE_SLOTS} slots, one of them the supervisor's)")


def _admission(r: _Reader, system: System, sb: Sandbox, has_supervisor: bool) -> None:
    """Liu-Layland on the sandbox's first core, as the kernel will check it at run time.
    A standby copy counts in its standby sandbox: its device may be moved there."""
    vcpus = system_vcpus(system, sb, has_supervisor)
    for j, svc in enumerate(sb.hosted_services):
        standby = j >= len(sb.services)
        label = f'standby service "{svc.name}"' if standby else f'service "{svc.name}"'
        vcpus.append((label, svc.budget_us, svc.period_us))
        load = sum(util_ppm(c, t) for _, c, t in vcpus)
        bound = ll_bound_ppm(len(vcpus))
        if load > bound:
            others = ", ".join(f"{w} {c}/{t} us" for w, c, t in vcpus[:-1])
            key = _standby_key(system, svc) if standby else f"sandbox[{sb.id}].service[{j}]"
            where = f' in sandbox "{sb.name}"' if standby else ""
            raise r.fail(key,
                         f"{svc.budget_us}/{svc.period_us} us is not schedulable{where} on "
                         f"core {sb.cores[0]}: utilization {load / 1e6:.3f} > bound "
                         f"{bound / 1e6:.3f} (Liu-Layland, {len(vcpus)} VCPUs: {others} "
                         "and this one)")


def python_memory_kib(sb: Sandbox, has_supervisor: bool) -> int:
    """What a sandbox's Python needs of its region, in KiB, before its bundle."""
    extra = SUPERVISOR_HEAP_KIB if has_supervisor else 0
    return (sum(s.heap_kib for s in sb.hosted_services) + sb.repl_heap_kib + sb.fs_kib + extra
            + KERNEL_IMAGE_KIB + SLACK_KIB)


def _python_memory_fits(r: _Reader, sb: Sandbox, has_supervisor: bool) -> None:
    heaps = sum(s.heap_kib for s in sb.hosted_services)
    copies = " (standby copies included)" if sb.standby_services else ""
    extra = SUPERVISOR_HEAP_KIB if has_supervisor else 0
    need = python_memory_kib(sb, has_supervisor)
    if need > sb.memory_mib * 1024:
        raise r.fail(f"sandbox[{sb.id}].memory_mib",
                     f"{sb.memory_mib} MiB is too small for its Python: service heaps "
                     f"{heaps} KiB{copies} + REPL heap {sb.repl_heap_kib} KiB + fs {sb.fs_kib} KiB"
                     + (f" + supervisor heap {extra} KiB" if extra else "")
                     + f" + kernel {KERNEL_IMAGE_KIB} KiB + slack {SLACK_KIB} KiB = "
                     f"{need} KiB")


def _read_array(r: _Reader, data: dict[str, Any], key: str, schema: dict[str, _Key],
                limit: int) -> list[dict[str, Any]]:
    items = r.array_of_tables(key, data.get(key, []))
    if len(items) > limit:
        raise r.fail(key, f"{len(items)} entries, at most {limit} are supported")
    return [r.table(f"{key}[{i}]", item, schema) for i, item in enumerate(items)]


def _unique_names(r: _Reader, what: str, items: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        name = item["name"]
        if name in seen:
            raise r.fail(f"{what}[{i}].name",
                         f'"{name}" is already the name of {what}[{seen[name]}]')
        seen[name] = i


def _device(r: _Reader, i: int, d: dict[str, Any]) -> Device:
    where = f"device[{i}]"
    io_base, io_len = 0, 0
    if d["io"] is not None:
        if len(d["io"]) != 2:
            raise r.fail(f"{where}.io", "expected [base, length]")
        io_base, io_len = d["io"]
        if io_len == 0:
            raise r.fail(f"{where}.io", "length 0: leave io out for a device without ports")
        if io_base + io_len > 0x10000:
            raise r.fail(f"{where}.io",
                         f"ports {io_base:#x}..{io_base + io_len - 1:#x} run past 0xffff")
    pci_bdf = None
    if d["kind"] == "pci":
        if d["pci"] is None:
            raise r.fail(f"{where}.pci", 'missing: a pci device needs its "BB:DD.F" address')
        m = _PCI_RE.match(d["pci"])
        if not m:
            raise r.fail(f"{where}.pci", f'"{d["pci"]}" is not a PCI address "BB:DD.F" (hex)')
        bus, dev, fn = int(m[1], 16), int(m[2], 16), int(m[3])
        if dev > 31:
            raise r.fail(f"{where}.pci", f"device number {dev} is above 31")
        pci_bdf = bus << 8 | dev << 3 | fn
    else:
        if d["pci"] is not None:
            raise r.fail(f"{where}.pci", 'only a device of kind "pci" has a PCI address')
        if d["io"] is None:
            raise r.fail(f"{where}.io", f'missing: a {d["kind"]} device needs its I/O ports')
    return Device(id=i, name=d["name"], kind=d["kind"], io_base=io_base, io_len=io_len,
                  irq=d["irq"], pci_bdf=pci_bdf)


def _no_io_overlap(r: _Reader, devices: list[Device]) -> None:
    for a in devices:
        for b in devices[: a.id]:
            if a.io_len and b.io_len and a.io_base < b.io_base + b.io_len \
                    and b.io_base < a.io_base + a.io_len:
                raise r.fail(f"device[{a.id}].io",
                             f'ports overlap those of device "{b.name}"')


def _with_owner(d: Device, owner: int) -> Device:
    return Device(id=d.id, name=d.name, kind=d.kind, io_base=d.io_base, io_len=d.io_len,
                  irq=d.irq, pci_bdf=d.pci_bdf, owner=owner)


def _sandbox_cores(r: _Reader, i: int, sb: dict[str, Any], machine: Machine,
                   core_owner: dict[int, int], raw: list[dict[str, Any]]) -> tuple[int, ...]:
    where = f"sandbox[{i}].cores"
    if not sb["cores"]:
        raise r.fail(where, "a sandbox needs at least one core")
    for core in sb["cores"]:
        if core >= machine.cores:
            raise r.fail(where, f"core {core} does not exist: machine.cores is "
                         f"{machine.cores} (cores 0 to {machine.cores - 1})")
        if core in core_owner:
            other = core_owner[core]
            whose = "this sandbox" if other == i else f'sandbox "{raw[other]["name"]}"'
            raise r.fail(where, f"core {core} is already given to {whose}")
        core_owner[core] = i
    return tuple(sb["cores"])


def _sandbox_devices(r: _Reader, i: int, sb: dict[str, Any], device_ids: dict[str, int],
                     owners: dict[int, int], raw: list[dict[str, Any]]) -> tuple[int, ...]:
    where = f"sandbox[{i}].devices"
    owned = []
    for name in sb["devices"]:
        if name not in device_ids:
            raise r.fail(where, f'device "{name}" is not declared in any [[device]]')
        dev = device_ids[name]
        if dev in owners:
            other = owners[dev]
            whose = "this sandbox" if other == i else f'sandbox "{raw[other]["name"]}"'
            raise r.fail(where, f'device "{name}" is already owned by {whose}')
        owners[dev] = i
        owned.append(dev)
    return tuple(owned)


@dataclass(frozen=True)
class _Names:
    """What an attack's argument may name."""

    sandboxes: dict[str, int]
    devices: dict[str, int]
    channels: list[Channel]


def _sandbox_attacks(r: _Reader, i: int, sb: dict[str, Any], names_of: _Names,
                     owned: tuple[int, ...], test_build: bool) -> tuple[Attack, ...]:
    where = f"sandbox[{i}].test_attacks"
    names = sb["test_attacks"]
    if not names:
        return ()
    if not test_build:
        raise r.fail(where, "attacks are only built into a test image: build with --test, "
                     "or remove test_attacks")
    if len(names) > MAX_TEST_ATTACKS:
        raise r.fail(where, f"{len(names)} attacks, at most {MAX_TEST_ATTACKS}")
    return tuple(_attack(r, where, name, i, names_of, owned) for name in names)


def _attack(r: _Reader, where: str, text: str, me: int, names_of: _Names,
            owned: tuple[int, ...]) -> Attack:
    sandbox_ids, device_ids = names_of.sandboxes, names_of.devices
    kind, _, arg = text.partition(":")
    if kind not in ATTACKS:
        raise r.fail(where, f'"{text}": unknown attack; known: {", ".join(ATTACKS)}')
    code, takes = ATTACKS[kind]
    if takes is None:
        if arg:
            raise r.fail(where, f'"{text}": {kind} takes no argument')
        return Attack(kind, code, 0)
    if not arg:
        raise r.fail(where, f'"{text}": {kind} needs a {takes} name ("{kind}:NAME")')
    if takes == "sandbox":
        if arg not in sandbox_ids:
            raise r.fail(where, f'"{text}": no sandbox is named "{arg}"')
        if sandbox_ids[arg] == me:
            raise r.fail(where, f'"{text}": a sandbox writing its own memory is no attack')
        return Attack(kind, code, sandbox_ids[arg])
    if takes == "channel":
        return _channel_attack(r, where, text, me, names_of.channels)
    if arg not in device_ids:
        raise r.fail(where, f'"{text}": no device is named "{arg}"')
    if takes == "own_device":
        if device_ids[arg] not in owned:
            raise r.fail(where, f'"{text}": this sandbox does not own "{arg}"')
        return Attack(kind, code, device_ids[arg])
    if device_ids[arg] in owned:
        raise r.fail(where, f'"{text}": this sandbox owns "{arg}", touching it is no attack')
    return Attack(kind, code, device_ids[arg])


def _channel_attack(r: _Reader, where: str, text: str, me: int,
                    channels: list[Channel]) -> Attack:
    kind, _, arg = text.partition(":")
    index = next((i for i, c in enumerate(channels) if c.name == arg), None)
    if index is None:
        raise r.fail(where, f'"{text}": no channel is named "{arg}"')
    c = channels[index]
    role = "producer" if c.producer == me else "consumer" if c.consumer == me else "outsider"
    if role != CHANNEL_ROLES[kind]:
        raise r.fail(where, f'"{text}": {kind} needs a sandbox that is the channel\'s '
                     f"{CHANNEL_ROLES[kind]}, this one is its {role}")
    return Attack(kind, ATTACKS[kind][0], index)


def _channel(r: _Reader, i: int, c: dict[str, Any], sandbox_ids: dict[str, int]) -> Channel:
    where = f"channel[{i}]"
    for end in ("producer", "consumer"):
        if c[end] not in sandbox_ids:
            raise r.fail(f"{where}.{end}", f'no sandbox is named "{c[end]}"')
    if c["producer"] == c["consumer"]:
        raise r.fail(f"{where}.consumer", "a channel needs two different sandboxes")
    if c["slot_size"] % 8:
        raise r.fail(f"{where}.slot_size", f"{c['slot_size']} is not a multiple of 8")
    if c["slots"] & (c["slots"] - 1):
        raise r.fail(f"{where}.slots", f"{c['slots']} is not a power of two")
    return Channel(name=c["name"], producer=sandbox_ids[c["producer"]],
                   consumer=sandbox_ids[c["consumer"]], slot_size=c["slot_size"],
                   slots=c["slots"])


def _console_channels(devices: list[Device], n_sandboxes: int) -> list[Channel]:
    hub = next((d.owner for d in devices if d.kind == "uart16550" and d.io_len), None)
    if hub is None:
        return []
    out: list[Channel] = []
    for sb in range(n_sandboxes):
        if sb == hub:
            continue
        name_out, name_in = console_channel_names(sb)
        out.append(Channel(name_out, sb, hub, *CONSOLE_OUT))
        out.append(Channel(name_in, hub, sb, *CONSOLE_IN))
    return out


def _channels_per_sandbox(r: _Reader, channels: list[Channel],
                          sandboxes: list[Sandbox]) -> None:
    for sb in sandboxes:
        n = sum(1 for c in channels if sb.id in (c.producer, c.consumer))
        if n > MAX_CHANNELS_PER_SANDBOX:
            raise r.fail(f"sandbox[{sb.id}]",
                         f"an end of {n} channels (with its console's), at most "
                         f"{MAX_CHANNELS_PER_SANDBOX}")
    if len(channels) > MAX_CHANNELS:
        raise r.fail("channel", f"{len(channels)} channels with the consoles' two per sandbox, "
                     f"at most {MAX_CHANNELS}")


def _memory_fits(r: _Reader, system: System) -> None:
    """Names the first sandbox (or channel) whose memory no longer fits."""
    have = system.machine.memory_mib
    used = MONITOR_RESERVE_MIB
    for sb in system.sandboxes:
        used += sb.memory_mib
        if used > have:
            raise r.fail(f"sandbox[{sb.id}].memory_mib",
                         f"{sb.memory_mib} MiB does not fit: with the sandboxes before it "
                         f"and the monitor reserve of {MONITOR_RESERVE_MIB} MiB that makes "
                         f"{used} MiB, machine.memory_mib is {have}")
    need = system.memory_needed_mib()
    if need > have:
        raise r.fail("channel", f"the channel rings need {need - used} MiB more than the "
                     f"{have - used} MiB left by the sandboxes and the monitor")
