"""Channels in the booted test system (tests/system/system-test.toml, --test, Bochs).

sb0 streams 10,000 numbered messages to sb1 over "pipe"; sb4 is no end of "pipe"
and tries to read its producer pages and write its consumer page at the host
addresses the monitor reports; as the consumer of "back" it writes that
channel's producer pages through its own read-only mapping; as the producer of
"junk" it publishes two garbled slots and then streams to sb1. Run-time channels:
sb6 and sb2 create "rt" by hypercall and stream 10,000 messages over it with the
doorbell; sb4 (between its "back" and "junk" boots) asks to join "rt", is refused,
and touches its pages. The workloads and attacks live in kernel/chantest.c
(kernel-test.elf only)."""

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
    runtime = {m[2] for m in RT_MON.finditer(booted.output)}
    for m in re.finditer(END_LINE, booted.output):
        if m[2] not in runtime:   # listed again after a restart: checked below
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


# Channels created at run time: sb6 and sb2 (each at its 5th boot) agree on "rt"
# by hypercall; sb4 asks to join it, is refused, then touches its pages.
RT_MON = re.compile(r"\[mon \d+\] run-time channel (\d+) '(\w+)': sb(\d+) -> sb(\d+), (\d+) B x "
                    r"(\d+) slots, (\d+)\+1 pages, host " + HEX + "-" + HEX + r"\r?\n")
RT_POOL = re.compile(r"\[mon 0\] run-time channel pool: (\d+) pages, host " + HEX + "-" + HEX)
RT_END = r"\[sb{sb}\] rtchan rt: (to|from) sb(\d+), (\d+) B x (\d+), prod " + HEX + " cons " + \
    HEX + r", index 0x([0-9a-f]+), (\w+), tries=(\d+) create_tsc=(\d+)\r?\n"
RT_DONE = r"\[sb2\] chantest recv rt: done messages=(\d+) lost=(\d+) back=(\d+) corrupt=(\d+) " \
    r"errors=(\d+)\r?\n"
RT_INDEX = 0x100


def rt_channel(booted) -> dict[str, int]:
    m = booted.wait_for(RT_MON, timeout=EVENT_TIMEOUT)
    return {"n": int(m[1]), "producer": int(m[3]), "consumer": int(m[4]),
            "slot_size": int(m[5]), "slots": int(m[6]), "prod_pages": int(m[7]),
            "host": int(m[8], 16), "end": int(m[9], 16), "name": m[2]}


def test_a_run_time_channel_is_agreed_by_both_ends_and_mapped_into_each(booted) -> None:
    rt = rt_channel(booted)
    assert (rt["name"], rt["producer"], rt["consumer"], rt["slot_size"], rt["slots"]) == \
        ("rt", 6, 2, 64, 16)
    prod, total = channel_pages(64, 16)
    assert rt["prod_pages"] == prod and rt["end"] - rt["host"] == total * PAGE
    # its pages come from the run-time pool, inside the channel region, apart
    # from every declared channel
    pool = RT_POOL.search(booted.output)
    assert pool and int(pool[1]) * PAGE == int(pool[3], 16) - int(pool[2], 16)
    assert int(pool[2], 16) <= rt["host"] < rt["end"] <= int(pool[3], 16)
    assert all(c["end"] <= int(pool[2], 16) for c in channels(booted).values())
    mib = {sb.id: sb.memory_mib for sb in booted.system.sandboxes}
    for sb, role, peer in ((6, "to", 2), (2, "from", 6)):
        m = booted.wait_for(RT_END.format(sb=sb), timeout=EVENT_TIMEOUT)
        assert (m[1], int(m[2]), int(m[3]), int(m[4]), m[8]) == (role, peer, 64, 16, "OK")
        prod_gpa, cons_gpa = int(m[5], 16), int(m[6], 16)
        assert int(m[7], 16) == RT_INDEX + rt["n"]
        # above the sandbox's RAM and its declared channels, below 4 GiB
        assert (mib[sb] + 2) << 20 <= prod_gpa and cons_gpa + PAGE <= 4 << 30
        assert cons_gpa == prod_gpa + rt["prod_pages"] * PAGE
    # the first to ask waited for the other: at least one asked more than once
    tries = [int(booted.wait_for(RT_END.format(sb=sb), timeout=EVENT_TIMEOUT)[9])
             for sb in (6, 2)]
    assert max(tries) > 1


def test_ten_thousand_messages_over_a_run_time_channel(booted) -> None:
    m = booted.wait_for(RT_DONE, timeout=EVENT_TIMEOUT)
    assert tuple(int(v) for v in m.groups()) == (10000, 0, 0, 0, 0)
    sent = booted.wait_for(r"\[sb6\] chantest send rt: done messages=(\d+) full=\d+ garbled=0 "
                           r"errors=(\d+)", timeout=EVENT_TIMEOUT)
    assert (int(sent[1]), int(sent[2])) == (10000, 0)
    assert "chantest recv rt: error" not in booted.output


def test_the_doorbell_wakes_the_halted_consumer(booted) -> None:
    recv = booted.wait_for(r"\[sb2\] rtchan recv rt: sleeps=(\d+) doorbell_wakes=(\d+) "
                           r"irqs=(\d+) armed=(\d+)", timeout=EVENT_TIMEOUT)
    send = booted.wait_for(r"\[sb6\] rtchan send rt: rings=(\d+) refused=(\d+) "
                           r"sleeps_seen=(\d+)", timeout=EVENT_TIMEOUT)
    sleeps, wakes, irqs, armed = (int(v) for v in recv.groups())
    rings, refused, seen = (int(v) for v in send.groups())
    # the consumer halted, and doorbells (not only its timer) ended halts
    assert sleeps > 0 and wakes > 0
    assert wakes <= sleeps <= armed
    # every interrupt came from a ring the monitor accepted (two rings in
    # flight may merge into one interrupt); at most one ring per message
    assert refused == 0 and rings == seen
    assert 0 < irqs <= rings <= 10000


def test_a_doorbell_for_a_channel_one_does_not_produce_is_refused(booted) -> None:
    m = booted.wait_for(r"\[sb2\] rtchan rt: doorbell as consumer (-?\d+), on unknown channel "
                        r"(-?\d+)", timeout=EVENT_TIMEOUT)
    assert (int(m[1]), int(m[2])) == (-3, -1)  # QV_HC_EPERM, QV_HC_EINVAL


def test_an_outsider_cannot_join_a_run_time_channel(booted) -> None:
    m = booted.wait_for(r"\[sb4\] attack 3: join run-time channel rt of sb6: (\w+) \((-?\d+)\)",
                        timeout=EVENT_TIMEOUT)
    assert (m[1], int(m[2])) == ("refused", -3)
    booted.wait_for(r"\[mon \d+\] sandbox 4: run-time channel 'rt' refused \(-3\): not an end",
                    timeout=EVENT_TIMEOUT)
    ends = re.findall(r"\[sb(\d+)\] rtchan rt: (to|from)", booted.output)
    assert sorted(ends) == [("2", "from"), ("6", "to")]
    # an end restarted after the agreement finds "rt" in its list again; no
    # other sandbox ever does
    listed = re.findall(r"\[sb(\d+)\] channel rt: (to|from) sb(\d+)", booted.output)
    assert set(listed) <= {("2", "from", "6"), ("6", "to", "2")}


def test_an_outsider_touching_run_time_channel_pages_is_stopped_by_ept(booted) -> None:
    rt = rt_channel(booted)
    cons = rt["host"] + rt["prod_pages"] * PAGE
    read = booted.wait_for(r"\[sb4\] attack 3: read producer pages of run-time channel (\d+) at "
                           + HEX, timeout=EVENT_TIMEOUT)
    assert (int(read[1]), int(read[2], 16)) == (rt["n"], rt["host"])
    f = fault(booted, 4, 3)
    assert (f["reason"], f["addr"], f["action"]) == ("ept_violation", rt["host"], "restart")
    assert f["qual"] & QUAL_ALLOWED == 0, "the run-time channel is mapped in the outsider"
    write = booted.wait_for(r"\[sb4\] attack 4: write consumer page of run-time channel (\d+) at "
                            + HEX, timeout=EVENT_TIMEOUT)
    assert (int(write[1]), int(write[2], 16)) == (rt["n"], cons)
    f = fault(booted, 4, 4)
    assert (f["reason"], f["addr"]) == ("ept_violation", cons)
    assert f["qual"] & QUAL_WRITE and f["qual"] & QUAL_ALLOWED == 0
    # the two ends go on
    last = booted.wait_for(r"\[mon \d+\] FAULT sb=4 [^\r\n]* boot=4 ", timeout=EVENT_TIMEOUT)
    for sb in (6, 2):
        booted.wait_for(rf"\[sb{sb}\] sandbox {sb} heartbeat \d+ canary=ok",
                        timeout=EVENT_TIMEOUT, start=last.end())
    assert "NOT contained" not in booted.output
