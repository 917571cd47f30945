# quest.Channel (loaded on first use of quest.Channel / quest.channels):
# this sandbox's end of a channel. docs/quest.md, "Channels".

import _quest

from quest import ChannelError, ChannelFull
from quest._info import Record

_E_OK = 0
# Each blocking call is cut into slices (see sleep_us) so Ctrl-C and stop
# requests get through; the native side sleeps between polls within a slice.
_CHAN_SLICE_US = 50_000


class Channel:
    # This sandbox's end of a channel named in system.toml.
    #
    # send(data, timeout_ms=None): None blocks until there is room, 0 polls;
    #   a full channel past the timeout raises ChannelFull. A message longer
    #   than the slot size raises ValueError.
    # recv(timeout_ms=None) -> bytes: None blocks; on timeout (or an empty
    #   channel when polling with 0) returns None.
    # A garbled message from the peer raises ChannelError (the slot is
    # skipped; the next call goes on with the next message).

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
        # Where the channel's pages are (quest.mem reads them all and writes
        # this end's own: the producer region, or the consumer page).
        self.prod_addr = info.get("prod_addr")
        self.prod_len = info.get("prod_len")
        self.cons_addr = info.get("cons_addr")
        self._buf = bytearray(self.slot_size) if self.role == "consumer" else None

    @classmethod
    def create(cls, name, peer, slot_size=64, slot_count=8, producer=True, timeout_ms=10000):
        # A channel made at run time between this sandbox and sandbox `peer`
        # (an id): both ends call create with the same name and geometry,
        # one with producer=True. Waits up to timeout_ms for the other end
        # (TimeoutError); other refusals raise OSError with the reason.
        r = _quest.chan_create(name, int(peer), int(slot_size), int(slot_count),
                               bool(producer), int(timeout_ms))
        if isinstance(r, str):
            if r.startswith("timeout"):
                raise TimeoutError(f"channel {name}: {r}")
            raise OSError(f"channel {name}: {r}")
        return cls(name)

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
        # Messages waiting (consumer) or not yet taken by the peer
        # (producer); 0 when the peer's cursor is impossible.
        return _quest.chan_pending(self._i)

    def stats(self):
        # messages, bytes, waits, timeouts, errors and by_status (counts by
        # status name) of this end.
        return Record(_quest.chan_stats(self._i))

    def __iter__(self):
        return self

    def __next__(self):
        return self.recv()

    def __repr__(self):
        return f"Channel({self.name!r}, role={self.role!r}, slot_size={self.slot_size})"


def channels():
    # The channels of this sandbox (records with name, role, peer,
    # slot_size, slot_count).
    return [Record(c) for c in _quest.sandbox()["channels"]]
