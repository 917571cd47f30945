# Importing a module from the script's directory.
import _helper_mod
print(_helper_mod.VALUE, _helper_mod.greet("world"), _helper_mod.Thing(3).v, _helper_mod.__name__)
import _helper_mod as hm
print(hm is _helper_mod, hm.loaded)
from _helper_mod import VALUE, greet as g
print(VALUE, g("x"))
import _helper_second
print(_helper_second.twice("ab"), _helper_mod.loaded)
