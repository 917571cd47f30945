# Type stubs for the `quest` module that every questv sandbox has frozen in
# (pylib/quest/, over the native _quest). Shipped with the host package so
# an editor completes and checks code written for the board; docs/quest.md
# is the reference.
from collections.abc import Callable, Iterator
from typing import Any

from . import log as log
from . import msg as msg
from . import recovery as recovery
from . import service as service
from . import supervisor as supervisor

class AdmissionError(Exception):
    """A VCPU refused by admission control: the message gives the
    utilization the core would have and the Liu-Layland bound."""

class ChannelError(OSError):
    """The peer's side of a channel is garbled (kernel's reason)."""

class ChannelFull(OSError):
    """send() found the channel full past its timeout (or polled)."""

class SwapError(Exception):
    """A hot swap was refused; the old version keeps running."""

class ServiceError(Exception):
    """A service could not be started, found or stopped."""

class Record:
    """Read-only fields as attributes and as items."""
    def __init__(self, fields: dict[str, Any]) -> None: ...
    def __getitem__(self, key: str) -> Any: ...
    def __getattr__(self, name: str) -> Any: ...
    def keys(self) -> Any: ...
    def as_dict(self) -> dict[str, Any]: ...

# ---- time
def ticks_us() -> int: ...
def ticks_ms() -> int: ...
def ticks_diff(a: int, b: int) -> int: ...
def ticks_cpu() -> int: ...
def sleep_us(us: int) -> None: ...
def sleep_ms(ms: float) -> None: ...
def sleep(s: float) -> None: ...
def wait_period() -> int:
    """Waits for the calling thread's VCPU's next period; returns the
    deadlines missed (0 on time)."""

# ---- the sandbox
class _ChannelInfo(Record):
    name: str
    index: int
    role: str  # "producer" or "consumer"
    peer: int
    slot_size: int
    slot_count: int
    attached: bool
    prod_addr: int
    prod_len: int
    cons_addr: int

class _DeviceInfo(Record):
    kind: str
    io_base: int
    io_len: int
    console: bool

class _ServiceBrief(Record):
    id: int
    name: str
    state: str

class _Sandbox(Record):
    id: int
    name: str
    core: int
    cores: list[int]
    memory_mib: int
    boot_count: int
    supervisor: int
    n_sandboxes: int
    isolated: bool
    test_build: bool
    uart_port: int
    heartbeat_ms: int
    tsc_khz: int
    devices: list[_DeviceInfo]
    channels: list[_ChannelInfo]
    services: list[_ServiceBrief]

def sandbox() -> _Sandbox: ...
def stats() -> Record:
    """heap_total, heap_used, heap_peak, collections, gc_max_pause_us,
    now_us, sched_decisions, sched_switches, timer_irqs, timer_late_max_ns."""

def channels() -> list[_ChannelInfo]: ...

# ---- VCPUs
class _VcpuStats(Record):
    id: int
    kind: str  # "main" or "io"
    budget_us: int
    period_us: int
    util_ppm: int
    available_us: int
    fg_us: int
    bg_us: int
    replenishments: int
    overruns: int
    overrun_us: int
    deadline_misses: int
    activations: int

class VCPU:
    id: int
    budget_us: int
    period_us: int
    def __init__(self, budget_us: int, period_us: int) -> None: ...
    @classmethod
    def current(cls) -> VCPU: ...
    def set(self, budget_us: int, period_us: int) -> None: ...
    def stats(self) -> _VcpuStats: ...

class IOVCPU:
    id: int
    utilization: float
    main_vcpu: VCPU | None
    def __init__(self, utilization: float, main_vcpu: VCPU | None = None) -> None: ...
    def stats(self) -> _VcpuStats: ...

# ---- channels
class _ChannelStats(Record):
    messages: int
    bytes: int
    waits: int
    timeouts: int
    errors: int
    by_status: dict[str, int]

class Channel:
    name: str
    role: str
    peer: int
    slot_size: int
    slot_count: int
    prod_addr: int
    prod_len: int
    cons_addr: int
    def __init__(self, name: str) -> None: ...
    @classmethod
    def create(cls, name: str, peer: int, slot_size: int = 64, slot_count: int = 8,
               producer: bool = True, timeout_ms: int = 10000) -> Channel:
        """A run-time channel with sandbox `peer`; both ends call it."""
    def send(self, data: bytes | bytearray | memoryview, timeout_ms: float | None = None) -> None:
        """None blocks until there is room; 0 polls. Raises ChannelFull,
        ValueError (longer than slot_size), OSError (wrong end)."""
    def recv(self, timeout_ms: float | None = None) -> bytes | None:
        """None blocks; returns None on timeout. Raises ChannelError for a
        garbled message from the peer (skipped; the next call goes on)."""
    def poll(self) -> int: ...
    def stats(self) -> _ChannelStats: ...
    def __iter__(self) -> Iterator[bytes]: ...
    def __next__(self) -> bytes: ...

# ---- raw memory
class _Words:
    def __init__(self, mem: Mem, size: int) -> None: ...
    def __getitem__(self, addr: int) -> int: ...
    def __setitem__(self, addr: int, value: int) -> None: ...

class Mem:
    u8: _Words
    u16: _Words
    u32: _Words
    u64: _Words
    def __init__(self) -> None: ...
    def read(self, addr: int, n: int) -> bytes: ...
    def write(self, addr: int, data: bytes | bytearray | memoryview) -> None: ...
    def range(self) -> tuple[int, int]: ...

mem: Mem

# ---- services
class _ServiceInfo(Record):
    id: int
    name: str
    module: str
    state: str  # free, starting, running, exited, failed, stopped
    exit_status: int
    exit: str  # returned, exception, exit
    starts: int
    run_ms: int
    last_error: str
    heap_used: int
    heap_peak: int
    heap_total: int
    vcpu: int | None
    spec: dict[str, Any]

class Service:
    id: int
    name: str
    def __init__(self, name: str) -> None: ...
    def info(self) -> _ServiceInfo: ...
    @property
    def state(self) -> str: ...
    def stats(self) -> Record: ...
    def stop(self, timeout_ms: int = 1000) -> None: ...

def services() -> list[_ServiceInfo]: ...
def spawn(
    target: str | Callable[[], Any],
    vcpu: VCPU | tuple[int, int] | None = None,
    heap: int | None = None,
    name: str | None = None,
    restart: str = "never",
    restart_limit: int = 0,
    backoff_ms: int = 0,
    alternate: str = "",
) -> Service: ...
def swap(service: Service | str, source: str | bytes, *, hook: bool = True) -> Service | int:
    """A service, or the recovery service's policy module (its new version)."""
def _inject(kind: str, arg: int = 0) -> str:
    """Test builds only: a wild access the monitor must stop."""

# ---- devices (docs/quest.md, "Devices")
class Device:
    """A device of the manifest; I/O and wait_irq need it owned at the call
    (PermissionError otherwise: MOVE_DEVICE may move it at any time)."""
    index: int
    name: str
    kind: str
    io_base: int
    io_len: int
    irq: int | None
    def __init__(self, name_or_index: str | int) -> None: ...
    @property
    def owned(self) -> bool: ...
    def in8(self, offset: int) -> int: ...
    def in16(self, offset: int) -> int: ...
    def in32(self, offset: int) -> int: ...
    def out8(self, offset: int, value: int) -> None: ...
    def out16(self, offset: int, value: int) -> None: ...
    def out32(self, offset: int, value: int) -> None: ...
    def irq_count(self) -> int: ...
    def wait_irq(self, timeout_ms: int | None = None) -> bool:
        """True when an interrupt came after the last one this object saw,
        False on timeout."""

def devices() -> list[Device]: ...

# ---- fault recovery (the supervising sandbox only; docs/recovery.md)
def faults(ack: bool = False) -> list[dict[str, Any]]:
    """The fault records not read yet (seq, sandbox, kind, reason, rip, gpa,
    qual, time_ns, boot, action, symbol, sym_off); PermissionError outside
    the supervisor. Reading consumes them for this sandbox."""
def fault_ack(seq: int) -> None: ...
def faults_lost() -> int: ...
def recover(cmd: str, sandbox: int, arg: int | str = 0, boot: int | None = None) -> None:
    """restart, stop, quarantine, resume (of sandbox), move_device
    (device index, to sandbox arg) or restart_service (sandbox, arg the note
    "<service>=<module>": it restarts and that service starts with that
    module); PermissionError when the monitor refuses, ValueError for a
    note it refuses. boot: a fault record's boot; the command is then for
    that life only (OSError "stale: ..." if the sandbox restarted since)."""
