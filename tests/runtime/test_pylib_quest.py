"""The Python side of the quest package (pylib/quest/: __init__, msg,
service, log) against a fake _quest, under CPython and build/host/qpy.

What the native module answers (status codes, refusal strings) is scripted
here; what is checked is what the Python layer makes of it: the exceptions
and their messages, the timeouts, the arguments it hands down, the message
encoding. Both interpreters must print the same (differential).
"""

from __future__ import annotations

import pytest
from pylib_host import driver_outputs, one, rows

FAKE_QUEST = '''
CHAN_OK = 0
CHAN_E_PARAM = 1
CHAN_E_FULL = 2
CHAN_E_EMPTY = 3
CHAN_E_TIMEOUT = 4
CHAN_E_TOO_BIG = 5
CHAN_E_BUF_SMALL = 6
CHAN_E_SLOT_SEQ = 7
CHAN_E_SLOT_CHECK = 8
_TEXT = {2: "channel full (send polled)", 4: "timed out",
         8: "slot header check word wrong (garbled or torn)"}

now = [0]
calls = []
sent = []
inbox = []      # what chan_recv hands out: bytes, or a negative status
full = [False]
refuse_vcpu = [None]
svc = {"answer": None, "prepare": None, "commit": None, "infos": []}
ram = bytearray(64)


def ticks_us():
    return now[0]


def ticks_ms():
    return now[0] // 1000


def ticks_diff(a, b):
    return a - b


def ticks_cpu():
    return now[0] * 4    # a 4 MHz TSC, as Bochs' ips


def inject(kind, arg):
    raise RuntimeError("_inject is only in test builds")


def sleep_us(us):
    calls.append(("sleep_us", us))
    now[0] += us


def wait_period():
    now[0] += 10000
    return 1 if now[0] % 30000 == 0 else 0


def sandbox():
    return {"id": 2, "name": "sb2", "channels": [
        {"name": "pyc", "role": "consumer", "peer": 1, "slot_size": 64, "slot_count": 8},
        {"name": "pyback", "role": "producer", "peer": 1, "slot_size": 16, "slot_count": 8}],
        "devices": [], "memory_mib": 32}


def chan_find(name):
    for i, c in enumerate(sandbox()["channels"]):
        if c["name"] == name:
            return i
    return -1


def chan_create(name, peer, size, count, producer, timeout_ms):
    calls.append(("create", name, peer, size, count, producer, timeout_ms))
    if name == "late":
        return "timeout: the peer did not ask in time"
    if name == "taken":
        return "the name is taken by another channel"
    return 1


def chan_info(i):
    return sandbox()["channels"][i]


def chan_strerror(st):
    return _TEXT.get(st, "status %d" % st) + " (code %d)" % st


def chan_send(i, data, timeout_us):
    calls.append(("send", i, timeout_us))
    if len(data) > chan_info(i)["slot_size"]:
        return CHAN_E_TOO_BIG
    if full[0]:
        now[0] += timeout_us
        return CHAN_E_TIMEOUT if timeout_us else CHAN_E_FULL
    sent.append(bytes(data))
    return CHAN_OK


def chan_recv(i, buf, timeout_us):
    calls.append(("recv", i, timeout_us))
    if not inbox:
        now[0] += timeout_us
        return -(CHAN_E_TIMEOUT if timeout_us else CHAN_E_EMPTY)
    m = inbox.pop(0)
    if isinstance(m, int):
        return m
    buf[:len(m)] = m
    return len(m)


def chan_pending(i):
    return len(inbox)


def vcpu_new(b, p):
    calls.append(("vcpu_new", b, p))
    if refuse_vcpu[0]:
        return refuse_vcpu[0]
    return 7


def vcpu_stats(i):
    return {"id": i, "budget_us": 1000, "period_us": 10000, "fg_us": 5}


def vcpu_self():
    return 3


def svc_count():
    return len(svc["infos"])


def svc_info(i):
    return svc["infos"][i]


def svc_find(name):
    for i, s in enumerate(svc["infos"]):
        if s["name"] == name:
            return i
    return -1


def svc_start(*args):
    calls.append(("svc_start",) + args)
    return svc["answer"]


def svc_swap_prepare(i, source):
    calls.append(("prepare", i, source))
    return svc["prepare"]


def svc_swap_commit(i):
    calls.append(("commit", i))
    return svc["commit"]


def mem_read(addr, n):
    if addr < 0 or addr + n > len(ram):
        raise ValueError("outside")
    return bytes(ram[addr:addr + n])


def mem_write(addr, data):
    if addr < 0 or addr + len(data) > len(ram):
        raise ValueError("outside")
    ram[addr:addr + len(data)] = data
'''

HELPER_MOD = '''
def work():
    return 1
'''

DRIVER = r'''
import _quest
import quest
import helpermod
from quest import msg, service


def out(*a):
    print("|".join(str(x) for x in a))


def exc(tag, fn):
    try:
        r = fn()
        out(tag, "ok", r)
    except Exception as e:
        out(tag, type(e).__name__, e)


# ---- channels
rx = quest.Channel("pyc")
tx = quest.Channel("pyback")
out("chan", rx.name, rx.role, rx.slot_size, tx.role, tx.slot_size)
exc("chan-missing", lambda: quest.Channel("nope"))
exc("chan-wrongway", lambda: rx.send(b"x"))
exc("chan-wrongway2", lambda: tx.recv(0))
tx.send(b"hello")
out("chan-sent", _quest.sent)
exc("chan-toobig", lambda: tx.send(b"x" * 17))
_quest.full[0] = True
_quest.calls.clear()
exc("chan-full-poll", lambda: tx.send(b"a", 0))
t0 = _quest.now[0]
exc("chan-full-timeout", lambda: tx.send(b"a", 120))
out("chan-full-waited", _quest.now[0] - t0, max(c[2] for c in _quest.calls if c[0] == "send"))
_quest.full[0] = False
_quest.inbox[:] = [b"one", b"", -8, b"two"]
out("chan-poll", rx.poll())
out("chan-recv", rx.recv(0), rx.recv(0))
exc("chan-garbled", lambda: rx.recv(0))
out("chan-after-garble", rx.recv(0))
out("chan-empty-poll", rx.recv(0))
t0 = _quest.now[0]
out("chan-timeout", rx.recv(200), _quest.now[0] - t0)
_quest.inbox[:] = [b"a", b"b"]
it = iter(rx)
out("chan-iter", next(it), next(it))

c = quest.Channel.create("pyback", 1, slot_size=16, producer=True, timeout_ms=500)
out("chan-create", c.name, c.role, _quest.calls[-1])
exc("chan-create-late", lambda: quest.Channel.create("late", 1))
exc("chan-create-taken", lambda: quest.Channel.create("taken", 1, producer=False))

# ---- VCPUs
v = quest.VCPU(1000, 10000)
out("vcpu", v.id, v.budget_us, v.period_us, v.stats().fg_us, v.stats()["budget_us"])
_quest.refuse_vcpu[0] = "VCPU 9ms/10ms refused: utilization 1.150 > bound 0.780 (Liu-Layland, 3 VCPUs)"
exc("vcpu-refused", lambda: quest.VCPU(9000, 10000))
out("vcpu-current", quest.VCPU.current().id)

# ---- services
_quest.svc["infos"] = [{"name": "crasher", "state": "running", "id": 0}]
_quest.svc["answer"] = 4
_quest.calls.clear()
s = quest.spawn("svc_safe", vcpu=(2000, 20000), heap=64, name="safe2")
out("spawn-mod", s.name, s.id, _quest.calls[-1][1:])
s = quest.spawn(helpermod.work, vcpu=v)
out("spawn-fn", s.name, _quest.calls[-1][1:10])
out("spawn-fn-src", _quest.calls[-1][10].replace("\n", "\\n"))
def local():
    pass
exc("spawn-main", lambda: quest.spawn(local))
exc("spawn-bad", lambda: quest.spawn(42))
exc("spawn-badvcpu", lambda: quest.spawn("m", vcpu=[1, 2]))
exc("spawn-badrestart", lambda: quest.spawn("m", restart="sometimes"))
_quest.svc["answer"] = "admission: VCPU 5ms/5ms refused: utilization 1.200 > bound 0.828"
exc("spawn-refused", lambda: quest.spawn("m", vcpu=(5000, 5000)))
_quest.svc["answer"] = "no module named 'm'"
exc("spawn-nomod", lambda: quest.spawn("m"))

_quest.svc["prepare"] = "  File \"<swap>\", line 3\nSyntaxError: invalid syntax"
exc("swap-syntax", lambda: quest.swap("crasher", "def main(:\n"))
_quest.svc["prepare"] = None
_quest.svc["commit"] = "save_state: ValueError: cannot marshal function"
exc("swap-commit", lambda: quest.swap("crasher", "x = 1\n"))
_quest.svc["commit"] = None
_quest.calls.clear()
exc("swap-ok", lambda: quest.swap(quest.Service("crasher"), b"x = 2\n").name)
out("swap-src", _quest.calls[0][2].replace("\n", "\\n"))
quest.swap("crasher", "x = 3\n", hook=False)
out("swap-nohook", "del restore_state" in _quest.calls[-2][2], _quest.calls[-2][2].startswith("x = 3\n"))
exc("swap-missing", lambda: quest.swap("nobody", "x = 1\n"))
exc("service-missing", lambda: quest.Service("nobody"))

# ---- time
_quest.calls.clear()
t0 = _quest.now[0]
quest.sleep_ms(120)
out("sleep", _quest.now[0] - t0, [c[1] for c in _quest.calls])
exc("sleep-neg", lambda: quest.sleep_us(-1))
out("ticks", quest.ticks_diff(quest.ticks_ms(), quest.ticks_ms() - 5))

# ---- memory
quest.mem.u32[8] = 0x12345678
out("mem", quest.mem.read(8, 4), hex(quest.mem.u32[8]), quest.mem.u16[10], quest.mem.u8[8])
quest.mem.write(0, b"ab")
out("mem2", quest.mem.read(0, 3))
exc("mem-out", lambda: quest.mem.read(60, 8))

# ---- records
r = quest.Record({"a": 1, "b": "x"})
out("record", r.a, r["b"], sorted(r.keys()), repr(r))

# ---- msg
vals = [None, True, False, 0, 1, -1, 63, -64, 64, 2**70, -(2**70), 1.5, -0.0, 1e300,
        "", "héllo", b"", b"\x00\xff", [1, [2, (3, None)]], (), {"k": [1.25, b"z"], 3: "x"}]
for x in vals:
    b = msg.pack(x)
    y = msg.unpack(b)
    out("msg", repr(x), b.hex(), y == x and type(y) is type(x))
for bad in [b"", b"\x00N", b"Q", b"Qi", b"Qs\x05ab", b"Qz", b"QNN", b"Ql\x7f", b"Qd\x01l\x00N",
            b"Qs\x02\xff\xfe"]:
    exc("msg-bad", lambda: msg.unpack(bad))
exc("msg-type", lambda: msg.pack({1, 2}))
deep = []
for _ in range(40):
    deep = [deep]
exc("msg-deep", lambda: msg.pack(deep))
_quest.sent.clear()
msg.send(tx, {"n": 3})
out("msg-send", msg.unpack(_quest.sent[0]))
exc("msg-send-big", lambda: msg.send(tx, "x" * 40))
_quest.inbox[:] = [msg.pack([1, "two"])]
out("msg-recv", msg.recv(rx, 0), msg.recv(rx, 0))

# ---- service helpers
steps = []
def step():
    steps.append(quest.ticks_us())
    return len(steps) < 5
late = service.periodic(step)
out("periodic", len(steps), late, steps[1] - steps[0])
steps.clear()
t0 = _quest.now[0]
out("periodic-own", service.periodic(lambda: steps.append(1), period_ms=5, count=3),
    len(steps), _quest.now[0] - t0)
_quest.sent.clear()
hb = service.Heartbeat(tx, every_ms=10)
a = hb.beat()
b = hb.beat()
_quest.now[0] += 20000
c = hb.beat()
_quest.full[0] = True
_quest.now[0] += 20000
d = hb.beat()
out("heartbeat", a, b, c, d, _quest.sent)
'''


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return driver_outputs(tmp_path_factory.mktemp("pylib_quest"),
                          {"_quest.py": FAKE_QUEST, "helpermod.py": HELPER_MOD,
                           "driver.py": DRIVER})


def test_same_under_cpython_and_qpy(outputs: dict[str, str]) -> None:
    assert outputs["cpython"].count("\n") > 60
    assert outputs["qpy"] == outputs["cpython"]


def test_channels(outputs: dict[str, str]) -> None:
    o = outputs["cpython"]
    assert one(o, "chan") == ["pyc", "consumer", "64", "producer", "16"]
    assert one(o, "chan-missing")[0] == "ValueError"
    assert "'nope'" in one(o, "chan-missing")[1] and "pyc, pyback" in one(o, "chan-missing")[1]
    assert one(o, "chan-wrongway")[0] == "OSError" and "consumer" in one(o, "chan-wrongway")[1]
    assert one(o, "chan-wrongway2")[0] == "OSError"
    assert one(o, "chan-sent") == ["[b'hello']"]
    big = one(o, "chan-toobig")
    assert big[0] == "ValueError" and "slot size (16)" in big[1]
    assert one(o, "chan-full-poll")[0] == "ChannelFull"
    assert "channel full" in one(o, "chan-full-poll")[1]
    full = one(o, "chan-full-timeout")
    assert full[0] == "ChannelFull" and "timed out" in full[1]
    # 120 ms waited in slices of at most 50 ms (so Ctrl-C gets through).
    waited, biggest = one(o, "chan-full-waited")
    assert int(waited) >= 120_000 and int(biggest) <= 50_000
    assert one(o, "chan-poll") == ["4"]
    assert one(o, "chan-recv") == ["b'one'", "b''"]
    garbled = one(o, "chan-garbled")
    assert garbled[0] == "ChannelError" and "pyc" in garbled[1] and "check word" in garbled[1]
    assert one(o, "chan-after-garble") == ["b'two'"]
    assert one(o, "chan-empty-poll") == ["None"]
    none, waited = one(o, "chan-timeout")
    assert none == "None" and 200_000 <= int(waited) < 260_000
    assert one(o, "chan-iter") == ["b'a'", "b'b'"]
    assert one(o, "chan-create") == ["pyback", "producer",
                                     "('create', 'pyback', 1, 16, 8, True, 500)"]
    late = one(o, "chan-create-late")
    assert late[0] == "TimeoutError" and "did not ask in time" in late[1]
    taken = one(o, "chan-create-taken")
    assert taken == ["OSError", "channel taken: the name is taken by another channel"]


def test_vcpus(outputs: dict[str, str]) -> None:
    o = outputs["cpython"]
    assert one(o, "vcpu") == ["7", "1000", "10000", "5", "1000"]
    ref = one(o, "vcpu-refused")
    assert ref[0] == "AdmissionError" and "utilization 1.150 > bound 0.780" in ref[1]
    assert one(o, "vcpu-current") == ["3"]


def test_spawn(outputs: dict[str, str]) -> None:
    o = outputs["cpython"]
    name, sid, args = one(o, "spawn-mod")
    assert (name, sid) == ("safe2", "4")
    assert args == "('safe2', 'svc_safe', '', 2000, 20000, 64, 0, 0, 0, None)"
    name, args = one(o, "spawn-fn")
    assert name == "work.1"
    assert args == "('work.1', 'helpermod', '', 1000, 10000, 192, 0, 0, 0)"
    src = one(o, "spawn-fn-src")[0]
    assert "from helpermod import work as _target" in src and "def main():" in src
    assert one(o, "spawn-main")[0] == "ValueError" and "__main__" in one(o, "spawn-main")[1]
    assert one(o, "spawn-bad")[0] == "TypeError"
    assert one(o, "spawn-badvcpu")[0] == "TypeError"
    assert one(o, "spawn-badrestart")[0] == "ValueError"
    ref = one(o, "spawn-refused")
    assert ref[0] == "AdmissionError" and ref[1].startswith("VCPU 5ms/5ms refused")
    nomod = one(o, "spawn-nomod")
    assert nomod[0] == "ServiceError" and nomod[1].startswith("m.")
    assert nomod[1].endswith(": no module named 'm'")


def test_swap(outputs: dict[str, str]) -> None:
    o = outputs["cpython"]
    syn = one(o, "swap-syntax")
    assert syn[0] == "SwapError" and syn[1].startswith("crasher: ")
    # The whole error text is the message (its last line follows).
    assert 'File "<swap>", line 3\nSyntaxError: invalid syntax\nswap-commit|' in o
    com = one(o, "swap-commit")
    assert com[0] == "SwapError" and "cannot marshal function" in com[1]
    assert one(o, "swap-ok") == ["ok", "crasher"]
    assert one(o, "swap-src") == ["x = 2\\n"]
    assert one(o, "swap-nohook") == ["True", "True"]
    assert one(o, "swap-missing")[0] == "SwapError"
    assert one(o, "service-missing")[0] == "ServiceError"


def test_time_mem_records(outputs: dict[str, str]) -> None:
    o = outputs["cpython"]
    total, slices = one(o, "sleep")
    assert total == "120000" and slices == "[50000, 50000, 20000]"
    assert one(o, "sleep-neg")[0] == "ValueError"
    assert one(o, "ticks") == ["5"]
    assert one(o, "mem") == ["b'xV4\\x12'", "0x12345678", "4660", "120"]
    assert one(o, "mem2") == ["b'ab\\x00'"]
    assert one(o, "mem-out")[0] == "ValueError"
    rec = one(o, "record")
    assert rec[:3] == ["1", "x", "['a', 'b']"] and rec[3] == "Record(a=1, b='x')"


def test_msg(outputs: dict[str, str]) -> None:
    o = outputs["cpython"]
    ms = rows(o, "msg")
    assert len(ms) == 21 and all(r[2] == "True" for r in ms)
    enc = {r[0]: r[1] for r in ms}
    assert enc["None"] == "514e" and enc["-1"] == "516901" and enc["64"] == "51698001"
    bad = rows(o, "msg-bad")
    assert [r[0] for r in bad] == ["ValueError"] * 10
    assert "offset" in bad[0][1] and "unknown tag 0x7a at offset 1" in bad[5][1]
    assert "trailing bytes" in bad[6][1] and "bad UTF-8" in bad[9][1]
    assert one(o, "msg-type")[0] == "ValueError" and "set" in one(o, "msg-type")[1]
    assert one(o, "msg-deep")[0] == "ValueError"
    assert one(o, "msg-send") == ["{'n': 3}"]
    assert one(o, "msg-send-big")[0] == "ValueError"
    assert one(o, "msg-recv") == ["[1, 'two']", "None"]


def test_service_helpers(outputs: dict[str, str]) -> None:
    o = outputs["cpython"]
    n, late, gap = one(o, "periodic")
    assert (n, gap) == ("5", "10000") and int(late) >= 1
    assert one(o, "periodic-own") == ["0", "3", "15000"]
    assert one(o, "heartbeat") == ["True", "False", "True", "False", "[b'hb1', b'hb2']"]
