# Helpers for service loops.
#
# periodic(step) calls step() once per period of the service's VCPU
# (quest.wait_period between calls) until step returns False; with
# period_ms it keeps its own period by sleeping instead (for a thread that
# shares a VCPU). Both return the number of periods that ended late.
#
# Heartbeat(channel, every_ms) sends a small counter message on a channel at
# most every every_ms, for a supervisor or a peer to watch.

import quest


def periodic(step, period_ms=None, count=None):
    late = 0
    n = 0
    nxt = quest.ticks_us()
    while count is None or n < count:
        if step() is False:
            break
        n += 1
        if period_ms is None:
            late += quest.wait_period()
        else:
            nxt += int(period_ms * 1000)
            now = quest.ticks_us()
            if now > nxt:
                late += 1
                nxt = now
            else:
                quest.sleep_us(nxt - now)
    return late


class Heartbeat:
    def __init__(self, channel, every_ms=1000):
        self.channel = channel
        self.every_ms = every_ms
        self.count = 0
        self.last = None

    def beat(self):
        # Sends a beat if every_ms has passed since the last; returns
        # whether it did. A full channel drops the beat, never blocks.
        now = quest.ticks_ms()
        if self.last is not None and now - self.last < self.every_ms:
            return False
        self.last = now
        self.count += 1
        try:
            self.channel.send(f"hb{self.count}".encode(), 0)
        except quest.ChannelFull:
            return False
        return True
