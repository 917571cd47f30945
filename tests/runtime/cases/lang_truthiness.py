# Truth values of builtin objects and user classes.
vals = [0, 1, -1, 0.0, 0.5, "", "0", [], [0], (), (0,), {}, {0: 0}, set(), None,
        range(0), range(2), b"", b"\x00", bytearray()]
print([bool(v) for v in vals])
class Empty:
    pass
class Z:
    def __bool__(self):
        return False
class L:
    def __len__(self):
        return 0
class L3:
    def __len__(self):
        return 3
print(bool(Empty()), bool(Z()), bool(L()), bool(L3()))
if not Z():
    print("Z is false")
while L3():
    print("L3 is true")
    break
