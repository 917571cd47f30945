"""Several runtime contexts in one process: each has its own heap and state,
and a MemoryError or a collection in one never touches another."""

from __future__ import annotations

import pytest
from runtime_binding import LIBQPY, QV_EXC, QV_OK, Interpreter, load


@pytest.fixture(scope="module")
def lib():
    if not LIBQPY.exists():
        pytest.fail(f"{LIBQPY} is not built (make binaries)")
    return load()


def test_memory_error_in_one_context_leaves_the_other_working(lib) -> None:
    small = Interpreter(lib, 256 * 1024)
    big = Interpreter(lib, 4 * 1024 * 1024)
    try:
        assert big.run("data = [i * i for i in range(1000)]\n") == (QV_OK, "")
        status, out = small.run("hog = []\nwhile True:\n    hog.append('x' * 1000)\n")
        assert status == QV_EXC
        assert "MemoryError" in out
        # the failed context recovers once the hog is gone ...
        status, out = small.run("hog = None\nprint(sum(range(100)))\n")
        assert (status, out) == (QV_OK, "4950\n")
        # ... and the other one never noticed
        status, out = big.run("print(len(data), data[-1], sum(data))\n")
        assert (status, out) == (QV_OK, "1000 998001 332833500\n")
    finally:
        small.close()
        big.close()


def test_contexts_share_no_state(lib) -> None:
    a = Interpreter(lib, 512 * 1024)
    b = Interpreter(lib, 512 * 1024)
    try:
        assert a.run("x = 'from a'\nimport sys\nsys.marker = 1\n")[0] == QV_OK
        status, out = b.run("print('x' in globals())\nimport sys\nprint(hasattr(sys, 'marker'))\n")
        assert (status, out) == (QV_OK, "False\nFalse\n")
        assert b.run("x = 'from b'\n")[0] == QV_OK
        assert a.run("print(x)\n") == (QV_OK, "from a\n")
        assert b.run("print(x)\n") == (QV_OK, "from b\n")
    finally:
        a.close()
        b.close()


def test_collection_in_one_context_keeps_the_others_objects(lib) -> None:
    a = Interpreter(lib, 256 * 1024)
    b = Interpreter(lib, 256 * 1024)
    try:
        assert b.run("keep = {str(i): [i] * 3 for i in range(200)}\n")[0] == QV_OK
        before = b.heap_used()
        # churn in a until it has collected many times
        src = "import gc\nfor r in range(200):\n    junk = [str(i) for i in range(300)]\ngc.collect()\nprint(gc.collections() > 1)\n"
        assert a.run(src) == (QV_OK, "True\n")
        assert b.heap_used() == before
        assert b.run("print(len(keep), keep['199'])\n") == (QV_OK, "200 [199, 199, 199]\n")
    finally:
        a.close()
        b.close()


def test_gc_pause_of_a_small_heap_is_short(lib) -> None:
    it = Interpreter(lib, 256 * 1024)
    try:
        src = "import gc\nfor r in range(300):\n    junk = [(i, str(i)) for i in range(200)]\ngc.collect()\nprint(gc.max_pause_us())\n"
        status, out = it.run(src)
        assert status == QV_OK
        pause = int(out)
        print(f"max GC pause on a 256 KiB heap: {pause} us")
        assert pause < 20_000
    finally:
        it.close()


def test_exception_traceback_is_captured_per_context(lib) -> None:
    a = Interpreter(lib, 256 * 1024)
    try:
        status, out = a.run("def f():\n    raise ValueError('bad')\nf()\n")
        assert status == QV_EXC
        assert out.splitlines() == [
            "Traceback (most recent call last):",
            '  File "<test>", line 3, in <module>',
            '  File "<test>", line 2, in f',
            "ValueError: bad",
        ]
    finally:
        a.close()
