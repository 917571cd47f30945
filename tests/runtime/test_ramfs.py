"""The RAM filesystem (ports/ramfs) through build/host/ramfs-driver (ASan).

Direct checks of each operation and its errno, ENOSPC that loses nothing,
module lookup, and a random-operation test against a Python model of the
filesystem (hypothesis stateful testing). The driver checks the
filesystem's invariants after every request and answers "corrupt N" when
one breaks, which fails the request here.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(os.environ.get("QUESTV_RAMFS_DRIVER", REPO / "build" / "host" / "ramfs-driver"))

R, W, C, T, A = 1, 2, 4, 8, 16
ENOENT, EBADF, EBUSY, EEXIST, ENOTDIR, EISDIR, EINVAL = 2, 9, 16, 17, 20, 21, 22
EMFILE, ENOSPC, ENAMETOOLONG, ENOTEMPTY = 24, 28, 36, 39


class FsError(Exception):
    def __init__(self, errno: int) -> None:
        super().__init__(errno)
        self.errno = errno


def _hex(b: bytes | str) -> str:
    if isinstance(b, str):
        b = b.encode()
    return b.hex() or "-"


class Driver:
    def __init__(self, size: int) -> None:
        self.p = subprocess.Popen(
            [str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.req(f"init {size}")

    def close(self) -> None:
        assert self.p.stdin is not None
        self.p.stdin.close()
        rc = self.p.wait(timeout=10)
        assert rc == 0, f"driver exit {rc} (sanitizer report on stderr)"

    def req(self, line: str) -> list[str]:
        assert self.p.stdin is not None and self.p.stdout is not None
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        ans = self.p.stdout.readline()
        assert ans, f"driver died on {line!r}"
        ans = ans.rstrip("\n")
        if "|" in ans:
            ans = ans.rsplit("|", 1)[1]
        words = ans.split(" ")
        assert words[0] != "corrupt", f"invariant {words[1]} broken after {line!r}"
        if words[0] == "err":
            raise FsError(int(words[1]))
        return words[1:]

    def open(self, path: str, flags: int) -> int:
        return int(self.req(f"open {_hex(path)} {flags}")[0])

    def read(self, h: int, n: int) -> bytes:
        w = self.req(f"read {h} {n}")[0]
        return b"" if w == "-" else bytes.fromhex(w)

    def write(self, h: int, data: bytes) -> int:
        return int(self.req(f"write {h} {_hex(data)}")[0])

    def seek(self, h: int, off: int, whence: int = 0) -> int:
        return int(self.req(f"seek {h} {off} {whence}")[0])

    def fclose(self, h: int) -> None:
        self.req(f"close {h}")

    def stat(self, path: str) -> tuple[int, int]:
        w = self.req(f"stat {_hex(path)}")
        return int(w[0]), int(w[1])

    def ls(self, path: str) -> list[str]:
        return [bytes.fromhex(x).decode() for x in self.req(f"ls {_hex(path)}")]

    def op(self, name: str, *paths: str) -> None:
        self.req(" ".join([name, *(_hex(p) for p in paths)]))

    def pwd(self) -> str:
        return bytes.fromhex(self.req("pwd")[0]).decode()

    def df(self) -> tuple[int, int]:
        w = self.req("df")
        return int(w[0]), int(w[1])

    def find(self, dotted: str) -> tuple[bool, str, bytes] | None:
        w = self.req(f"find {_hex(dotted)}")
        if not w:
            return None
        data = b"" if w[2] == "-" else bytes.fromhex(w[2])
        return w[0] == "1", bytes.fromhex(w[1]).decode(), data

    def write_file(self, path: str, data: bytes) -> None:
        h = self.open(path, W | C | T)
        if data:
            assert self.write(h, data) == len(data)
        self.fclose(h)

    def read_file(self, path: str) -> bytes:
        h = self.open(path, R)
        out = b""
        while chunk := self.read(h, 4096):
            out += chunk
        self.fclose(h)
        return out


@pytest.fixture
def fs():
    if not DRIVER.exists():
        pytest.fail(f"{DRIVER} missing: run make binaries")
    d = Driver(64 * 1024)
    yield d
    d.close()


def errno_of(fn, *args) -> int:
    with pytest.raises(FsError) as e:
        fn(*args)
    return e.value.errno


def test_files_round_trip_and_handles(fs: Driver) -> None:
    fs.write_file("/a.txt", b"hello world")
    assert fs.read_file("a.txt") == b"hello world"
    assert fs.stat("/a.txt") == (0x8000 | 0o644, 11)
    h1 = fs.open("/a.txt", R)
    h2 = fs.open("/a.txt", R | W)
    assert h1 != h2
    assert fs.read(h1, 5) == b"hello"
    assert fs.seek(h2, 6) == 6
    assert fs.write(h2, b"WORLD!") == 6
    assert fs.read(h1, 100) == b" WORLD!"
    assert fs.seek(h1, -3, 2) == 9
    assert fs.read(h1, 100) == b"LD!"
    assert errno_of(fs.write, h1, b"x") == EBADF  # read-only handle
    fs.fclose(h1)
    assert errno_of(fs.read, h1, 1) == EBADF  # closed
    assert errno_of(fs.read, 99, 1) == EBADF  # not a handle at all
    assert errno_of(fs.fclose, h1) == EBADF
    assert errno_of(fs.seek, h2, -100, 1) == EINVAL
    # writing past the end fills the gap with zeros
    fs.seek(h2, 20)
    fs.write(h2, b"z")
    fs.fclose(h2)
    assert fs.read_file("/a.txt") == b"hello WORLD!" + bytes(8) + b"z"
    # append mode writes at the end whatever the position
    h = fs.open("/a.txt", W | A)
    fs.write(h, b"++")
    fs.fclose(h)
    assert fs.read_file("/a.txt").endswith(b"z++")
    # truncate
    fs.write_file("/a.txt", b"")
    assert fs.stat("/a.txt")[1] == 0
    assert fs.read_file("/a.txt") == b""


def test_directories_and_errors(fs: Driver) -> None:
    fs.op("mkdir", "/lib")
    fs.op("mkdir", "lib/sub")
    assert errno_of(fs.op, "mkdir", "/lib") == EEXIST
    assert errno_of(fs.op, "mkdir", "/") == EEXIST
    assert errno_of(fs.op, "mkdir", "/nope/x") == ENOENT
    fs.write_file("/lib/sub/m.py", b"x = 1\n")
    assert fs.stat("/lib")[0] == 0x4000 | 0o755
    assert fs.ls("/") == ["lib"]
    assert fs.ls("/lib/sub") == ["m.py"]
    assert errno_of(fs.ls, "/lib/sub/m.py") == ENOTDIR
    assert errno_of(fs.ls, "/missing") == ENOENT
    assert errno_of(fs.stat, "/lib/sub/m.py/x") == ENOTDIR
    assert errno_of(fs.open, "/missing.txt", R) == ENOENT
    assert errno_of(fs.open, "/lib", R) == EISDIR
    assert errno_of(fs.open, "/lib", W | C) == EISDIR
    assert errno_of(fs.open, "/x", 0) == EINVAL
    assert errno_of(fs.op, "rmdir", "/lib") == ENOTEMPTY
    assert errno_of(fs.op, "rmdir", "/lib/sub/m.py") == ENOTDIR
    assert errno_of(fs.op, "rm", "/lib") == EISDIR
    assert errno_of(fs.op, "rmdir", "/") == EBUSY
    long = "n" * 64
    assert errno_of(fs.open, "/" + long, W | C) == ENAMETOOLONG
    fs.write_file("/" + "n" * 63, b"ok")  # 63 bytes is the limit
    # cwd and relative paths, "." and ".."
    fs.op("cd", "/lib/sub")
    assert fs.pwd() == "/lib/sub"
    assert fs.read_file("m.py") == b"x = 1\n"
    assert fs.read_file("../sub/./m.py") == b"x = 1\n"
    assert errno_of(fs.op, "rmdir", "/lib/sub") == EBUSY  # the current directory
    fs.op("cd", "..")
    assert fs.pwd() == "/lib"
    assert errno_of(fs.op, "cd", "/lib/sub/m.py") == ENOTDIR
    fs.op("cd", "/")
    assert fs.pwd() == "/"
    fs.op("cd", "..")  # the root's parent is the root
    assert fs.pwd() == "/"
    # rename: file, onto a file (replaced), directory, into itself (refused)
    fs.op("mv", "/lib/sub/m.py", "/top.py")
    assert fs.ls("/lib/sub") == []
    fs.write_file("/other.py", b"other")
    fs.op("mv", "/other.py", "/top.py")
    assert fs.read_file("/top.py") == b"other"
    assert errno_of(fs.stat, "/other.py") == ENOENT
    assert errno_of(fs.op, "mv", "/lib", "/lib/sub/inner") == EINVAL
    assert errno_of(fs.op, "mv", "/top.py", "/lib") == EISDIR
    assert errno_of(fs.op, "mv", "/lib", "/top.py") == ENOTDIR
    assert errno_of(fs.op, "mv", "/missing", "/x") == ENOENT
    fs.op("mv", "/lib", "/lib2")
    assert fs.stat("/lib2/sub")[0] & 0x4000
    fs.op("rmdir", "/lib2/sub")
    assert fs.ls("/lib2") == []


def test_remove_while_open_keeps_data_until_close(fs: Driver) -> None:
    fs.write_file("/f", b"abc" * 100)
    total, free0 = fs.df()
    h = fs.open("/f", R)
    fs.op("rm", "/f")
    assert errno_of(fs.stat, "/f") == ENOENT
    assert fs.read(h, 6) == b"abcabc"
    fs.write_file("/f", b"new")  # a new file may take the name meanwhile
    fs.fclose(h)
    assert fs.read_file("/f") == b"new"
    assert fs.df() == (total, free0 + 300 - 3)


def test_handle_table_full(fs: Driver) -> None:
    fs.write_file("/f", b"x")
    hs = [fs.open("/f", R) for _ in range(16)]
    assert errno_of(fs.open, "/f", R) == EMFILE
    assert errno_of(fs.open, "/g", W | C) == EMFILE
    assert errno_of(fs.stat, "/g") == ENOENT  # the failed create left nothing
    for h in hs:
        fs.fclose(h)
    fs.fclose(fs.open("/f", R))


def test_enospc_loses_nothing(fs: Driver) -> None:
    total, free = fs.df()
    assert total == free and total > 32 * 1024
    # fill with files interleaved so growing one must move or compact
    files = {}
    for i in range(8):
        files[f"/f{i}"] = bytes([65 + i]) * 1000
        fs.write_file(f"/f{i}", files[f"/f{i}"])
    handles = {p: fs.open(p, W | A) for p in files}
    chunk = 700
    rounds = 0
    full = False
    while not full:
        rounds += 1
        for p, h in handles.items():
            data = bytes([rounds % 256]) * chunk
            try:
                assert fs.write(h, data) == chunk
                files[p] += data
            except FsError as e:
                assert e.errno == ENOSPC
                full = True
                break
    t, f = fs.df()
    assert f < chunk
    assert f == t - sum(len(v) for v in files.values())
    # a write that does not fit changes nothing; one that fits still works
    for p, h in handles.items():
        assert errno_of(fs.write, h, b"q" * (f + 1)) == ENOSPC
    if f:
        p0 = next(iter(handles))
        assert fs.write(handles[p0], b"q" * f) == f
        files[p0] += b"q" * f
        assert fs.df()[1] == 0
    for h in handles.values():
        fs.fclose(h)
    for p, data in files.items():
        assert fs.read_file(p) == data
    # creating a new, empty file still works; writing to it does not
    h = fs.open("/empty", W | C)
    assert errno_of(fs.write, h, b"x") == ENOSPC
    fs.fclose(h)
    # deleting frees space for a big file (forces compaction)
    fs.op("rm", "/f1")
    fs.op("rm", "/f5")
    big = bytes(range(256)) * ((len(files["/f1"]) + len(files["/f5"])) // 256)
    fs.write_file("/big", big)
    assert fs.read_file("/big") == big
    for p, data in files.items():
        if p not in ("/f1", "/f5"):
            assert fs.read_file(p) == data


def test_inode_table_full(fs: Driver) -> None:
    n = 0
    with pytest.raises(FsError) as e:
        while True:
            fs.op("mkdir", f"/d{n}")
            n += 1
    assert e.value.errno == ENOSPC
    assert 7 <= n < 100
    fs.op("rmdir", "/d0")
    fs.op("mkdir", "/again")


def test_find_module(fs: Driver) -> None:
    assert fs.find("mod") is None
    fs.op("mkdir", "/lib")
    fs.write_file("/lib/mod.py", b"where = 'lib'\n")
    assert fs.find("mod") == (False, "/lib/mod.py", b"where = 'lib'\n")
    fs.write_file("/mod.qbc", b"\x00QBC")
    assert fs.find("mod") == (True, "/mod.qbc", b"\x00QBC")
    fs.write_file("/mod.py", b"where = 'root'\n")
    assert fs.find("mod") == (False, "/mod.py", b"where = 'root'\n")
    fs.op("mkdir", "/pkg")
    fs.write_file("/pkg/__init__.py", b"")
    fs.write_file("/pkg/sub.py", b"s = 2\n")
    assert fs.find("pkg") == (False, "/pkg/__init__.py", b"")
    assert fs.find("pkg.sub") == (False, "/pkg/sub.py", b"s = 2\n")
    assert fs.find("pkg.missing") is None
    # the current directory comes first
    fs.op("mkdir", "/work")
    fs.write_file("/work/mod.py", b"where = 'cwd'\n")
    fs.op("cd", "/work")
    assert fs.find("mod")[1] == "/work/mod.py"


def test_too_small_block_is_refused() -> None:
    d = Driver(64 * 1024)
    try:
        with pytest.raises(FsError):
            d.req("init 1000")
        d.req("init 8192")
        d.write_file("/x", b"1")
    finally:
        d.close()


# ---------------------------------------------------------------- model test
NAMES = st.sampled_from(["a", "b", "c", "sub", "x.py"])
DIRS = st.sampled_from(["/", "/sub", "/sub/sub", "/a"])
DATA = st.binary(min_size=0, max_size=3000)


class Model:
    """Absolute path -> bytes (file) or None (directory)."""

    def __init__(self, capacity: int, inodes: int) -> None:
        self.nodes: dict[str, bytes | None] = {"/": None}
        self.capacity = capacity
        self.inodes = inodes

    def used(self) -> int:
        return sum(len(v) for v in self.nodes.values() if v is not None)

    def children(self, d: str) -> list[str]:
        pre = d.rstrip("/") + "/"
        return sorted(
            p[len(pre):] for p in self.nodes
            if p != d and p.startswith(pre) and "/" not in p[len(pre):]
        )


def join(d: str, n: str) -> str:
    return d.rstrip("/") + "/" + n


class FsMachine(RuleBasedStateMachine):
    SIZE = 16 * 1024

    def __init__(self) -> None:
        super().__init__()
        self.fs = Driver(self.SIZE)
        self.m = Model(self.fs.df()[0], self.SIZE // 2048)
        self.open: dict[int, tuple[str, int]] = {}  # handle -> (path, pos)

    def teardown(self) -> None:
        self.fs.close()

    def expect(self, errno: int | None, fn, *args):
        if errno is None:
            return fn(*args)
        with pytest.raises(FsError) as e:
            fn(*args)
        assert e.value.errno == errno, (fn.__name__, args)
        return None

    def parent_err(self, path: str) -> int | None:
        parent = path.rsplit("/", 1)[0] or "/"
        if parent not in self.m.nodes:
            return self._walk_err(parent) or ENOENT
        if self.m.nodes[parent] is not None:
            return ENOTDIR
        return None

    def _walk_err(self, path: str) -> int | None:
        cur = ""
        for part in path.strip("/").split("/"):
            cur += "/" + part
            if cur not in self.m.nodes:
                return ENOENT
            if self.m.nodes[cur] is not None and cur != path:
                return ENOTDIR
        return None

    @rule(d=DIRS, n=NAMES, data=DATA)
    def write_file(self, d: str, n: str, data: bytes) -> None:
        p = join(d, n)
        err = self.parent_err(p)
        if err is None and self.m.nodes.get(p, b"") is None:
            err = EISDIR
        if err is not None:
            self.expect(err, self.fs.open, p, W | C | T)
            return
        if any(op == p for op, _ in self.open.values()):
            return  # truncating a file another handle reads: not modelled
        if p not in self.m.nodes and len(self.m.nodes) >= self.m.inodes:
            self.expect(ENOSPC, self.fs.open, p, W | C | T)
            return
        h = self.fs.open(p, W | C | T)
        self.m.nodes[p] = b""
        if self.m.used() + len(data) > self.m.capacity:
            self.expect(ENOSPC, self.fs.write, h, data)
        else:
            assert self.fs.write(h, data) == len(data)
            self.m.nodes[p] = data
        self.fs.fclose(h)

    def files(self) -> list[str]:
        return sorted(p for p, v in self.m.nodes.items() if v is not None)

    @precondition(lambda self: any(v is not None for v in self.m.nodes.values()))
    @rule(k=st.integers(0, 50), data=st.binary(min_size=1, max_size=700))
    def append(self, k: int, data: bytes) -> None:
        """Small appends to existing files fragment the arena: growth must
        then move a file to a gap or compact (the paths most worth testing)."""
        p = self.files()[k % len(self.files())]
        h = self.fs.open(p, W | A)
        if self.m.used() + len(data) > self.m.capacity:
            self.expect(ENOSPC, self.fs.write, h, data)
        else:
            assert self.fs.write(h, data) == len(data)
            self.m.nodes[p] = self.m.nodes[p] + data
        self.fs.fclose(h)

    @precondition(lambda self: len(self.open) < 4)
    @rule(d=DIRS, n=NAMES)
    def open_for_read(self, d: str, n: str) -> None:
        p = join(d, n)
        if self.m.nodes.get(p, None) is None:
            err = self._walk_err(p) or (EISDIR if p in self.m.nodes else ENOENT)
            self.expect(err, self.fs.open, p, R)
            return
        h = self.fs.open(p, R)
        assert h not in self.open
        self.open[h] = (p, 0)

    @precondition(lambda self: bool(self.open))
    @rule(k=st.integers(0, 3), n=st.integers(0, 2000))
    def read_open(self, k: int, n: int) -> None:
        h = sorted(self.open)[k % len(self.open)]
        p, pos = self.open[h]
        got = self.fs.read(h, n)
        if p in self.m.nodes and self.m.nodes[p] is not None:
            assert got == self.m.nodes[p][pos:pos + n]
        self.open[h] = (p, pos + len(got))

    @precondition(lambda self: bool(self.open))
    @rule(k=st.integers(0, 3))
    def close_open(self, k: int) -> None:
        h = sorted(self.open)[k % len(self.open)]
        self.fs.fclose(h)
        del self.open[h]

    @rule(d=DIRS, n=NAMES)
    def mkdir(self, d: str, n: str) -> None:
        p = join(d, n)
        err = self.parent_err(p)
        if err is None and p in self.m.nodes:
            err = EEXIST
        if err is None and len(self.m.nodes) >= self.m.inodes:
            err = ENOSPC
        if self.expect(err, self.fs.op, "mkdir", p) is None and err is None:
            self.m.nodes[p] = None

    @rule(d=DIRS, n=NAMES)
    def remove(self, d: str, n: str) -> None:
        p = join(d, n)
        if any(op == p for op, _ in self.open.values()):
            return  # remove-while-open has its own test
        err = self._walk_err(p)
        if err is None and self.m.nodes[p] is None:
            err = EISDIR
        self.expect(err, self.fs.op, "rm", p)
        if err is None:
            del self.m.nodes[p]

    @rule(d=DIRS, n=NAMES)
    def rmdir(self, d: str, n: str) -> None:
        p = join(d, n)
        err = self._walk_err(p)
        if err is None and self.m.nodes[p] is not None:
            err = ENOTDIR
        if err is None and self.m.children(p):
            err = ENOTEMPTY
        self.expect(err, self.fs.op, "rmdir", p)
        if err is None:
            del self.m.nodes[p]

    @rule(d1=DIRS, n1=NAMES, d2=DIRS, n2=NAMES)
    def rename(self, d1: str, n1: str, d2: str, n2: str) -> None:
        a, b = join(d1, n1), join(d2, n2)
        if any(op in (a, b) or op.startswith(a + "/") for op, _ in self.open.values()):
            return
        err = self._walk_err(a)
        if err is None:
            err = self.parent_err(b)
        if err is None and a == b:
            self.fs.op("mv", a, b)
            return
        src_dir = err is None and self.m.nodes[a] is None
        if err is None and src_dir and (b + "/").startswith(a + "/"):
            err = EINVAL
        if err is None and b in self.m.nodes:
            dst_dir = self.m.nodes[b] is None
            if src_dir and not dst_dir:
                err = ENOTDIR
            elif not src_dir and dst_dir:
                err = EISDIR
            elif dst_dir and self.m.children(b):
                err = ENOTEMPTY
        self.expect(err, self.fs.op, "mv", a, b)
        if err is None:
            moved = {p: v for p, v in self.m.nodes.items() if p == a or p.startswith(a + "/")}
            for p in moved:
                del self.m.nodes[p]
            self.m.nodes.pop(b, None)
            for p, v in moved.items():
                self.m.nodes[b + p[len(a):]] = v

    @invariant()
    def tree_matches(self) -> None:
        assert self.fs.df() == (self.m.capacity, self.m.capacity - self.m.used())
        for p, v in self.m.nodes.items():
            if v is None:
                assert sorted(self.fs.ls(p)) == self.m.children(p), p

    def check_contents(self) -> None:
        for p, v in self.m.nodes.items():
            if v is not None:
                assert self.fs.read_file(p) == v, p


class FsMachineWithContents(FsMachine):
    @invariant()
    def contents_match(self) -> None:
        if len(self.open) < 3:
            self.check_contents()


TestRamfsModel = FsMachineWithContents.TestCase
TestRamfsModel.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
