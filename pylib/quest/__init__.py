"""quest: how a Python service on questv sees the system.

A thin layer over the native module _quest (ports/vtx/modquest.c): the
native side does the kernel calls with plain values (ints, strings, dicts,
status codes); this side gives them classes and exceptions. docs/quest.md is
the reference.
"""

import _quest

__all__ = [
    "IOVCPU",
    "VCPU",
    "AdmissionError",
    "Channel",
    "ChannelError",
    "ChannelFull",
    "Service",
    "ServiceError",
    "SwapError",
    "channels",
    "mem",
    "sandbox",
    "services",
    "sleep_ms",
    "sleep_us",
    "spawn",
    "stats",
    "swap",
    "ticks_diff",
    "ticks_ms",
    "ticks_us",
    "wait_period",
]


class AdmissionError(Exception):
    """A VCPU the scheduler refused: the message gives the utilization the
    core would have and the Liu-Layland bound it must stay within."""


class ChannelError(OSError):
    """The peer's side of a channel is garbled; the message is the kernel's
    reason. The channel stays usable: a garbled slot is skipped."""


class ChannelFull(OSError):
    """send() found the channel full and its timeout ran out (or it polled)."""


class SwapError(Exception):
    """A hot swap was refused (compile error, exception at import, bad
    state hand-over); the old version keeps running."""


class ServiceError(Exception):
    """A service could not be started or stopped."""


# ---------------------------------------------------------------- time

def ticks_us():
    """Microseconds on the kernel's monotonic clock."""
    return _quest.ticks_us()


def ticks_ms():
    """Milliseconds on the kernel's monotonic clock."""
    return _quest.ticks_ms()


def ticks_diff(a, b):
    """a - b for two ticks values (they never wrap here: 64-bit clock)."""
    return a - b


# A sleep is cut into slices so that Ctrl-C and a stop request are seen
# within one slice; the thread does not run while it sleeps.
_SLICE_US = 50_000


def sleep_us(us):
    """Sleeps for `us` microseconds; the VCPU's budget is not used."""
    if us < 0:
        raise ValueError("sleep length must be non-negative")
    end = _quest.ticks_us() + int(us)
    while True:
        left = end - _quest.ticks_us()
        if left <= 0:
            return
        _quest.sleep_us(min(left, _SLICE_US))


def sleep_ms(ms):
    """Sleeps for `ms` milliseconds."""
    sleep_us(int(ms * 1000))


def sleep(s):
    """Sleeps for `s` seconds (float)."""
    sleep_us(int(s * 1_000_000))


def wait_period():
    """Ends this job: waits for the next period of the calling thread's
    VCPU. Returns the number of periods missed (0 when on time)."""
    return _quest.wait_period()


# ---------------------------------------------------------------- records

class Record:
    """A read-only record: fields as attributes and as items."""

    def __init__(self, fields):
        self.__dict__.update(fields)

    def __getitem__(self, key):
        return self.__dict__[key]

    def keys(self):
        return self.__dict__.keys()

    def as_dict(self):
        return dict(self.__dict__)

    def __repr__(self):
        inner = ", ".join(f"{k}={self.__dict__[k]!r}" for k in sorted(self.__dict__))
        return f"Record({inner})"


def sandbox():
    """This sandbox: id, name, core(s), memory, devices, channels, services,
    supervising sandbox and boot count."""
    d = _quest.sandbox()
    d["channels"] = [Record(c) for c in d["channels"]]
    d["devices"] = [Record(x) for x in d["devices"]]
    d["services"] = [Record({"name": s["name"], "state": s["state"], "id": s["id"]})
                     for s in _svc_infos()]
    return Record(d)


def stats():
    """The calling interpreter's heap and the kernel's scheduler figures."""
    return Record(_quest.stats())


# ---------------------------------------------------------------- VCPUs

class VCPU:
    """A Main VCPU: a sporadic server with `budget_us` every `period_us`.
    Creating one runs admission control; a refusal raises AdmissionError."""

    def __init__(self, budget_us, period_us, _id=None):
        if _id is None:
            r = _quest.vcpu_new(int(budget_us), int(period_us))
            if isinstance(r, str):
                raise AdmissionError(r)
            _id = r
        self.id = _id
        self.budget_us = int(budget_us)
        self.period_us = int(period_us)

    @classmethod
    def current(cls):
        """The VCPU the calling thread runs on."""
        i = _quest.vcpu_self()
        p = _quest.vcpu_stats(i)
        return cls(p["budget_us"], p["period_us"], _id=i)

    def set(self, budget_us, period_us):
        """New budget and period, under admission control."""
        r = _quest.vcpu_set(self.id, int(budget_us), int(period_us))
        if isinstance(r, str):
            raise AdmissionError(r)
        self.budget_us = int(budget_us)
        self.period_us = int(period_us)

    def stats(self):
        """fg_us, bg_us (run time at foreground / background priority),
        replenishments, overruns, overrun_us, deadline_misses, ..."""
        return Record(_quest.vcpu_stats(self.id))

    def __repr__(self):
        return f"VCPU({self.budget_us}, {self.period_us}, id={self.id})"


class IOVCPU:
    """An I/O VCPU with a utilization limit (0 < utilization <= 1) that
    serves `main_vcpu`. Admission counts it like a Main VCPU."""

    def __init__(self, utilization, main_vcpu=None):
        if not 0 < utilization <= 1:
            raise ValueError("utilization must be in (0, 1]")
        main_id = -1 if main_vcpu is None else main_vcpu.id
        r = _quest.iovcpu_new(int(utilization * 1_000_000), main_id)
        if isinstance(r, str):
            raise AdmissionError(r)
        self.id = r
        self.utilization = utilization
        self.main_vcpu = main_vcpu

    def stats(self):
        return Record(_quest.vcpu_stats(self.id))

    def __repr__(self):
        return f"IOVCPU({self.utilization!r}, id={self.id})"


# ---------------------------------------------------------------- channels

_E_OK = 0
# Each blocking call is cut into slices (see sleep_us) so Ctrl-C and stop
# requests get through; the native side sleeps between polls within a slice.
_CHAN_SLICE_US = 50_000


class Channel:
    """This sandbox's end of a channel named in system.toml.

    send(data, timeout_ms=None): None blocks until there is room, 0 polls;
      a full channel past the timeout raises ChannelFull. A message longer
      than the slot size raises ValueError.
    recv(timeout_ms=None) -> bytes: None blocks; on timeout (or an empty
      channel when polling with 0) returns None.
    A garbled message from the peer raises ChannelError (the slot is
    skipped; the next call goes on with the next message)."""

    def __init__(self, name):
        i = _quest.chan_find(name)
        if i < 0:
            names = ", ".join(c["name"] for c in _quest.sandbox()["channels"]) or "none"
            raise ValueError(f"no channel {name!r} in this sandbox (it has: {names})")
        info = _quest.chan_info(i)
        self._i = i
        self.name = info["name"]
        self.role = info["role"]
        self.peer = info["peer"]
        self.slot_size = info["slot_size"]
        self.slot_count = info["slot_count"]
        self._buf = bytearray(self.slot_size) if self.role == "consumer" else None

    def _check(self, st, what):
        if st == _E_OK:
            return
        text = _quest.chan_strerror(st)
        if st == _quest.CHAN_E_TOO_BIG:
            raise ValueError(f"{self.name}: message longer than the slot size ({self.slot_size})")
        if st in (_quest.CHAN_E_FULL, _quest.CHAN_E_TIMEOUT) and what == "send":
            raise ChannelFull(f"{self.name}: {text}")
        if st == _quest.CHAN_E_PARAM:
            raise ValueError(f"{self.name}: {text}")
        raise ChannelError(f"{self.name}: {text}")

    def send(self, data, timeout_ms=None):
        if self.role != "producer":
            raise OSError(f"{self.name}: this sandbox is the consumer of this channel")
        if timeout_ms is None:
            while True:
                st = _quest.chan_send(self._i, data, _CHAN_SLICE_US)
                if st != _quest.CHAN_E_TIMEOUT:
                    return self._check(st, "send")
        end = _quest.ticks_us() + int(timeout_ms * 1000)
        while True:
            left = end - _quest.ticks_us()
            st = _quest.chan_send(self._i, data, max(0, min(left, _CHAN_SLICE_US)))
            if st != _quest.CHAN_E_TIMEOUT or left <= _CHAN_SLICE_US:
                return self._check(st, "send")

    def recv(self, timeout_ms=None):
        if self.role != "consumer":
            raise OSError(f"{self.name}: this sandbox is the producer of this channel")
        if timeout_ms is None:
            end = None
        else:
            end = _quest.ticks_us() + int(timeout_ms * 1000)
        while True:
            if end is None:
                left = _CHAN_SLICE_US
            else:
                left = max(0, min(end - _quest.ticks_us(), _CHAN_SLICE_US))
            n = _quest.chan_recv(self._i, self._buf, left)
            if n >= 0:
                return bytes(self._buf[:n])
            st = -n
            if st in (_quest.CHAN_E_TIMEOUT, _quest.CHAN_E_EMPTY):
                if end is not None and (left == 0 or _quest.ticks_us() >= end):
                    return None
                continue
            self._check(st, "recv")

    def poll(self):
        """Messages waiting (consumer) or not yet taken by the peer
        (producer); 0 when the peer's cursor is impossible."""
        return _quest.chan_pending(self._i)

    def stats(self):
        """messages, bytes, waits, timeouts, errors and by_status (counts by
        status name) of this end."""
        return Record(_quest.chan_stats(self._i))

    def __iter__(self):
        return self

    def __next__(self):
        return self.recv()

    def __repr__(self):
        return f"Channel({self.name!r}, role={self.role!r}, slot_size={self.slot_size})"


def channels():
    """The channels of this sandbox (records with name, role, peer,
    slot_size, slot_count)."""
    return [Record(c) for c in _quest.sandbox()["channels"]]


# ---------------------------------------------------------------- memory

class _Words:
    def __init__(self, mem, size):
        self._mem = mem
        self._size = size

    def __getitem__(self, addr):
        return int.from_bytes(_quest.mem_read(addr, self._size), "little")

    def __setitem__(self, addr, value):
        _quest.mem_write(addr, int(value).to_bytes(self._size, "little"))


class Mem:
    """Raw memory of this sandbox: guest-physical addresses in its RAM only
    (below memory_mib MiB, past the first page). Anything else raises
    ValueError; nothing here can fault."""

    def __init__(self):
        self.u8 = _Words(self, 1)
        self.u16 = _Words(self, 2)
        self.u32 = _Words(self, 4)
        self.u64 = _Words(self, 8)

    def read(self, addr, n):
        return _quest.mem_read(addr, n)

    def write(self, addr, data):
        _quest.mem_write(addr, bytes(data))

    def range(self):
        """(first, end) of the addresses read() and write() accept."""
        return _quest.mem_range()


mem = Mem()


# ---------------------------------------------------------------- services

def _svc_infos():
    out = []
    for i in range(_quest.svc_count()):
        info = _quest.svc_info(i)
        if info is not None:
            out.append(info)
    return out


class Service:
    """A handle on a service of this sandbox (by name)."""

    def __init__(self, name):
        i = _quest.svc_find(name)
        if i < 0:
            raise ServiceError(f"no service {name!r} in this sandbox")
        self.id = i
        self.name = name

    def info(self):
        info = _quest.svc_info(self.id)
        if info is None or info["name"] != self.name:
            raise ServiceError(f"service {self.name!r} is gone")
        return Record(info)

    @property
    def state(self):
        return self.info().state

    def stats(self):
        """Heap use, starts, VCPU statistics of the service."""
        info = self.info()
        d = {"starts": info.starts, "heap_used": info.heap_used, "heap_peak": info.heap_peak,
             "heap_total": info.heap_total, "state": info.state}
        if info.vcpu is not None:
            d["vcpu"] = Record(_quest.vcpu_stats(info.vcpu))
        return Record(d)

    def stop(self, timeout_ms=1000):
        """Stops it at its next safe point (within timeout_ms)."""
        st = _quest.svc_stop(self.id, int(timeout_ms))
        if isinstance(st, str):
            raise ServiceError(f"{self.name}: {st}")

    def __repr__(self):
        return f"Service({self.name!r})"


def services():
    """Every service of this sandbox: records with id, name, module, state,
    starts, exit_status, last_error, heap figures and the spec."""
    return [Record(i) for i in _svc_infos()]


def _vcpu_params(vcpu):
    if vcpu is None:
        return 0, 0
    if isinstance(vcpu, VCPU):
        return vcpu.budget_us, vcpu.period_us
    if isinstance(vcpu, tuple) and len(vcpu) == 2:
        return int(vcpu[0]), int(vcpu[1])
    raise TypeError("vcpu must be None, a VCPU or a (budget_us, period_us) tuple")


_spawned = 0


def spawn(target, vcpu=None, heap=None, name=None, restart="never", restart_limit=0,
          backoff_ms=0, alternate=""):
    """Starts a service at run time in a fresh interpreter on a VCPU of its
    own: `target` is a module name (imported as __main__, then its main()
    called) or a function (its module is imported and the function called;
    the module must be importable there, from the bundle or the RAM fs).
    vcpu: None (the default service VCPU), a VCPU (its parameters are used
    for the new service's own VCPU) or (budget_us, period_us); heap in KiB.
    Returns a Service."""
    global _spawned
    budget, period = _vcpu_params(vcpu)
    source = None
    if isinstance(target, str):
        module = target
    elif callable(target):
        mod = getattr(target, "__module__", None)
        fname = getattr(target, "__name__", None)
        if not mod or mod == "__main__" or not fname or fname == "<lambda>":
            raise ValueError("spawn: the function must be a named function of an importable "
                             f"module (not __main__); got module {mod!r}")
        module = mod
        source = f"from {mod} import {fname} as _target\n\n\ndef main():\n    _target()\n"
    else:
        raise TypeError("spawn: target must be a module name or a function")
    if name is None:
        _spawned += 1
        base = module if source is None else getattr(target, "__name__", "fn")
        name = f"{base.rsplit('.', 1)[-1]}.{_spawned}"
    from quest.supervisor import start_args
    spec = {"name": name, "module": module, "alternate": alternate,
            "budget_us": budget, "period_us": period,
            "heap_kib": int(heap) if heap else 0,
            "restart": restart, "restart_limit": restart_limit, "backoff_ms": backoff_ms}
    r = _quest.svc_start(*start_args(spec, source))
    if isinstance(r, str):
        if r.startswith("admission:"):
            raise AdmissionError(r[len("admission:"):].strip())
        raise ServiceError(f"{name}: {r}")
    s = Service.__new__(Service)
    s.id = r
    s.name = name
    return s


def swap(service, source, *, hook=True):
    """Replaces a running service with new source text. The new code is
    compiled and imported in a fresh interpreter first (main() not yet
    called); only then is the old one stopped at a safe point and, with
    hook=True, its save_state() handed to the new one's restore_state().
    Anything that fails raises SwapError and the old one keeps running."""
    if isinstance(service, Service):
        name = service.name
    else:
        name = service
    if isinstance(source, (bytes, bytearray)):
        source = bytes(source).decode()
    i = _quest.svc_find(name)
    if i < 0:
        raise SwapError(f"no service {name!r} in this sandbox")
    if not hook:
        # Without a restore_state the port hands no state over; appended
        # last, so the new version's line numbers stay its own.
        source += "\n\ntry:\n    del restore_state\nexcept NameError:\n    pass\n"
    err = _quest.svc_swap_prepare(i, source)
    if err is not None:
        raise SwapError(f"{name}: {err}")
    err = _quest.svc_swap_commit(i)
    if err is not None:
        raise SwapError(f"{name}: {err}")
    return Service(name)


def _inject(kind, arg=0):
    """TEST BUILDS ONLY: performs a wild access the monitor must stop
    ("sandbox" arg=id, "monitor", "ept", "io" arg=device, "triple", "hang").
    Raises RuntimeError on a normal build."""
    return _quest.inject(kind, arg)
