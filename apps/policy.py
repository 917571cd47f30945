# The default recovery policy (docs/recovery.md): the supervising sandbox's
# recovery service (quest.recovery) calls on_fault(event) for every fault
# record and applies the answer. Restart the faulting sandbox, but
# quarantine a sandbox that faulted three times within a minute: it would
# only fault again, and every restart costs the system.
#
# event: seq, sandbox, kind (ept_violation, io, pci, triple_fault, hang,
# exit, entry), reason, rip, gpa, qual, time_ns (monitor clock), boot,
# action (the sandbox's on_fault), symbol (kernel symbol at rip).
# Answers: "restart", "quarantine", "stop", "ignore",
# ("restart_service", name, alternate): the sandbox restarts and, for that
# boot only, service `name` runs module `alternate` of its bundle;
# ("move", device_index, sandbox).

WINDOW_NS = 60 * 1000 * 1000 * 1000
LIMIT = 3

recent = {}  # sandbox -> times (ns) of its faults within the window


def on_fault(event):
    sb = event["sandbox"]
    now = event["time_ns"]
    times = [t for t in recent.get(sb, []) if now - t < WINDOW_NS]
    times.append(now)
    recent[sb] = times
    if len(times) >= LIMIT:
        return "quarantine"
    return "restart"
