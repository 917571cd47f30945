"""The numbers tools/questv/config.py repeats from the C side so that admission,
memory and name checks can run at build time: each is read here from the C
source it was copied from, so that a change there fails this test instead of
making `questv build` accept what the board refuses (or the reverse)."""

from __future__ import annotations

import re
from pathlib import Path

from questv import config

ROOT = Path(__file__).resolve().parents[2]


def c_define(rel: str, name: str) -> int:
    text = (ROOT / rel).read_text()
    m = re.search(rf"^#define {name}\s+\(?([0-9a-fx]+)(?:ull|ul|u)?(?:\s*<<\s*(\d+))?", text,
                  re.MULTILINE)
    assert m, f"{rel}: no #define {name}"
    return int(m[1], 0) << int(m[2] or 0)


def test_liu_layland_table_is_the_kernels():
    text = (ROOT / "kernel/sched/admit.c").read_text()
    table = re.search(r"ll_bound_ppm\[\] = \{([^}]*)\}", text)
    assert table
    assert config.LL_BOUND_PPM == tuple(int(v) for v in re.findall(r"\d+", table[1]))
    assert config.LL_LIMIT_PPM == c_define("kernel/sched/admit.c", "LL_BOUND_LIMIT_PPM")
    assert config.MAX_PERIOD_US == c_define("kernel/sched/sched.h", "QVS_MAX_PERIOD_NS") // 1000


def test_system_vcpus_are_the_kernels_and_the_ports():
    assert config.HEARTBEAT_SHARE == c_define("kernel/main.c", "HEARTBEAT_SHARE")
    assert config.HUB_VCPU_US == (c_define("kernel/main.c", "HUB_BUDGET_NS") // 1000,
                                  c_define("kernel/main.c", "HUB_PERIOD_NS") // 1000)
    assert config.REPL_VCPU_US == (c_define("ports/vtx/repl.c", "REPL_BUDGET_NS") // 1000,
                                   c_define("ports/vtx/repl.c", "REPL_PERIOD_NS") // 1000)
    text = (ROOT / "ports/vtx/service.c").read_text()
    start = text.index(f'copy_str(sp.module, sizeof(sp.module), "{config.SUPERVISOR_MODULE}")')
    sup = dict(re.findall(r"sp\.(\w+) = (\d+);", text[start:start + 400]))
    assert (config.SUPERVISOR_VCPU_US, config.SUPERVISOR_HEAP_KIB) == \
        ((int(sup["budget_us"]), int(sup["period_us"])), int(sup["heap_kib"]))


def test_service_limits_are_the_ports():
    text = (ROOT / "ports/vtx/service.h").read_text()
    sizes = dict(re.findall(r"(\w+)\[(\d+)\]", re.search(r"char (name\[.*?);", text)[1]))
    assert config.SERVICE_NAME_LEN == int(sizes["name"]) - 1      # NUL-terminated
    assert config.MODULE_NAME_LEN == int(sizes["module"]) - 1
    assert config.SERVICE_SLOTS == c_define("ports/vtx/service.h", "VTX_SVC_MAX")
