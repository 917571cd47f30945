# Failing imports raise ImportError/ModuleNotFoundError.
try:
    import no_such_module_xyz
except ImportError as e:
    print(type(e).__name__, e)
try:
    from _helper_mod import does_not_exist
except ImportError as e:
    print(type(e).__name__)
try:
    from sys import no_such_name
except ImportError as e:
    print(type(e).__name__)
import sys
print("_helper_mod" in sys.modules)
import _helper_mod
print("_helper_mod" in sys.modules, sys.modules["_helper_mod"] is _helper_mod)
