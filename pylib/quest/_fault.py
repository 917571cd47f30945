# quest.faults / quest.recover: the supervisor's side of fault recovery
# over _quest (docs/recovery.md). Only the supervising sandbox may use them:
# elsewhere faults() raises PermissionError and so does recover() (after
# the monitor has reported the attempt as a refused_command record).
import _quest

_CMDS = {"restart": _quest.RECOVER_RESTART, "stop": _quest.RECOVER_STOP,
         "quarantine": _quest.RECOVER_QUARANTINE, "resume": _quest.RECOVER_RESUME,
         "move_device": _quest.RECOVER_MOVE_DEVICE,
         "restart_service": _quest.RECOVER_RESTART_SERVICE}


def faults(ack=False):
    # The fault records not read yet, oldest first, as dicts (seq, sandbox,
    # kind, reason, rip, gpa, qual, time_ns, boot, action, symbol, sym_off).
    # Reading consumes them for this sandbox: a REPL that reads them takes
    # them from the recovery service. ack=True also tells the monitors.
    out = []
    while True:
        r = _quest.fault_next()
        if r is None:
            break
        out.append(r)
    if ack and out:
        _quest.fault_ack(out[-1]["seq"])
    return out


def fault_ack(seq):
    _quest.fault_ack(seq)


def faults_lost():
    return _quest.fault_lost()


def recover(cmd, sandbox, arg=0, boot=None):
    # cmd: restart, stop, quarantine, resume (of sandbox), move_device
    # (recover("move_device", device_index, to_sandbox)) or restart_service
    # (recover("restart_service", sandbox, "<service>=<module>"): the
    # sandbox restarts and that service starts with that module).
    # boot: the fault record's boot the command answers; if the sandbox has
    # restarted since (its on_fault came first), OSError("stale: ...") and
    # nothing happens to its new life.
    code = _CMDS.get(cmd)
    if code is None:
        raise ValueError(f"recovery command must be one of {', '.join(_CMDS)}, not {cmd!r}")
    if code == _quest.RECOVER_RESTART_SERVICE:
        if not isinstance(arg, str):
            raise TypeError("restart_service needs the note '<service>=<module>' as arg")
    elif code != _quest.RECOVER_MOVE_DEVICE:
        arg = 0
    if boot is None:
        _quest.recover(code, sandbox, arg)
    else:
        _quest.recover(code, sandbox, arg, boot)
