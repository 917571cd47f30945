# A table-driven state machine parsing a simple protocol.
TRANSITIONS = {
    ("idle", "SYN"): "syn_received",
    ("syn_received", "ACK"): "established",
    ("established", "DATA"): "established",
    ("established", "FIN"): "closing",
    ("closing", "ACK"): "closed",
}
def run(events):
    state = "idle"
    trace = [state]
    for ev in events:
        try:
            state = TRANSITIONS[(state, ev)]
        except KeyError:
            trace.append("error(%s in %s)" % (ev, state))
            return trace
        trace.append(state)
    return trace
print(run(["SYN", "ACK", "DATA", "DATA", "FIN", "ACK"]))
print(run(["SYN", "DATA"]))
print(run([]))
