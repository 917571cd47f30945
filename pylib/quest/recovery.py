# quest.recovery: the recovery service (issue 7), run in the supervising
# sandbox ([system] supervisor) as a service with module "quest.recovery".
#
# It polls the monitors' fault log (_quest.fault_next), asks the policy
# module (apps/policy.py by default) on_fault(event) what to do, applies the
# answer with a recovery command (_quest.recover) and logs one line per
# decision. A policy that raises or answers something that is not an action
# is logged and nothing is commanded: the frozen sandbox's own on_fault then
# applies when the monitor's recovery_timeout_ms runs out.
#
# The policy is hot-swappable: quest.swap("policy", source) (what `questv
# swap N policy FILE` runs) hands the source over through the sandbox's RAM
# file system; this service compiles and runs it in a fresh namespace,
# checks it has a callable on_fault, and only then puts it in force. A
# broken one is refused with its error and the old one stays. Swaps are
# taken between two records, never while one is being decided.
#
# docs/recovery.md is the reference. Comments, not docstrings (heap).

import os

ACTIONS = ("restart", "quarantine", "stop", "ignore")

# The swap hand-over, in the RAM fs (one per sandbox, shared by its REPL and
# services): NAME holds the policy module this service serves, REQ a
# request ("<id>\n<source>"), RES the answer ("<id> ok <version>" or
# "<id> error <message>"). Each file is written under a temporary name and
# renamed, so a reader never sees half of one.
NAME = ".policy.name"
REQ = ".policy.req"
RES = ".policy.res"


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    try:
        os.remove(path)
    except OSError:
        pass
    os.rename(tmp, path)


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _err(e):
    if isinstance(e, SyntaxError) and len(e.args) > 1 and isinstance(e.args[1], tuple):
        # The same text whatever the interpreter formats a SyntaxError as.
        return f"SyntaxError: {e.args[0]} (line {e.args[1][1]})"
    return f"{type(e).__name__}: {e}"


class Policy:
    # One version of the policy: its module name, version number and
    # on_fault. load() runs source in a fresh namespace; a policy that does
    # not compile, raises while it runs or has no callable on_fault raises.
    def __init__(self, name, version, on_fault):
        if not callable(on_fault):
            raise TypeError(f"policy {name} has no callable on_fault")
        self.name = name
        self.version = version
        self.on_fault = on_fault

    @staticmethod
    def load(name, version, source):
        code = compile(source, name + ".py", "exec")
        ns = {"__name__": name}
        exec(code, ns)  # noqa: S102 (the supervisor's own policy, checked here)
        return Policy(name, version, ns.get("on_fault"))

    @staticmethod
    def bundled(name):
        # The first version: the bundle's module, imported as usual.
        return Policy(name, 1, getattr(__import__(name), "on_fault", None))


def _index(v):
    return type(v) is int and v >= 0


def normalize(action):
    # The policy's answer as a tuple: ("restart",), ("quarantine",),
    # ("stop",), ("ignore",), ("restart_service", name, alternate),
    # ("move", device_index, sandbox) or ("move_service", service, device
    # name or index, sandbox). Anything else raises ValueError.
    if isinstance(action, str):
        if action in ACTIONS:
            return (action,)
    elif isinstance(action, (tuple, list)) and len(action) == 4:
        kind, svc, dev, to = action[0], action[1], action[2], action[3]
        if (kind == "move_service" and isinstance(svc, str) and svc and
                (isinstance(dev, str) and dev or _index(dev)) and _index(to)):
            return ("move_service", svc, dev, to)
    elif isinstance(action, (tuple, list)) and len(action) == 3:
        kind, a, b = action[0], action[1], action[2]
        if kind == "restart_service" and isinstance(a, str) and isinstance(b, str):
            return ("restart_service", a, b)
        if kind == "move" and type(a) is int and type(b) is int and a >= 0 and b >= 0:
            return ("move", a, b)
    raise ValueError(f"not an action: {action!r}")


def device_index(q, dev):
    # A device named by the policy (name or manifest index) as its index;
    # ValueError when the manifest has no such device. quest._dev resolves
    # names the same way, but importing it for this costs the recovery
    # heap about 11 KB (qpy gc.mem_alloc around the import); normalize()
    # has already refused a bool or any other type.
    if isinstance(dev, int):
        if q.dev_info(dev) is None:
            raise ValueError(f"no device {dev} (the manifest has {q.dev_count()})")
        return dev
    for i in range(q.dev_count()):
        info = q.dev_info(i)
        if info is not None and info["name"] == dev:
            return i
    raise ValueError(f"no device named {dev!r}")


def describe(ev):
    sym = ev.get("symbol") or "?"
    return (f"seq={ev['seq']} sb{ev['sandbox']} {ev['kind']} rip=0x{ev['rip']:x} ({sym}) "
            f"gpa=0x{ev['gpa']:x} boot={ev['boot']}")


class Recovery:
    # The service's state: the policy in force, the _quest to command
    # through, where to log, and the swap hand-over directory.
    def __init__(self, q, policy="policy", log=print, fs_dir="/"):
        self.q = q
        self.log = log
        self.dir = fs_dir
        self.name = policy
        self.policy = None
        try:
            self.policy = Policy.bundled(policy)
            log(f"recovery: policy {policy} v1 in force")
        except Exception as e:  # noqa: BLE001 (any error of a user's module)
            log(f"recovery: policy {policy} not loaded: {_err(e)}; faults are left to "
                "each sandbox's on_fault until a policy is swapped in")
        self.next_version = 2
        try:
            _write(self.dir + NAME, policy)
        except OSError as e:
            log(f"recovery: no swap hand-over ({_err(e)}): the policy cannot be swapped")

    # ---- the policy's decision and its application

    def decide(self, ev):
        # (action tuple or None, policy label); None: the policy failed and
        # the reason is in the label.
        p = self.policy
        if p is None:
            return None, "no policy"
        label = f"{p.name} v{p.version}"
        try:
            return normalize(p.on_fault(dict(ev))), label
        except Exception as e:  # noqa: BLE001
            return None, f"{label} failed: {_err(e)}"

    def apply(self, ev, act):
        sb = ev["sandbox"]
        kind = act[0]
        try:
            if kind == "ignore":
                return f"nothing commanded: on_fault={ev['action']} applies at the timeout"
            if kind == "restart_service":
                # A fault freezes the whole sandbox: one service cannot be
                # restarted inside it. The sandbox restarts, and the monitor
                # hands its new boot the note "<service>=<module>": that
                # service starts with the alternate module (the others as
                # declared; the victim's log says whether it could). The
                # line already names both: short, as a log line is 160 bytes.
                self.q.recover(self.q.RECOVER_RESTART_SERVICE, sb, f"{act[1]}={act[2]}",
                               ev["boot"])
                return "done (note passed)"
            if kind == "move":
                self.q.recover(self.q.RECOVER_MOVE_DEVICE, act[1], act[2])
                return (f"device {act[1]} moved to sb{act[2]}; sb{sb}: on_fault="
                        f"{ev['action']} applies at the timeout")
            if kind == "move_service":
                return self._move_service(ev, act)
            # restart, quarantine or stop: _quest.RECOVER_<KIND>, for the
            # record's boot only (the monitor refuses it as stale if the
            # sandbox's on_fault has restarted it meanwhile)
            self.q.recover(getattr(self.q, "RECOVER_" + kind.upper()), sb, 0, ev["boot"])
            return "done"
        except OSError as e:
            if str(e).startswith("stale"):
                return f"too late: on_fault={ev['action']} came first"
            return f"failed: {_err(e)}"
        except Exception as e:  # noqa: BLE001 (PermissionError, ValueError)
            return f"failed: {_err(e)}"

    def _move_service(self, ev, act):
        # The device goes to the sandbox that keeps the service ready (its
        # supervisor starts the service when the device arrives), then the
        # faulted sandbox restarts, for the record's boot, so that its
        # other services come back; without the device, the service does
        # not start there. A refused move commands nothing else.
        sb, to = ev["sandbox"], act[3]
        dev = device_index(self.q, act[2])
        self.q.recover(self.q.RECOVER_MOVE_DEVICE, dev, to)
        moved = f"device {dev} moved to sb{to}"
        try:
            self.q.recover(self.q.RECOVER_RESTART, sb, 0, ev["boot"])
        except OSError as e:
            if str(e).startswith("stale"):
                return f"{moved}; sb{sb} too late: on_fault={ev['action']} came first"
            return f"{moved}; sb{sb} restart failed: {_err(e)}"
        except Exception as e:  # noqa: BLE001
            return f"{moved}; sb{sb} restart failed: {_err(e)}"
        return f"done ({moved}; sb{sb} restarted)"

    def handle(self, ev):
        # One record: refused commands are reports only (nobody is frozen);
        # any other record is a frozen sandbox the policy decides about.
        if ev["kind"] == "refused_command":
            self.log(f"recovery: seq={ev['seq']} sb{ev['sandbox']} asked for command "
                     f"{ev['qual']} on sb{ev['gpa']} and was refused")
        else:
            act, label = self.decide(ev)
            if act is None:
                self.log(f"recovery: {describe(ev)} -> policy {label}; "
                         f"on_fault={ev['action']} applies at the timeout")
            else:
                if act[0] == "move_service":
                    what = f"move_service {act[1]} {act[2]} sb{act[3]}"
                else:
                    what = act[0] if len(act) == 1 else f"{act[0]} {act[1]} {act[2]}"
                self.log(f"recovery: {describe(ev)} -> {what} (policy {label}): "
                         f"{self.apply(ev, act)}")
        try:
            self.q.fault_ack(ev["seq"])
        except Exception as e:  # noqa: BLE001
            self.log(f"recovery: ack {ev['seq']} failed: {_err(e)}")

    # ---- hot swap

    def check_swap(self):
        req = _read(self.dir + REQ)
        if req is None:
            return False
        try:
            os.remove(self.dir + REQ)
        except OSError:
            pass
        rid, _, source = req.partition("\n")
        version = self.next_version
        try:
            new = Policy.load(self.name, version, source)
        except Exception as e:  # noqa: BLE001 (a syntax error, anything raised at import)
            old = "none" if self.policy is None else f"v{self.policy.version}"
            self.log(f"recovery: policy swap refused: {_err(e)}; {old} stays in force")
            _write(self.dir + RES, f"{rid} error {_err(e)}")
            return False
        self.next_version += 1
        self.policy = new
        self.log(f"recovery: policy {self.name} v{version} in force (swapped)")
        _write(self.dir + RES, f"{rid} ok {version}")
        return True

    def poll(self):
        # One round: a pending swap first, then every record there is.
        # The number of records handled.
        self.check_swap()
        n = 0
        while True:
            ev = self.q.fault_next()
            if ev is None:
                return n
            self.handle(ev)
            n += 1


def swap_policy(name, source, q, fs_dir="/", timeout_ms=10000):
    # quest.swap's path for the policy: asks the recovery service in this
    # sandbox to put source in force as module `name`. The version number
    # on success; RuntimeError with the service's reason when refused.
    served = _read(fs_dir + NAME)
    if served != name:
        return None
    rid = str(q.ticks_us())
    try:
        os.remove(fs_dir + RES)
    except OSError:
        pass
    _write(fs_dir + REQ, rid + "\n" + source)
    start = q.ticks_ms()
    while q.ticks_diff(q.ticks_ms(), start) < timeout_ms:
        res = _read(fs_dir + RES)
        if res is not None and res.startswith(rid + " "):
            status, _, rest = res[len(rid) + 1:].partition(" ")
            if status == "ok":
                return int(rest)
            raise RuntimeError(rest)
        q.sleep_us(20000)
    raise RuntimeError(f"the recovery service did not take the policy within {timeout_ms} ms")


def run(q=None, policy="policy", log=print, poll_ms=20, fs_dir="/"):
    if q is None:
        import _quest as q
    r = Recovery(q, policy, log, fs_dir)
    while True:
        r.poll()
        q.sleep_us(poll_ms * 1000)


def main():
    run()
