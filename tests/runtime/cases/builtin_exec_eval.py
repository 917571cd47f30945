# exec and eval with globals/locals dicts.
print(eval("1 + 2 * 3"), eval("x * 2", {"x": 21}), eval("[a for a in range(3)]"))
g = {}
exec("y = 10\ndef f(z):\n    return y + z", g)
print(g["y"], g["f"](5))
ns = {"v": 1}
exec("v += 1", ns)
print(ns["v"])
print(eval("len(s)", {"s": "abcd"}), eval("abs(-3)"))
loc = {}
exec("a = 1\nb = a + 1", {}, loc)
print(sorted(loc.items()))
try:
    eval("1 +")
except SyntaxError as e:
    print("SyntaxError")
try:
    exec("raise ValueError('from exec')")
except ValueError as e:
    print("ValueError", e)
x = 7
print(eval("x + 1"))
