# The per-sandbox service supervisor.
#
# The port starts this module as a system service at boot (when the bundle
# has it). It waits for the exit events of the sandbox's services and applies
# each service's restart policy from system.toml:
#
#   never    a service that fails is not restarted (its alternate, if it has
#            one, is started instead, since no restarts are left);
#   always   every end (a failure or main() returning) restarts it at once;
#   backoff  a failure restarts it after backoff_ms * 2**n, n the restarts
#            since its last healthy run, capped at BACKOFF_CAP_MS.
#
# restart_limit (0: none) bounds the restarts after failures in a row; past it
# the alternate module is started in the service's place, or, without one (or
# when the alternate fails past the limit too), the supervisor gives up. A run
# of HEALTHY_MS or more clears the count. A service stopped on purpose
# (quest.Service.stop) is left alone.
#
# Device-bound services (system.toml `device`, docs/system-toml.md) run only
# where their device is now. The supervisor watches the devices' live
# ownership (_quest.dev_epoch changes at every MOVE_DEVICE, and
# svc_next_event returns early when it does): when a device arrives it
# starts the declared services bound to it (boot ones, with their module),
# when it leaves it stops them, and it never restarts one whose device is
# not here.
#
# Every decision is one console line naming the service and the reason (the
# last line of the exception that ended it). The decision logic is the pure
# class Supervisor (no I/O, time handed in), tested on the host under both
# CPython and qpy; run() joins it to _quest.

NEVER = "never"
ALWAYS = "always"
BACKOFF = "backoff"
POLICIES = (NEVER, ALWAYS, BACKOFF)

# Policy codes in the service spec (struct vtx_svc_spec.restart).
POLICY_CODES = {0: NEVER, 1: ALWAYS, 2: BACKOFF}

BACKOFF_CAP_MS = 60_000
HEALTHY_MS = 10_000

# What a decision does.
RESTART = "restart"
ALTERNATE = "alternate"
GIVE_UP = "give-up"
NOTHING = "none"

# How a service that exited ended (the "exit" field from _quest).
_END_TEXT = {"returned": "main() returned", "exit": "sys.exit()"}

# Service states as _quest reports them (strings).
ENDED_STATES = ("exited", "failed")
LIVE_STATES = ("starting", "running")

# How long the supervisor waits for a service whose device left to stop.
DEVICE_STOP_MS = 1000

# What the device watch does.
START = "start"
STOP = "stop"


def last_line(text):
    # The last non-blank line of an error text: for a traceback, the
    # exception and its message.
    if not text:
        return ""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[-1] if lines else ""


class Policy:
    # A service's restart policy, from its spec (a dict as _quest gives it).

    def __init__(self, name, module, restart=NEVER, restart_limit=0, backoff_ms=0,
                 alternate=""):
        if isinstance(restart, int) and not isinstance(restart, bool):
            if restart not in POLICY_CODES:
                raise ValueError(f"service {name}: unknown restart policy code {restart}")
            restart = POLICY_CODES[restart]
        if restart not in POLICIES:
            raise ValueError("service {}: restart policy must be one of {}, not {!r}".format(name, ", ".join(POLICIES), restart))
        if restart_limit < 0 or backoff_ms < 0:
            raise ValueError(f"service {name}: restart_limit and backoff_ms must be >= 0")
        self.name = name
        self.module = module
        self.restart = restart
        self.restart_limit = restart_limit
        self.backoff_ms = backoff_ms
        self.alternate = alternate or ""

    @classmethod
    def from_spec(cls, spec):
        return cls(spec["name"], spec["module"], spec.get("restart", NEVER),
                   spec.get("restart_limit", 0), spec.get("backoff_ms", 0),
                   spec.get("alternate", ""))


class Decision:
    # What the supervisor does about one event: `action` (RESTART,
    # ALTERNATE, GIVE_UP or NOTHING) of `module` under the service's name,
    # `delay_ms` from `at_ms`, and the console line that says why.

    def __init__(self, name, action, module, delay_ms, at_ms, line):
        self.name = name
        self.action = action
        self.module = module
        self.delay_ms = delay_ms
        self.at_ms = at_ms
        self.line = line

    @property
    def due_ms(self):
        return self.at_ms + self.delay_ms

    def __repr__(self):
        return f"Decision({self.name}, {self.action}, {self.module}, {self.delay_ms})"


class _Track:
    def __init__(self, policy):
        self.policy = policy
        self.failures = 0        # restarts after failures since the last healthy run
        self.on_alternate = False
        self.gave_up = False


class Supervisor:
    # The decision logic. on_event() takes a service's info (a dict with at
    # least name, state, exit_status, last_error and run_ms, the length of the
    # run that just ended) and the time; it returns the Decision, and delayed
    # restarts wait in pending until due() hands them out.

    def __init__(self, backoff_cap_ms=BACKOFF_CAP_MS, healthy_ms=HEALTHY_MS):
        self.backoff_cap_ms = backoff_cap_ms
        self.healthy_ms = healthy_ms
        self.tracks = {}
        self.pending = []

    def track(self, policy):
        # Starts (or restarts) following a service with this policy.
        t = self.tracks.get(policy.name)
        if t is None or t.policy.module != policy.module and not t.on_alternate:
            self.tracks[policy.name] = _Track(policy)
        return self.tracks[policy.name]

    def backoff_delay(self, policy, n):
        # Delay before the restart that follows n restarts in a row.
        if policy.restart != BACKOFF:
            return 0
        delay = policy.backoff_ms
        for _ in range(n):
            delay *= 2
            if delay >= self.backoff_cap_ms:
                return self.backoff_cap_ms
        return min(delay, self.backoff_cap_ms)

    def on_event(self, info, now_ms):
        name = info["name"]
        t = self.tracks.get(name)
        if t is None:
            t = self.track(Policy.from_spec(info.get("spec", info)))
        state = info["state"]
        if state not in ENDED_STATES:
            return Decision(name, NOTHING, "", 0, now_ms,
                            f"supervisor: {name} is {state}")
        p = t.policy
        # An uncaught exception fails a service; main() returning or
        # sys.exit() ends it (the port reports those as "exited").
        failed = state == "failed"
        why = last_line(info.get("last_error", "")) if failed else ""
        if not why:
            why = "no traceback" if failed else _END_TEXT.get(info.get("exit", ""), "ended")
        run_ms = info.get("run_ms", 0)
        if run_ms >= self.healthy_ms:
            t.failures = 0
        module = p.alternate if t.on_alternate else p.module
        what = f"{name} ({module})"

        if not failed and p.restart != ALWAYS:
            return self._done(t, now_ms, f"supervisor: {what} finished ({why}); policy {p.restart}: not restarted", give_up=False)
        if not failed:
            return self._schedule(t, RESTART, module, 0, now_ms,
                                  f"supervisor: {what} finished ({why}); policy always: restart now")
        if p.restart != NEVER and (p.restart_limit == 0 or t.failures < p.restart_limit):
            t.failures += 1
            delay = self.backoff_delay(p, t.failures - 1)
            limit = f"/{p.restart_limit}" if p.restart_limit else ""
            when = f"in {delay} ms" if delay else "now"
            return self._schedule(t, RESTART, module, delay, now_ms,
                                  f"supervisor: {what} failed: {why}; restart {t.failures}{limit} "
                                  f"{when} ({p.restart})")
        if p.restart == NEVER:
            reason = "policy never"
        else:
            reason = f"restart limit {p.restart_limit} reached"
        if p.alternate and not t.on_alternate:
            t.on_alternate = True
            t.failures = 0
            return self._schedule(t, ALTERNATE, p.alternate, 0, now_ms,
                                  f"supervisor: {what} failed: {why}; {reason}: starting alternate {p.alternate}")
        return self._done(t, now_ms, f"supervisor: {what} failed: {why}; {reason}: giving up", give_up=True)

    def _done(self, t, now_ms, line, give_up):
        t.gave_up = give_up
        return Decision(t.policy.name, GIVE_UP if give_up else NOTHING, "", 0, now_ms, line)

    def _schedule(self, t, action, module, delay, now_ms, line):
        d = Decision(t.policy.name, action, module, delay, now_ms, line)
        self.pending = [q for q in self.pending if q.name != d.name]
        self.pending.append(d)
        return d

    def due(self, now_ms):
        # The pending restarts whose time has come, in order; they leave
        # pending.
        ready = [d for d in self.pending if d.due_ms <= now_ms]
        self.pending = [d for d in self.pending if d.due_ms > now_ms]
        ready.sort(key=lambda d: d.due_ms)
        return ready

    def next_due_ms(self):
        if not self.pending:
            return None
        return min(d.due_ms for d in self.pending)

    def cancel(self, name):
        # Drops a pending restart (the service was stopped or swapped).
        self.pending = [d for d in self.pending if d.name != name]


class DeviceWatch:
    # The device-bound services of this sandbox's bundle (svc_declared
    # entries with a device) and the devices' ownership as last seen. plan()
    # is pure: given the devices now and the services' states, what to
    # start and what to stop.

    def __init__(self, declared):
        self.bound = [d for d in declared if d.get("device") is not None]
        self.by_name = {}
        for d in self.bound:
            self.by_name[d["name"]] = d
        self.epoch = None      # dev_epoch when last looked at; None: never
        self.owned = None      # device index -> owned, as last looked at
        self.names = {}        # device index -> name

    def absent(self, name):
        # The name of the device a device-bound service needs when it is
        # not here now; None when it is here or the service is not bound.
        d = self.by_name.get(name)
        if d is None or self.owned is None or self.owned.get(d["device"]):
            return None
        dev = d["device"]
        return self.names.get(dev, str(dev))

    def plan(self, devices, services):
        # devices: index -> {"name", "owned"}; services: name -> (id, state)
        # of this sandbox's services. A list of (START, spec, device name)
        # and (STOP, spec, service id, device name); the view is updated.
        before = self.owned
        out = []
        for spec in self.bound:
            dev = spec["device"]
            info = devices.get(dev)
            here = bool(info and info["owned"])
            dname = info["name"] if info else str(dev)
            cur = services.get(spec["name"])
            live = cur is not None and cur[1] in LIVE_STATES
            if here and not live and spec.get("at_boot", True):
                # At the first look only one the port did not start at
                # boot (its device came after); later, on an arrival.
                arrived = cur is None if before is None else not before.get(dev)
                if arrived:
                    out.append((START, spec, dname))
            elif not here and live:
                out.append((STOP, spec, cur[0], dname))
        self.owned = {}
        for i in devices:
            self.owned[i] = bool(devices[i]["owned"])
            self.names[i] = devices[i]["name"]
        return out


def _is_system(info):
    # The supervisor (and any other system service the port runs) is not
    # supervised by itself.
    return bool(info.get("system")) or info.get("spec", info).get("module") == "quest.supervisor"


def start_args(spec, source=None):
    # The positional arguments of _quest.svc_start for a spec dict (the
    # native side reads no dicts): name, module, alternate, budget_us,
    # period_us, heap_kib, restart code, restart_limit, backoff_ms, source.
    restart = spec.get("restart", NEVER)
    if not isinstance(restart, int):
        if restart not in POLICIES:
            raise ValueError(f"restart policy must be one of {', '.join(POLICIES)}, "
                             f"not {restart!r}")
        restart = POLICIES.index(restart)
    return (spec["name"], spec["module"], spec.get("alternate", ""),
            spec.get("budget_us", 0), spec.get("period_us", 0), spec.get("heap_kib", 0),
            restart, spec.get("restart_limit", 0), spec.get("backoff_ms", 0), source)


def _spec_for(info, module):
    spec = dict(info["spec"]) if "spec" in info else {}
    spec["module"] = module
    return spec


def _watch_devices(q, watch, sup, infos, log):
    # Looks at the devices again if their epoch moved (or never looked):
    # starts what arrived, stops what left.
    epoch = q.dev_epoch()
    if epoch == watch.epoch:
        return
    watch.epoch = epoch
    devices = {}
    for d in {spec["device"] for spec in watch.bound}:
        info = q.dev_info(d)
        if info is not None:
            devices[d] = info
    services = {}
    for i in range(q.svc_count()):
        info = q.svc_info(i)
        if info is not None and info["name"]:
            services[info["name"]] = (i, info["state"])
    for act in watch.plan(devices, services):
        # A svc_declared entry is already the spec svc_start and Policy take
        # (the port's spec dict, plus at_boot and device, which they ignore).
        spec = act[1]
        name = spec["name"]
        sup.cancel(name)
        if act[0] == STOP:
            r = q.svc_stop(act[2], DEVICE_STOP_MS)
            if isinstance(r, str):
                log(f"supervisor: {name} not stopped (device {act[3]} moved away): {r}")
            else:
                log(f"supervisor: {name} stopped: device {act[3]} moved away")
            continue
        # A fresh start: the restart count and the alternate start over.
        sup.tracks.pop(name, None)
        sup.track(Policy.from_spec(spec))
        infos[name] = {"name": name, "state": "starting", "spec": spec}
        log(f"supervisor: {name} starts: device {act[2]} is here now")
        r = q.svc_start(*start_args(spec))
        if isinstance(r, str):
            log(f"supervisor: {name} ({spec['module']}) did not start: {last_line(r)}")


def run(q=None, log=print, idle_ms=1000, max_events=None):
    # The supervisor service: waits for service events and acts on them
    # until stopped. `q` is the _quest module (a fake on the host); max_events
    # bounds the loop for tests.
    if q is None:
        import _quest as q
    sup = Supervisor()
    infos = {}
    for i in range(q.svc_count()):
        info = q.svc_info(i)
        if info is not None and info["name"] and not _is_system(info):
            infos[info["name"]] = info
            sup.track(Policy.from_spec(info["spec"]))
    # A _quest without the device calls (an older port) has no device-bound
    # services to watch.
    watch = DeviceWatch(q.svc_declared()) if hasattr(q, "svc_declared") else DeviceWatch([])
    handled = 0
    while max_events is None or handled < max_events:
        if watch.bound:
            try:
                _watch_devices(q, watch, sup, infos, log)
            except Exception as e:  # noqa: BLE001
                log(f"supervisor: device watch failed: {type(e).__name__}: {e}")
        now = q.ticks_ms()
        nd = sup.next_due_ms()
        wait = idle_ms if nd is None else max(0, min(idle_ms, nd - now))
        info = q.svc_next_event(wait)
        now = q.ticks_ms()
        if info is not None:
            handled += 1
            # One event the supervisor cannot handle (a spec with a policy
            # it does not know, no memory for a moment) is logged and
            # skipped: the supervisor itself must not end.
            try:
                _event(sup, infos, info, now, log, watch)
            except Exception as e:  # noqa: BLE001
                log(f"supervisor: event of {info.get('name')} not handled: "
                    f"{type(e).__name__}: {e}")
        for d in sup.due(now):
            try:
                _restart(q, sup, infos, d, now, log, watch)
            except Exception as e:  # noqa: BLE001
                log(f"supervisor: {d.name} not restarted: {type(e).__name__}: {e}")


def _event(sup, infos, info, now, log, watch):
    name = info["name"]
    if _is_system(info):
        return
    infos[name] = info
    if name not in sup.tracks:
        sup.track(Policy.from_spec(info["spec"]))
    if info["state"] == "stopped":
        sup.cancel(name)
        return
    gone = watch.absent(name)
    if gone is not None and info["state"] in ENDED_STATES:
        sup.cancel(name)
        log(f"supervisor: {name} {info['state']}; device {gone} is not here: not restarted")
        return
    d = sup.on_event(info, now)
    if d.action != NOTHING or info["state"] in ENDED_STATES:
        log(d.line)


def _restart(q, sup, infos, d, now, log, watch):
    info = infos.get(d.name)
    if info is None:
        return
    gone = watch.absent(d.name)
    if gone is not None:
        log(f"supervisor: {d.name} ({d.module}) not restarted: device {gone} is not here")
        return
    r = q.svc_start(*start_args(_spec_for(info, d.module)))
    if isinstance(r, str):
        log(f"supervisor: {d.name} ({d.module}) did not start: {last_line(r)}")
        # A start that fails is a failure like any other.
        failed = dict(info)
        failed["state"] = "failed"
        failed["last_error"] = r
        failed["run_ms"] = 0
        log(sup.on_event(failed, now).line)


def main():
    run()
