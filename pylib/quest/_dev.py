# quest.Device and quest.devices() (loaded on first use): the manifest's
# devices, and port I/O and interrupts on the ones this sandbox owns now.
# docs/quest.md, "Devices".
#
# Ownership is live: MOVE_DEVICE (a recovery) may take a device away or
# bring one here at any time. Every I/O call is checked against the live
# bit by _quest (PermissionError); the monitor's I/O bitmap is the real
# enforcement.

import _quest

# dev_wait_irq is called in slices of this much, so that a stop request
# is seen while a service waits without a timeout.
_WAIT_SLICE_MS = 1000


def _index(name_or_index):
    if isinstance(name_or_index, bool):
        raise TypeError("a device is named by its name (str) or its index (int)")
    if isinstance(name_or_index, int):
        if _quest.dev_info(name_or_index) is None:
            raise ValueError(f"no device {name_or_index} (the manifest has "
                             f"{_quest.dev_count()})")
        return name_or_index
    if isinstance(name_or_index, str):
        for i in range(_quest.dev_count()):
            info = _quest.dev_info(i)
            if info is not None and info["name"] == name_or_index:
                return i
        raise ValueError(f"no device named {name_or_index!r}")
    raise TypeError("a device is named by its name (str) or its index (int)")


class Device:
    # One device of the manifest: index, name, kind, io_base, io_len, irq
    # (None without one). I/O needs the device to be owned (.owned) when
    # the call is made.

    def __init__(self, name_or_index):
        i = _index(name_or_index)
        info = _quest.dev_info(i)
        self.index = i
        self.name = info["name"]
        self.kind = info["kind"]
        self.io_base = info["io_base"]
        self.io_len = info["io_len"]
        self.irq = info["irq"]
        # The interrupt count this object last saw (wait_irq's reference).
        self._seen = _quest.dev_irq_count(i)

    @property
    def owned(self):
        info = _quest.dev_info(self.index)
        return bool(info and info["owned"])

    def in8(self, offset):
        return _quest.dev_in(self.index, offset, 1)

    def in16(self, offset):
        return _quest.dev_in(self.index, offset, 2)

    def in32(self, offset):
        return _quest.dev_in(self.index, offset, 4)

    def out8(self, offset, value):
        _quest.dev_out(self.index, offset, 1, value)

    def out16(self, offset, value):
        _quest.dev_out(self.index, offset, 2, value)

    def out32(self, offset, value):
        _quest.dev_out(self.index, offset, 4, value)

    def irq_count(self):
        # Interrupts this sandbox's kernel took for the device since boot.
        return _quest.dev_irq_count(self.index)

    def wait_irq(self, timeout_ms=None):
        # True when an interrupt came after the last one this object saw
        # (at once if one already did), False when timeout_ms (None:
        # forever) passed without one.
        n = _quest.dev_irq_count(self.index)
        if n != self._seen:
            self._seen = n
            return True
        left = timeout_ms
        while left is None or left > 0:
            step = _WAIT_SLICE_MS if left is None else min(left, _WAIT_SLICE_MS)
            n = _quest.dev_wait_irq(self.index, self._seen, int(step))
            if n != self._seen:
                self._seen = n
                return True
            if left is not None:
                left -= step
        return False

    def __repr__(self):
        return f"Device({self.name!r}, index={self.index}, kind={self.kind!r})"


def devices():
    # Every device of the manifest, owned here or not.
    return [Device(i) for i in range(_quest.dev_count())]
