# A helper module imported by the import_* cases (not a case itself).
VALUE = 42
loaded = []
def greet(name):
    return "hello " + name
class Thing:
    def __init__(self, v):
        self.v = v
_private = "hidden"
__all__ = ["VALUE", "greet", "Thing"]
loaded.append("once")
