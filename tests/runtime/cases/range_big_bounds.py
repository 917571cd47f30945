# range with bounds beyond the small-int range (62 bits).
B = 10 ** 20
r = range(B, B + 50, 7)
print(r, len(r), r[0], r[-1], r[3], list(r)[:3], B + 7 in r, B + 8 in r, r.index(B + 14), r.count(B), r.start, r.stop, r.step)
r = range(-B, B, B // 3)
print(list(r), len(r), r == range(-B, B, B // 3), r != range(-B, B + 1, B // 3), hash(r) == hash(range(-B, B, B // 3)))
print(range(2 ** 70, 0, -(2 ** 68)), list(range(2 ** 70, 0, -(2 ** 68))))
print(list(range(B, B)), range(B, B) == range(0), 5 in range(B), -1 in range(B), range(B)[B - 1])
for bad in [lambda: len(range(B)), lambda: range(B)[B], lambda: range(0, B, 0), lambda: range(1.5, B), lambda: range(B).index(-1)]:
    try:
        print(bad())
    except (OverflowError, IndexError, ValueError, TypeError) as e:
        print(type(e).__name__, e)
for x in range(2 ** 62 - 2, 2 ** 62 + 2):
    print(x)
print(sum(range(10 ** 18, 10 ** 18 + 5)), range(True, 3), list(range(False, 2)))
