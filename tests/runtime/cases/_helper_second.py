# A second helper module that imports the first (not a case itself).
import _helper_mod
from _helper_mod import greet
def twice(name):
    return greet(name) + " / " + _helper_mod.greet(name.upper())
