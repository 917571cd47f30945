# micropython.const works where available; a fallback keeps CPython output identical.
try:
    from micropython import const
except ImportError:
    def const(v):
        return v
WIDTH = const(320)
HEIGHT = const(240)
_MASK = const(0xFF)
print(WIDTH * HEIGHT, _MASK & 0x1234, const(7) + 1)
