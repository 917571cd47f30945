# The messages of the most common built-in exceptions match CPython.
FLOAT_INDEX = 1.5
tests = [
    lambda: 1 / 0,
    lambda: 1 // 0,
    lambda: 1 % 0,
    lambda: [][0],
    lambda: ()[1],
    lambda: "abc"[5],
    lambda: {}["k"],
    lambda: {"a": 1}[("t", 1)],
    lambda: undefined_name,
    lambda: (1).nope,
    lambda: "s".nope,
    lambda: None.attr,
    lambda: 1 + "a",
    lambda: "a" + 1,
    lambda: [] + (),
    lambda: 1 < "a",
    lambda: -"a",
    lambda: int("x1"),
    lambda: float("x1"),
    lambda: [1, 2].index(3),
    lambda: next(iter([])),
    lambda: len(5),
    lambda: hash([]),
    lambda: "abc".index("z"),
    lambda: {}.pop("k"),
    lambda: set().pop(),
    lambda: [].pop(),
    lambda: {"a"}.remove("b"),
    lambda: "x" * "y",
    lambda: iter(5),
    lambda: chr(-1),
    lambda: ord("ab"),
    lambda: [1][FLOAT_INDEX],
    lambda: "a".join(1),
]
for t in tests:
    try:
        t()
        print("no error")
    except Exception as e:
        print(type(e).__name__ + ":", e)
