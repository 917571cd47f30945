# sys attributes used by portable programs.
import sys
print(sys.argv[0].endswith("mod_sys_basic.py"), len(sys.argv))
print(type(sys.path).__name__, sys.maxsize == 2 ** 63 - 1, sys.byteorder)
print(sys.version_info[0], sys.version_info >= (3, 0), type(sys.version).__name__)
print("sys" in sys.modules, sys.modules["sys"] is sys, type(sys.implementation.name).__name__)
sys.stdout.write("written\n")
print(sys.stdout is not None, sys.stderr is not None, sys.stdin is not None)
print(callable(sys.exit), callable(sys.getrecursionlimit) if hasattr(sys, "getrecursionlimit") else True)
