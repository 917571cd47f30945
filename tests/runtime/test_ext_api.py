"""The port API (runtime/qv_ext.h), driven through build/host/qv-ext-test.

The harness (tests/runtime/ext_harness.c, built under AddressSanitizer)
registers a `_hosttest` module whose functions call every function of the
API; the scenarios that need C on the outside (another thread stopping the
interpreter, callbacks fired after a run, state handed to a new context) are
harness sub-commands.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "build" / "host" / "qv-ext-test"


def harness(*args: str, heap: str = "16M", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    if not HARNESS.exists():
        pytest.fail(f"{HARNESS} is missing: run make binaries")
    env = dict(os.environ, QPY_HEAP=heap)
    return subprocess.run([str(HARNESS), *args], check=False, capture_output=True, text=True, timeout=timeout, env=env)


def run_py(tmp_path: Path, src: str, heap: str = "16M") -> subprocess.CompletedProcess[str]:
    f = tmp_path / "prog.py"
    f.write_text(src)
    return harness("run", str(f), heap=heap)


def lines(tmp_path: Path, src: str, heap: str = "16M") -> list[str]:
    r = run_py(tmp_path, src, heap)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("status 0\n"), (r.stdout, r.stderr)
    return r.stdout.splitlines()[:-1]


def test_values_made_by_the_port(tmp_path: Path) -> None:
    out = lines(tmp_path, "import _hosttest as h\nfor k, v in sorted(h.make().items()): print(k, repr(v))\n"
                "print(h.ANSWER, h.BIG, type(h.BIG).__name__)\n")
    assert out == [
        "big 9223372036854775807", "bytes b'\\x00\\x01\\xff'", "empty ()", "float 1.5",
        "list [7, False]", "neg -9223372036854775808", "none None", "small -5", "str 'héllo'",
        "true True", "tuple (1, 'two')", f"42 {-(1 << 62) - 5} int",
    ]


def test_conversions_and_their_errors(tmp_path: Path) -> None:
    out = lines(tmp_path, """import _hosttest as h
print(h.add(2, 3), h.add(True), h.add(-2**63), h.fmul(2, 1.5), h.fmul(3, 4))
print(h.strinfo('h\\u00e9'), h.bufsum(b'\\x01\\x02'), h.bufsum(bytearray(3)), h.bufsum(memoryview(b'abc')[1:]))
print(h.truth([]), h.truth([0]), h.truth(0.0))
class B:
    def __bool__(self): raise KeyError('from bool')
for f, a in [(h.add, ('x',)), (h.add, (2**63,)), (h.add, (1.5,)), (h.add, (2**62, 2**62)),
             (h.strinfo, (b'x',)), (h.bufsum, ('s',)), (h.fmul, ('a', 1)), (h.truth, (B(),)),
             (h.badstr, ())]:
    try:
        print('no error', f(*a))
    except Exception as e:
        print(type(e).__name__, e)
""")
    assert out == [
        "5 1 -9223372036854775808 3.0 12.0",
        "(b'h\\xc3\\xa9', 'hé') (2, 3) (3, 0) (2, 197)",
        "False True False",
        "TypeError expected int, got str",
        "OverflowError int too big to convert",
        "TypeError expected int, got float",
        "OverflowError add overflows int64",
        "TypeError expected str, got bytes",
        "TypeError a bytes-like object is required, not 'str'",
        "TypeError expected float, got str",
        "KeyError 'from bool'",
        "UnicodeError invalid UTF-8 in a string from the port",
    ]


def test_raising_from_the_port(tmp_path: Path) -> None:
    out = lines(tmp_path, """import _hosttest as h
for a in [('ValueError', 'bad'), ('TimeoutError',), ('KeyError', 'k'), ('Nope', 'x'), ('MemoryError',)]:
    try:
        h.raise_(*a)
    except BaseException as e:
        print(type(e).__name__, repr(str(e)), isinstance(e, OSError))
for n in (2, 39, 19, 1234):
    try:
        h.errno(n)
    except OSError as e:
        print(type(e).__name__, e.errno, e)
try:
    h.null()
except SystemError as e:
    print('SystemError', e)
""")
    assert out == [
        "ValueError 'bad' False",
        "TimeoutError '' True",
        "KeyError \"'k'\" False",
        "SystemError \"port raised unknown exception type 'Nope': x\" False",
        "MemoryError '' False",
        # MicroPython's form, which mpremote parses: the type stays OSError
        "OSError 2 [Errno 2] ENOENT",
        "OSError 39 [Errno 39] ENOTEMPTY",
        "OSError 19 [Errno 19] ENODEV",
        "OSError 1234 [Errno 1234] error 1234",
        "SystemError null() returned NULL without raising",
    ]


def test_uncaught_errno_prints_as_micropython(tmp_path: Path) -> None:
    r = run_py(tmp_path, "import _hosttest as h\nh.errno(2)\n")
    assert r.stdout.endswith("status 1\n")
    assert r.stderr.splitlines()[-1] == "OSError: [Errno 2] ENOENT"


def test_argument_checks(tmp_path: Path) -> None:
    out = lines(tmp_path, """import _hosttest as h
for call in (lambda: h.add(), lambda: h.add(1, 2, 3), lambda: h.add(1, b=2), lambda: h.fmul(1)):
    try:
        call()
    except TypeError as e:
        print(e)
print(h.echo, h.echo.__name__)
""")
    assert out == [
        "add() takes from 1 to 2 positional arguments but 0 were given",
        "add() takes from 1 to 2 positional arguments but 3 were given",
        "add() takes no keyword arguments",
        "fmul() takes 2 positional arguments but 1 were given",
        "<built-in function echo> echo",
    ]


def test_calling_python_from_the_port(tmp_path: Path) -> None:
    out = lines(tmp_path, """import _hosttest as h
print(h.call(lambda a, b: a + b, 1, 2), h.call(h.add, 4, 5), h.call_swallow(lambda: 1/0))
def deep():
    return h.call(lambda: h.call(lambda: [][1]))
try:
    deep()
except IndexError as e:
    print('propagated', e)
try:
    h.call(h.errno, 13)
except OSError as e:
    print('nested port error', e.errno)
import _hostother
print(_hostother.ping('port-registered'))
""")
    assert out == ["3 9 swallowed", "propagated list index out of range", "nested port error 13",
                   "port-registered"]


def test_memory_error_inside_a_port_function(tmp_path: Path) -> None:
    # the heap is small: the port function fills it, gets NULL, returns NULL;
    # the interpreter must carry on with the memory given back
    out = lines(tmp_path, """import _hosttest as h
for i in range(3):
    try:
        h.exhaust()
    except MemoryError:
        print('MemoryError', i)
print(sum(len(str(i)) for i in range(20000)))
""", heap="6M")
    assert out == ["MemoryError 0", "MemoryError 1", "MemoryError 2", "88890"]


def test_port_values_survive_collections(tmp_path: Path) -> None:
    out = lines(tmp_path, """import _hosttest as h, gc
for r in range(5):
    t = h.gcsafe(gc.collect)
    assert t == tuple('value-%d-padding-padding-padding' % i for i in range(16)), t
print('ok', gc.collections() >= 15)
""", heap="2M")
    assert out == ["ok True"]


def test_marshal_round_trip_and_rejections(tmp_path: Path) -> None:
    out = lines(tmp_path, """import _hosttest as h
v = {'a': [1, 2.5, None, (True, False, b'x')], 'b': 2**80, 'c': -2**63, 'u': '\\u20ac',
     'e': {}, 'ba': bytearray(b'12'), 'n': -(2**200), 'f': float('inf')}
w = h.marshal(v)
print(w == v, type(w['ba']).__name__, w is not v)
for bad in [b'', b'QVM1', b'QVM1i', b'QVM1N\\x00', b'QVM1l\\xff\\xff\\xff\\xff', b'XVM1N',
            b'QVM1s\\x01\\x00\\x00\\x00\\xff', b'QVM1d\\x01\\x00\\x00\\x00i' + bytes(8) + b'N',
            b'QVM1I\\x02\\x00\\x00\\x00zz', b'QVM1' + b'l\\x01\\x00\\x00\\x00' * 100 + b'N']:
    try:
        print('accepted', h.unmarshal(bad))
    except ValueError as e:
        print('ValueError', e)
for bad in [{1: 2}, {1, 2}, [object()], range(2)]:
    try:
        h.dumps(bad)
    except ValueError as e:
        print('ValueError', e)
try:
    h.marshal(list(range(100)), 50)
except ValueError as e:
    print('ValueError', e)
""")
    assert out[0] == "True bytearray True"
    assert out[1:11] == ["ValueError marshal: bad data"] * 10
    assert out[11:] == [
        "ValueError marshal: dict keys must be str, not int",
        "ValueError marshal: unsupported type 'set'",
        "ValueError marshal: unsupported type 'object'",
        "ValueError marshal: unsupported type 'range'",
        "ValueError marshal: needs 909 bytes, buffer has 50",  # 4 + 5 + 100 * 9
    ]


def test_interrupt_from_another_thread() -> None:
    r = harness("interrupt")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "finally ran True\nstatus 1 exit 1\n"
    assert r.stderr.splitlines()[-1] == "KeyboardInterrupt"


def test_stop_from_another_thread_runs_finally() -> None:
    r = harness("stop")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "finally ran True\nstatus 2 exit 0\n"
    # a program may catch the SystemExit; then it is not stopped
    r = harness("stop", "try:\n    while True: pass\nexcept SystemExit:\n    print('caught')\n")
    assert r.stdout == "caught\nstatus 0 exit 0\n"


def test_run_module_and_call_global(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "print('main', __name__)\nstate = []\ndef go():\n    state.append(1)\n    print('go', len(state))\n"
        "def bad():\n    raise ValueError('in bad')\ndef ex():\n    import sys; sys.exit(3)\n")
    (tmp_path / "helper.py").write_text("def f():\n    print('helper f')\n")
    r = harness("module", str(tmp_path), "app", "go", "go", "bad", "ex", "helper.f", "nope", "nomod.f")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "main __main__", "run 0", "go 1", "call go 0", "go 2", "call go 0", "call bad 1", "call ex 2",
        "helper f", "call helper.f 0", "call nope 1", "call nomod.f 1",
    ]
    err = r.stderr.splitlines()
    assert "ValueError: in bad" in err
    assert "NameError: name 'nope' is not defined" in err
    assert "ModuleNotFoundError: No module named 'nomod'" in err
    r = harness("module", str(tmp_path), "absent")
    assert r.stdout == "run 1\n"
    assert r.stderr.splitlines()[-1] == "ModuleNotFoundError: No module named 'absent'"


def test_rooted_callback_fired_after_the_run() -> None:
    r = harness("callback", heap="4M")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "cb 1", "fire 0 -> 10 pending=0", "cb 2", "fire 1 -> -1 pending=1", "cb 3",
        "fire 2 -> 30 pending=0", "after drop null", "roots 32",
    ]
    assert r.stderr.splitlines()[-1] == "ValueError: second"


def test_state_handed_to_a_new_context() -> None:
    r = harness("handover")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0].startswith("small buffer 1 need ")
    need = int(out[0].split()[4])
    assert out[0] == f"small buffer 1 need {need} len {need}"
    assert out[1] == ("[('ba', bytearray(b'xy')), ('big', 1267650600228229401496703205376), ('count', 3), "
                      "('names', ['a', 'bé']), ('t', (1.25, None, True, b'\\x00'))]")


def test_without_a_file_system_open_and_os_raise_enodev(tmp_path: Path) -> None:
    f = tmp_path / "prog.py"
    f.write_text("""import os
for call in (lambda: open('x'), lambda: open('x', 'w'), os.listdir, lambda: os.stat('x'),
             lambda: os.remove('x'), os.getcwd, lambda: os.mkdir('d')):
    try:
        call()
        print('no error')
    except OSError as e:
        print(e.errno, e)
print(os.listdir.__name__)
""")
    r = harness("run-nofs", str(f))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["19 [Errno 19] ENODEV"] * 7 + ["listdir", "status 0"]
    assert not (tmp_path / "x").exists() and not (tmp_path / "d").exists()


def test_file_errors_print_as_micropython(tmp_path: Path) -> None:
    # mpremote's _convert_filesystem_error looks for "OSError" and the
    # errno name in the traceback text
    r = run_py(tmp_path, f"open({str(tmp_path / 'missing')!r})\n")
    assert r.stderr.splitlines()[-1] == "OSError: [Errno 2] ENOENT"
    r = run_py(tmp_path, f"import os\nos.mkdir({str(tmp_path)!r})\n")
    assert r.stderr.splitlines()[-1] == "OSError: [Errno 17] EEXIST"
    d = tmp_path / "full"
    d.mkdir()
    (d / "f").write_text("x")
    r = run_py(tmp_path, f"import os\nos.rmdir({str(d)!r})\n")
    assert r.stderr.splitlines()[-1] == "OSError: [Errno 39] ENOTEMPTY"


def test_port_fs_errors_reach_the_program(tmp_path: Path) -> None:
    # the host's qv_fs passes errno through: /dev/full refuses writes with
    # ENOSPC, a directory cannot be opened as a file, writing a file opened
    # for reading is EBADF; the file object stays usable after each
    out = lines(tmp_path, f"""import os
f = open('/dev/full', 'w')
try:
    f.write('x' * 10)
except OSError as e:
    print('write', e.errno, e)
f.close()
for p in ({str(tmp_path)!r}, {str(tmp_path / 'nodir' / 'f')!r}):
    try:
        open(p, 'w')
    except OSError as e:
        print('open', e.errno)
g = open({str(tmp_path / 'r.txt')!r}, 'w')
g.write('abc')
g.close()
g = open({str(tmp_path / 'r.txt')!r})
try:
    g.write('no')
except OSError as e:
    print('read-only', e.errno)
print(g.read(), g.tell())
g.close()
print(g.closed, repr(g)[:22])
""")
    assert out == ["write 28 [Errno 28] ENOSPC", "open 21", "open 2", "read-only 9", "abc 3",
                   "True <io.TextIOWrapper name"]


def test_close_files_releases_what_the_program_left_open(tmp_path: Path) -> None:
    r = harness("closefiles", repr(str(tmp_path)))
    assert r.returncode == 0, r.stderr
    # a, c and the unnamed e were left open; b and d were closed by the program
    assert r.stdout.splitlines() == ["closed 3", "descriptors released 3", "again 0", "[True, True, True]",
                                     "left open", "then 1"]


def test_nested_constructor_calls_carry_a_failure_up(tmp_path: Path) -> None:
    out = lines(tmp_path, """import _hosttest as h
for i in range(2):
    try:
        h.nested()
    except MemoryError:
        print('MemoryError', i)
try:
    h.nullarg()
except SystemError as e:
    print('SystemError', e)
print(len([bytes(100) for i in range(1000)]))
""", heap="3M")
    assert out == ["MemoryError 0", "MemoryError 1", "SystemError qv_list_append: NULL item", "1000"]
