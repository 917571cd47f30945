# dict equality ignores order; keys compare by hash and equality.
a = {"x": 1, "y": [1, 2]}
b = {"y": [1, 2], "x": 1}
print(a == b, a != b, list(a) == list(b))
print({1: "a"} == {1.0: "a"}, {0: 1} == {False: 1}, {"a": 1} == {"a": 1.0})
d = {}
d[1] = "one"
d[1.0] = "float one"
d[True] = "true"
print(d, len(d))
nested = {"k": {"j": {"i": 1}}}
print(nested == {"k": {"j": {"i": 1}}}, nested == {"k": {"j": {"i": 2}}})
