# quest.mem (loaded on first use): raw access to the sandbox's own RAM.
# docs/quest.md, "Raw memory".

import _quest


class _Words:
    def __init__(self, mem, size):
        self._mem = mem
        self._size = size

    def __getitem__(self, addr):
        return int.from_bytes(_quest.mem_read(addr, self._size), "little")

    def __setitem__(self, addr, value):
        _quest.mem_write(addr, int(value).to_bytes(self._size, "little"))


class Mem:
    # Raw memory of this sandbox: guest-physical addresses in its RAM only
    # (below memory_mib MiB, past the first page). Anything else raises
    # ValueError; nothing here can fault.

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
        # (first, end) of the addresses read() and write() accept.
        return _quest.mem_range()


mem = Mem()
