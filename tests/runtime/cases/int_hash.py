# Hashes of ints are CPython's (deterministic, modulus 2**61-1).
print(hash(0), hash(1), hash(-1), hash(-2), hash(12345))
print(hash(2 ** 61 - 1), hash(2 ** 61), hash(2 ** 64), hash(-(2 ** 64)))
print(hash(1.0) == hash(1), hash(2.0 ** 70) == hash(2 ** 70), hash(0.5))
print(hash(True), hash(False))
d = {1: "int", 2 ** 70: "big"}
print(d[1.0], d[float(2 ** 70)], d[True])
