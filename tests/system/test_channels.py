"""Channels in the booted test system (tests/system/system-test.toml, --test, Bochs).

sb0 streams 10,000 numbered messages to sb1 over "pipe"; sb4 is no end of "pipe"
and tries to read its producer pages and write its consumer page at the host
addresses the monitor reports; as the consumer of "back" it writes that
channel's producer pages through its own read-only mapping; as the producer of
"junk" it publishes two garbled slots and then streams to sb1. The workloads
and attacks live in kernel/chantest.c (kernel-test.elf only)."""

from __future__ import annotations

import itertools
import re

from questv.config import channel_pages

EVENT_TIMEOUT = 240.0
PAGE = 4096
HEX = r"0x([0-9a-f]+)"
MON_CHANNEL = re.compile(r"\[mon 0\] channel (\d+) '([^']*)': sb(\d+) -> sb(\d+), (\d+) B x (\d+) "
                         r"slots, (\d+)\+1 pages, host " + HEX + "-" + HEX + r"\r?\n")
REGION = re.compile(r"\[mon 0\] sandbox (\d+) '[^']*': core \d+, region " + HEX + "-" + HEX)
MON_RANGE = re.compile(r"\[mon 0\] memory: monitor " + HEX + "-" + HEX + ", pool " + HEX + "-"
                       + HEX + ", channels " + HEX + "-" + HEX)
END_LINE = r"\[sb(\d+)\] channel ([\w.]+): (to|from) sb(\d+), (\d+) B x (\d+), prod " + HEX + \
    " cons " + HEX + r", (\w+)\r?\n"
FAULT = re.compile(r"\[mon (\d+)\] FAULT sb=(\d+) reason=(\w+) rip=0x[0-9a-f]+ addr=" + HEX
                   + " qual=" + HEX + r" boot=(\d+) action=(\w+)\r?\n")
DONE = r"\[sb1\] chantest recv {name}: done messages=(\d+) lost=(\d+) back=(\d+) " \
    r"corrupt=(\d+) errors=(\d+)\r?\n"

# EPT violation exit qualification: bit 1 the access was a write, bits 3-5 what
# the page allowed (readable, writable, executable); 0 there means unmapped.
QUAL_WRITE, QUAL_READABLE, QUAL_WRITABLE, QUAL_ALLOWED = 0x2, 0x8, 0x10, 0x38


def channels(booted) -> dict[str, dict[str, int]]:
    booted.wait_for(r"\[mon 0\] \d+ cores up", timeout=EVENT_TIMEOUT)
    return {m[2]: {"index": int(m[1]), "producer": int(m[3]), "consumer": int(m[4]),
                   "slot_size": int(m[5]), "slots": int(m[6]), "prod_pages": int(m[7]),
                   "host": int(m[8], 16), "end": int(m[9], 16)}
            for m in MON_CHANNEL.finditer(booted.output)}


def fault(booted, sb: int, boot: int) -> dict[str, int | str]:
    line = booted.wait_for(rf"\[mon \d+\] FAULT sb={sb} [^\r\n]* boot={boot} [^\r\n]*\r?\n",
                           timeout=EVENT_TIMEOUT)
    m = FAULT.match(booted.output, line.start())
    assert m, f"garbled fault record: {line[0]!r}"
    return {"reason": m[3], "addr": int(m[4], 16), "qual": int(m[5], 16), "action": m[7]}


def test_channel_memory_follows_the_ring_layout_and_overlaps_nothing(booted) -> None:
    chans = channels(booted)
    declared = {c.name: c for c in booted.system.channels}
    assert set(chans) == set(declared)
    for name, c in chans.items():
        d = declared[name]
        prod, total = channel_pages(d.slot_size, d.slots)
        assert (c["producer"], c["consumer"], c["slot_size"], c["slots"]) == \
            (d.producer, d.consumer, d.slot_size, d.slots)
        assert c["prod_pages"] == prod
        assert c["end"] - c["host"] == total * PAGE and c["host"] % PAGE == 0
    mon = MON_RANGE.search(booted.output)
    assert mon
    region = (int(mon[5], 16), int(mon[6], 16))
    assert all(region[0] <= c["host"] < c["end"] <= region[1] for c in chans.values())
    used = sorted([(c["host"], c["end"]) for c in chans.values()]
                  + [(int(m[2], 16), int(m[3], 16)) for m in REGION.finditer(booted.output)]
                  + [(int(mon[1], 16), int(mon[2], 16)), (int(mon[3], 16), int(mon[4], 16))])
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(used)), f"overlap in {used}"


def test_each_end_maps_its_channels_above_its_ram_and_nobody_else_does(booted) -> None:
    chans = channels(booted)
    booted.wait_for(r"\[sb1\] chantest recv pipe: done", timeout=EVENT_TIMEOUT)
    ends: dict[tuple[int, str], tuple[str, ...]] = {}
    for m in re.finditer(END_LINE, booted.output):
        ends[(int(m[1]), m[2])] = m.groups()
    mib = {sb.id: sb.memory_mib for sb in booted.system.sandboxes}
    expected = set()
    for name, c in chans.items():
        for sb, role, peer in ((c["producer"], "to", c["consumer"]),
                               (c["consumer"], "from", c["producer"])):
            expected.add((sb, name))
            g = ends.get((sb, name))
            assert g, f"sb{sb} did not attach {name}"
            assert (g[2], int(g[3]), int(g[4]), int(g[5]), g[8]) == \
                (role, peer, c["slot_size"], c["slots"], "OK")
            prod, cons = int(g[6], 16), int(g[7], 16)
            assert prod >= mib[sb] << 20, "channel window overlaps the sandbox's RAM"
            assert cons == prod + c["prod_pages"] * PAGE
    # nobody else maps a channel: sb2 and sb3 have only their consoles'
    assert set(ends) == expected
    assert {name for sb, name in ends if sb in (2, 3)} == {"con2.out", "con2.in", "con3.out",
                                                           "con3.in"}


def test_ten_thousand_messages_arrive_none_lost_duplicated_or_reordered(booted) -> None:
    m = booted.wait_for(DONE.format(name="pipe"), timeout=EVENT_TIMEOUT)
    assert tuple(int(v) for v in m.groups()) == (10000, 0, 0, 0, 0)
    assert "chantest recv pipe: error" not in booted.output


def test_an_outsider_reading_a_channel_is_stopped_by_ept(booted) -> None:
    pipe = channels(booted)["pipe"]
    attack = booted.wait_for(r"\[sb4\] attack 0: read producer pages of channel (\d+) at " + HEX,
                             timeout=EVENT_TIMEOUT)
    assert int(attack[1]) == pipe["index"] and int(attack[2], 16) == pipe["host"]
    f = fault(booted, 4, 0)
    assert (f["reason"], f["addr"], f["action"]) == ("ept_violation", pipe["host"], "restart")
    assert f["qual"] & QUAL_ALLOWED == 0, "the page is mapped in the outsider"


def test_an_outsider_writing_a_channel_is_stopped_by_ept(booted) -> None:
    pipe = channels(booted)["pipe"]
    cons = pipe["host"] + pipe["prod_pages"] * PAGE
    attack = booted.wait_for(r"\[sb4\] attack 1: write consumer page of channel (\d+) at " + HEX,
                             timeout=EVENT_TIMEOUT)
    assert int(attack[1]) == pipe["index"] and int(attack[2], 16) == cons
    f = fault(booted, 4, 1)
    assert (f["reason"], f["addr"]) == ("ept_violation", cons)
    assert f["qual"] & QUAL_WRITE and f["qual"] & QUAL_ALLOWED == 0


def test_a_consumer_writing_the_producer_pages_is_stopped(booted) -> None:
    back = channels(booted)["back"]
    attack = booted.wait_for(r"\[sb4\] attack 2: write producer cursor through own mapping of "
                             r"channel (\d+) at " + HEX, timeout=EVENT_TIMEOUT)
    target = int(attack[2], 16)
    assert int(attack[1]) == back["index"]
    f = fault(booted, 4, 2)
    assert (f["reason"], f["addr"]) == ("ept_violation", target)
    # mapped for the consumer, but read-only
    assert f["qual"] & QUAL_WRITE and f["qual"] & QUAL_READABLE
    assert not f["qual"] & QUAL_WRITABLE


def test_the_peers_go_on_after_the_attacks(booted) -> None:
    last = booted.wait_for(r"\[mon \d+\] FAULT sb=4 [^\r\n]* boot=2 ", timeout=EVENT_TIMEOUT)
    for sb in (0, 1):
        first = booted.wait_for(rf"\[sb{sb}\] sandbox {sb} heartbeat (\d+) canary=ok",
                                timeout=EVENT_TIMEOUT, start=last.end())
        again = booted.wait_for(rf"\[sb{sb}\] sandbox {sb} heartbeat (\d+) canary=ok",
                                timeout=EVENT_TIMEOUT, start=first.end())
        assert int(first[1]) < int(again[1])
    m = booted.wait_for(DONE.format(name="pipe"), timeout=EVENT_TIMEOUT)
    assert int(m[1]) == 10000 and int(m[2]) == int(m[3]) == 0
    assert "NOT contained" not in booted.output


def test_garbage_from_a_producer_is_reported_and_the_consumer_goes_on(booted) -> None:
    done = booted.wait_for(DONE.format(name="junk"), timeout=EVENT_TIMEOUT)
    errors = re.findall(r"\[sb1\] chantest recv junk: error (E_\w+) ", booted.output[:done.end()])
    assert errors and all(e in ("E_SLOT_CHECK", "E_SLOT_SEQ", "E_SLOT_LEN") for e in errors)
    # every garbled slot is reported and skipped; every good message still arrives
    assert tuple(int(v) for v in done.groups()) == (10000, 0, 0, 0, len(errors))
    assert len(errors) == 2
    booted.wait_for(r"\[sb1\] sandbox 1 heartbeat \d+ canary=ok", timeout=EVENT_TIMEOUT,
                    start=done.end())
