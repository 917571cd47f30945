"""Module docstring."""
# Docstrings on modules, functions and classes.
def f():
    """Function doc."""
    return 1
class C:
    """Class doc."""
    def m(self):
        "Method doc."
        return 2
print(__doc__, f.__doc__, C.__doc__, C.m.__doc__, f(), C().m())
def no():
    x = 1
    """not a docstring"""
    return x
print(no.__doc__)
