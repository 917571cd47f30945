# quest: how a Python service on questv sees the system.
#
# A thin layer over the native module _quest (ports/vtx/modquest.c): the
# native side does the kernel calls with plain values (ints, strings, dicts,
# status codes); this side gives them classes and exceptions.
# docs/quest.md is the reference.
#
# Heap is scarce (a service gets 192 KiB unless system.toml says otherwise,
# and a 64 KiB one must still be able to import quest) and every function a
# module defines costs its interpreter about a kilobyte, so this file holds
# only the exceptions and the time functions; the rest (sandbox, VCPU,
# Channel, mem, services, devices) loads on first use through __getattr__ below.
# Comments, not docstrings: a docstring is kept in the heap.

import _quest


class AdmissionError(Exception):
    # A VCPU the scheduler refused: the message gives the utilization the
    # core would have and the Liu-Layland bound it must stay within.
    pass


class ChannelError(OSError):
    # The peer's side of a channel is garbled; the message is the kernel's
    # reason. The channel stays usable: a garbled slot is skipped.
    pass


class ChannelFull(OSError):
    # send() found the channel full and its timeout ran out (or it polled).
    pass


class SwapError(Exception):
    # A hot swap was refused (compile error, exception at import, bad state
    # hand-over); the old version keeps running.
    pass


class ServiceError(Exception):
    # A service could not be started, found or stopped.
    pass


# ---- time: the kernel's monotonic clock (64-bit, never wraps)
ticks_us = _quest.ticks_us
ticks_ms = _quest.ticks_ms
ticks_diff = _quest.ticks_diff
ticks_cpu = _quest.ticks_cpu
# Ends this job: waits for the next period of the calling thread's VCPU;
# returns the deadlines missed (0 when on time).
wait_period = _quest.wait_period
# Test builds only: a wild access the monitor must stop (docs/quest.md).
_inject = _quest.inject


def sleep_us(us):
    # The thread sleeps (its VCPU's budget is not used), in slices of at
    # most 50 ms so that Ctrl-C and a stop request are seen.
    if us < 0:
        raise ValueError("sleep length must be non-negative")
    end = _quest.ticks_us() + int(us)
    while True:
        left = end - _quest.ticks_us()
        if left <= 0:
            return
        _quest.sleep_us(min(50000, left))


def sleep_ms(ms):
    sleep_us(int(ms * 1000))


def sleep(s):
    sleep_us(int(s * 1_000_000))


_LAZY = {
    "Record": "_info", "sandbox": "_info", "stats": "_info",
    "VCPU": "_vcpu", "IOVCPU": "_vcpu",
    "Channel": "_chan", "channels": "_chan",
    "Mem": "_mem", "mem": "_mem",
    "Service": "_svc", "services": "_svc", "spawn": "_svc", "swap": "_svc",
    "Device": "_dev", "devices": "_dev",
    "faults": "_fault", "fault_ack": "_fault", "faults_lost": "_fault", "recover": "_fault",
}


def __getattr__(name):
    # __import__ and sys.modules, not "from quest import _x": the runtime
    # would look _x up through this very function. For the same reason a
    # submodule ("from quest import msg") is imported here: the runtime
    # asks this function before it looks for a submodule.
    import sys
    sub = _LAZY.get(name)
    if sub is None:
        try:
            __import__("quest." + name)
        except ImportError:
            if "quest." + name in sys.modules:
                raise
            raise AttributeError(f"module 'quest' has no attribute {name!r}") from None
        return sys.modules["quest." + name]
    __import__("quest." + sub)
    value = getattr(sys.modules["quest." + sub], name)
    globals()[name] = value
    return value
