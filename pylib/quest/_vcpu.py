# quest.VCPU and quest.IOVCPU (loaded on first use). docs/quest.md, "VCPUs".

import _quest

from quest import AdmissionError
from quest._info import Record


class VCPU:
    # A Main VCPU: a sporadic server with `budget_us` every `period_us`.
    # Creating one runs admission control; a refusal raises AdmissionError.

    def __init__(self, budget_us, period_us, _id=None):
        if _id is None:
            r = _quest.vcpu_new(int(budget_us), int(period_us))
            if isinstance(r, str):
                raise AdmissionError(r)
            _id = r
        self.id = _id
        self.budget_us = int(budget_us)
        self.period_us = int(period_us)

    @classmethod
    def current(cls):
        # The VCPU the calling thread runs on.
        i = _quest.vcpu_self()
        p = _quest.vcpu_stats(i)
        return cls(p["budget_us"], p["period_us"], _id=i)

    def set(self, budget_us, period_us):
        # New budget and period, under admission control.
        r = _quest.vcpu_set(self.id, int(budget_us), int(period_us))
        if isinstance(r, str):
            raise AdmissionError(r)
        self.budget_us = int(budget_us)
        self.period_us = int(period_us)

    def stats(self):
        # fg_us, bg_us (run time at foreground / background priority),
        # replenishments, overruns, overrun_us, deadline_misses, ...
        return Record(_quest.vcpu_stats(self.id))

    def __repr__(self):
        return f"VCPU({self.budget_us}, {self.period_us}, id={self.id})"


class IOVCPU:
    # An I/O VCPU with a utilization limit (0 < utilization <= 1) that
    # serves `main_vcpu`. Admission counts it like a Main VCPU.

    def __init__(self, utilization, main_vcpu=None):
        if not 0 < utilization <= 1:
            raise ValueError("utilization must be in (0, 1]")
        main_id = -1 if main_vcpu is None else main_vcpu.id
        r = _quest.iovcpu_new(int(utilization * 1_000_000), main_id)
        if isinstance(r, str):
            raise AdmissionError(r)
        self.id = r
        self.utilization = utilization
        self.main_vcpu = main_vcpu

    def stats(self):
        return Record(_quest.vcpu_stats(self.id))

    def __repr__(self):
        return f"IOVCPU({self.utilization!r}, id={self.id})"
