# Services (loaded on first use of quest.spawn / swap / Service /
# services): docs/quest.md, "Services" and "Hot swap".

import _quest

from quest import AdmissionError, ServiceError, SwapError
from quest._info import Record
from quest._info import svc_infos as _svc_infos

# Like a service in system.toml without heap_kib: importing quest's parts
# and doing real work needs more than the port's bare minimum.
DEFAULT_HEAP_KIB = 192


class Service:
    # A handle on a service of this sandbox (by name).

    def __init__(self, name):
        i = _quest.svc_find(name)
        if i < 0:
            raise ServiceError(f"no service {name!r} in this sandbox")
        self.id = i
        self.name = name

    def info(self):
        info = _quest.svc_info(self.id)
        if info is None or info["name"] != self.name:
            raise ServiceError(f"service {self.name!r} is gone")
        return Record(info)

    @property
    def state(self):
        return self.info().state

    def stats(self):
        # Heap use, starts, VCPU statistics of the service.
        info = self.info()
        d = {"starts": info.starts, "heap_used": info.heap_used, "heap_peak": info.heap_peak,
             "heap_total": info.heap_total, "state": info.state}
        if info.vcpu is not None:
            d["vcpu"] = Record(_quest.vcpu_stats(info.vcpu))
        return Record(d)

    def stop(self, timeout_ms=1000):
        # Stops it at its next safe point (within timeout_ms).
        st = _quest.svc_stop(self.id, int(timeout_ms))
        if isinstance(st, str):
            raise ServiceError(f"{self.name}: {st}")

    def __repr__(self):
        return f"Service({self.name!r})"


def services():
    # Every service of this sandbox: records with id, name, module, state,
    # starts, exit_status, last_error, heap figures and the spec.
    return [Record(i) for i in _svc_infos()]


def _vcpu_params(vcpu):
    if vcpu is None:
        return 0, 0
    from quest._vcpu import VCPU
    if isinstance(vcpu, VCPU):
        return vcpu.budget_us, vcpu.period_us
    if isinstance(vcpu, tuple) and len(vcpu) == 2:
        return int(vcpu[0]), int(vcpu[1])
    raise TypeError("vcpu must be None, a VCPU or a (budget_us, period_us) tuple")


_spawned = 0


def spawn(target, vcpu=None, heap=None, name=None, restart="never", restart_limit=0,
          backoff_ms=0, alternate=""):
    # Starts a service at run time in a fresh interpreter on a VCPU of its
    # own: `target` is a module name (imported as __main__, then its main()
    # called) or a function (its module is imported and the function called;
    # the module must be importable there, from the bundle or the RAM fs).
    # vcpu: None (the default service VCPU), a VCPU (its parameters are used
    # for the new service's own VCPU) or (budget_us, period_us); heap in KiB.
    # Returns a Service.
    global _spawned
    budget, period = _vcpu_params(vcpu)
    source = None
    if isinstance(target, str):
        module = target
    elif callable(target):
        mod = getattr(target, "__module__", None)
        fname = getattr(target, "__name__", None)
        if not mod or mod in ("__main__", "builtins") or not fname or fname == "<lambda>":
            raise ValueError("spawn: the function must be a named function of an importable "
                             f"module (not __main__); got module {mod!r}")
        module = mod
        source = f"from {mod} import {fname} as _target\n\n\ndef main():\n    _target()\n"
    else:
        raise TypeError("spawn: target must be a module name or a function")
    if name is None:
        _spawned += 1
        base = module if source is None else getattr(target, "__name__", "fn")
        name = f"{base.rsplit('.', 1)[-1]}.{_spawned}"
    # The policy as its code (quest.supervisor.POLICIES order); not taken
    # from quest.supervisor, whose import would cost the caller ~30 KiB.
    policies = ("never", "always", "backoff")
    if restart not in policies:
        raise ValueError(f"restart policy must be one of {', '.join(policies)}, "
                         f"not {restart!r}")
    r = _quest.svc_start(name, module, alternate, budget, period,
                         int(heap) if heap else DEFAULT_HEAP_KIB, policies.index(restart),
                         restart_limit, backoff_ms, source)
    if isinstance(r, str):
        if r.startswith("admission:"):
            raise AdmissionError(r[len("admission:"):].strip())
        raise ServiceError(f"{name}: {r}")
    s = Service.__new__(Service)
    s.id = r
    s.name = name
    return s


def swap(service, source, *, hook=True):
    # Replaces a running service with new source text. The new code is
    # compiled and imported in a fresh interpreter first (main() not yet
    # called); only then is the old one stopped at a safe point and, with
    # hook=True, its save_state() handed to the new one's restore_state().
    # Anything that fails raises SwapError and the old one keeps running.
    if isinstance(service, Service):
        name = service.name
    else:
        name = service
    if isinstance(source, (bytes, bytearray)):
        source = bytes(source).decode()
    i = _quest.svc_find(name)
    if i < 0:
        # Not a service: the recovery service's policy module, if this
        # sandbox runs one for that name (quest.recovery, docs/recovery.md).
        # Returns the policy's new version number.
        import quest.recovery as rec
        try:
            v = rec.swap_policy(name, source, _quest)
        except RuntimeError as e:
            raise SwapError(f"{name}: {e}") from None
        if v is not None:
            return v
        raise SwapError(f"no service {name!r} in this sandbox")
    if not hook:
        # Without a restore_state the port hands no state over; appended
        # last, so the new version's line numbers stay its own.
        source += "\n\ntry:\n    del restore_state\nexcept NameError:\n    pass\n"
    err = _quest.svc_swap_prepare(i, source)
    if err is not None:
        raise SwapError(f"{name}: {err}")
    err = _quest.svc_swap_commit(i)
    if err is not None:
        raise SwapError(f"{name}: {err}")
    return Service(name)
