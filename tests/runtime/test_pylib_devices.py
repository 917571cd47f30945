"""quest.Device and quest.devices() (pylib/quest/_dev.py) against a fake _quest
with three manifest devices, under CPython and build/host/qpy.

The fake answers as docs/quest.md says the native dev_* functions do (the
live ownership bit, PermissionError, ValueError for a bad width or offset,
dev_wait_irq waking at a scripted interrupt); what is checked is what the
Python layer makes of it: names and indexes resolved, the widths it hands
down, wait_irq's "an interrupt since the last one I saw" and its timeout
slices. Both interpreters must print the same (differential).
"""

from __future__ import annotations

import pytest
from pylib_host import FAKE_CLOCK, FAKE_DEVICES, driver_outputs, one, rows

FAKE_QUEST = '''"""A stand-in for the native _quest's dev_* functions."""
''' + FAKE_CLOCK + FAKE_DEVICES + '''
devs[:] = [
    {"name": "uart0", "kind": "uart16550", "io_base": 0x3F8, "io_len": 8, "irq": 4,
     "owned": True},
    {"name": "rtc", "kind": "isa", "io_base": 0x70, "io_len": 2, "irq": 8, "owned": True},
    {"name": "nic", "kind": "pci", "io_base": 0, "io_len": 0, "irq": None, "owned": False},
]
ports = {}
calls = []
irq_times = {1: []}   # device -> times (ms) its interrupts come


def _check(i, offset, width):
    d = devs[i]
    if width not in (1, 2, 4):
        raise ValueError("width must be 1, 2 or 4")
    if offset < 0 or offset + width > d["io_len"]:
        raise ValueError("offset %d width %d is outside device %s's %d ports"
                         % (offset, width, d["name"], d["io_len"]))
    if not d["owned"]:
        raise PermissionError("device %s is not owned by this sandbox" % d["name"])


def dev_in(i, offset, width):
    _check(i, offset, width)
    calls.append(("in", i, offset, width))
    return ports.get((i, offset), 0xFF) & ((1 << (8 * width)) - 1)


def dev_out(i, offset, width, value):
    _check(i, offset, width)
    calls.append(("out", i, offset, width, value))
    ports[(i, offset)] = value


def dev_irq_count(i):
    return len([t for t in irq_times.get(i, []) if t <= clock[0]])


def dev_wait_irq(i, count, timeout_ms):
    if not devs[i]["owned"]:
        raise PermissionError("device %s is not owned by this sandbox" % devs[i]["name"])
    calls.append(("wait", i, count, timeout_ms))
    later = [t for t in irq_times.get(i, []) if t > clock[0]]
    if dev_irq_count(i) != count:
        return dev_irq_count(i)
    if later and later[0] <= clock[0] + timeout_ms:
        clock[0] = later[0]
    else:
        clock[0] += timeout_ms
    return dev_irq_count(i)
'''

DRIVER = r'''
import _quest
import quest


def out(*a):
    print("|".join(str(x) for x in a))


def exc(tag, fn):
    try:
        out(tag, "ok", fn())
    except Exception as e:
        out(tag, type(e).__name__, e)


for d in quest.devices():
    out("dev", d.index, d.name, d.kind, hex(d.io_base), d.io_len, d.irq, d.owned, repr(d))
rtc = quest.Device("rtc")
out("byindex", quest.Device(1).name, rtc.index)
exc("noname", lambda: quest.Device("rtc0"))
exc("noindex", lambda: quest.Device(3))
exc("negative", lambda: quest.Device(-1))
exc("badtype", lambda: quest.Device(1.0))
exc("bool", lambda: quest.Device(True))

# I/O: the width each method hands down, the values read back.
rtc.out8(0, 0x8A)
rtc.out16(0, 0x1234)
_quest.ports[(1, 1)] = 0x2A
out("in", rtc.in8(1), rtc.in16(0), rtc.in8(0))
exc("in32", lambda: rtc.in32(0))          # 4 bytes of a 2-port device
exc("out32", lambda: rtc.out32(0, 1))
exc("past", lambda: rtc.in8(2))
out("calls", _quest.calls)
del _quest.calls[:]

# The live bit: a moved-away device refuses I/O and waits.
_quest.devs[1]["owned"] = False
out("owned", rtc.owned)
exc("moved_in", lambda: rtc.in8(0))
exc("moved_wait", lambda: rtc.wait_irq(10))
_quest.devs[1]["owned"] = True
nic = quest.Device("nic")
exc("nic_in", lambda: nic.in8(0))
exc("nic_wait", lambda: nic.wait_irq(5))

# Interrupts at 100, 150 and 5000 ms.
_quest.irq_times[1] = [100, 150, 5000]
fresh = quest.Device("rtc")
out("wait1", fresh.wait_irq(50), _quest.clock[0])        # none by 50 ms
out("wait2", fresh.wait_irq(1000), _quest.clock[0])      # the one at 100
out("count", fresh.irq_count())
_quest.clock[0] = 200                                    # 150 came meanwhile
out("wait3", fresh.wait_irq(0), _quest.clock[0])         # seen at once
out("wait4", fresh.wait_irq(2500), _quest.clock[0])      # 2500 ms in slices: none
out("wait5", fresh.wait_irq(), _quest.clock[0])          # no timeout: the one at 5000
out("waits", _quest.calls)
'''


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return driver_outputs(tmp_path_factory.mktemp("pylib_devices"),
                          {"_quest.py": FAKE_QUEST, "driver.py": DRIVER})


def test_same_under_cpython_and_qpy(outputs: dict[str, str]) -> None:
    assert outputs["cpython"].count("\n") > 20
    assert outputs["qpy"] == outputs["cpython"]


def test_devices_lists_the_manifest(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert rows(out, "dev") == [
        ["0", "uart0", "uart16550", "0x3f8", "8", "4", "True",
         "Device('uart0', index=0, kind='uart16550')"],
        ["1", "rtc", "isa", "0x70", "2", "8", "True", "Device('rtc', index=1, kind='isa')"],
        ["2", "nic", "pci", "0x0", "0", "None", "False", "Device('nic', index=2, kind='pci')"]]
    assert one(out, "byindex") == ["rtc", "1"]


def test_unknown_devices_are_refused(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert one(out, "noname") == ["ValueError", "no device named 'rtc0'"]
    assert one(out, "noindex") == ["ValueError", "no device 3 (the manifest has 3)"]
    assert one(out, "negative") == ["ValueError", "no device -1 (the manifest has 3)"]
    assert one(out, "badtype")[0] == "TypeError"
    assert one(out, "bool")[0] == "TypeError"


def test_port_io_widths_and_values(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert one(out, "in") == ["42", "4660", "52"]   # 0x2A; 0x1234; its low byte 0x34
    assert one(out, "in32")[0] == "ValueError" and one(out, "out32")[0] == "ValueError"
    assert one(out, "past") == ["ValueError", "offset 2 width 1 is outside device rtc's 2 ports"]
    assert one(out, "calls") == [
        ("[('out', 1, 0, 1, 138), ('out', 1, 0, 2, 4660), ('in', 1, 1, 1), ('in', 1, 0, 2), "
        "('in', 1, 0, 1)]")]


def test_a_device_not_owned_refuses_io_and_waits(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert one(out, "owned") == ["False"]
    assert one(out, "moved_in") == ["PermissionError", "device rtc is not owned by this sandbox"]
    assert one(out, "moved_wait") == ["PermissionError",
                                      "device rtc is not owned by this sandbox"]
    assert one(out, "nic_in")[0] == "ValueError"      # no ports at all
    assert one(out, "nic_wait") == ["PermissionError", "device nic is not owned by this sandbox"]


def test_wait_irq(outputs: dict[str, str]) -> None:
    out = outputs["cpython"]
    assert one(out, "wait1") == ["False", "50"]
    assert one(out, "wait2") == ["True", "100"]
    assert one(out, "count") == ["1"]
    assert one(out, "wait3") == ["True", "200"]
    assert one(out, "wait4") == ["False", "2700"]
    assert one(out, "wait5") == ["True", "5000"]
    # The timeout is waited in slices of at most 1 s, each from the count
    # this object last saw.
    assert one(out, "waits") == [
        ("[('wait', 1, 0, 50), ('wait', 1, 0, 1000), ('wait', 1, 2, 1000), ('wait', 1, 2, 1000), "
        "('wait', 1, 2, 500), ('wait', 1, 2, 1000), ('wait', 1, 2, 1000), ('wait', 1, 2, 1000)]")]
