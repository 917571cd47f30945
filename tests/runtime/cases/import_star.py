# from module import * honours __all__.
from _helper_mod import *
print(VALUE, greet("star"), Thing(1).v)
try:
    print(_private)
except NameError:
    print("_private not imported")
