# The near end of the Python channel benchmark (benchmarks/python), spawned
# from the REPL: 8-byte messages to pyb_echo on sb1 and back, timed with
# quest.ticks_us(). First ROUNDS round trips one at a time (latency), then
# STREAM messages with up to WINDOW in flight (throughput: the slower end's
# cost per message). Every reply is checked. The figures go to /pyb_chan.txt
# (the RAM fs the REPL reads) as key=value lines; "done=ok" last. Each phase
# has its elapsed time (*_us) and the time this thread actually ran (*_cpu_us,
# foreground + background run time of its VCPU): under Bochs a VCPU budget of
# a few ms is only some 10^4 instructions, so elapsed time also counts waiting
# for the next period, and the peer's turn.

import quest

ROUNDS = 64
POLLS = 256   # the loops timed by run time: one VCPU stats read each, amortized
STREAM = 256
WINDOW = 8


def _write(lines):
    with open("/pyb_chan.txt", "w") as f:
        f.write("\n".join(lines) + "\n")


def _cpu(v):
    s = v.stats()
    return s["fg_us"] + s["bg_us"]


def main():
    v = quest.VCPU.current()
    out = quest.Channel("pyq")
    inp = quest.Channel("pyr")
    while inp.recv(0) is not None:   # nothing left over from an earlier run
        pass
    # Warm-up: the first messages also take each end out of its long nap.
    for i in range(4):
        out.send(f"warm{i:04d}".encode())
        if inp.recv() != f"warm{i:04d}".encode():
            _write(["done=bad warm-up reply"])
            return
    c0 = _cpu(v)
    t0 = quest.ticks_us()
    for i in range(ROUNDS):
        m = f"rt{i:06d}".encode()
        out.send(m)
        if inp.recv() != m:
            _write([f"done=bad reply in round {i}"])
            return
    t1 = quest.ticks_us()
    c1 = _cpu(v)
    sent = got = 0
    while got < STREAM:
        while sent < STREAM and sent - got < WINDOW:
            out.send(f"st{sent:06d}".encode())
            sent += 1
        if inp.recv() != f"st{got:06d}".encode():
            _write([f"done=bad reply in stream at {got}"])
            return
        got += 1
    t2 = quest.ticks_us()
    c2 = _cpu(v)
    # The cost of the call alone, with nothing to wait for: polls of an empty
    # ring (the stream left it empty).
    t3 = quest.ticks_us()
    for _ in range(POLLS):
        inp.recv(0)
    t4 = quest.ticks_us()
    c3 = _cpu(v)
    # For scale: an empty Python loop, and a native call that does nothing
    # but read the clock.
    for _ in range(POLLS):
        pass
    c4 = _cpu(v)
    for _ in range(POLLS):
        quest.ticks_us()
    c5 = _cpu(v)
    _write([f"rounds={ROUNDS}", f"polls={POLLS}", f"rt_us={t1 - t0}", f"stream={STREAM}",
            f"window={WINDOW}", f"stream_us={t2 - t1}", f"poll_us={t4 - t3}",
            f"rt_cpu_us={c1 - c0}", f"stream_cpu_us={c2 - c1}", f"poll_cpu_us={c3 - c2}",
            f"loop_cpu_us={c4 - c3}", f"ticks_cpu_us={c5 - c4}",
            "done=ok"])
