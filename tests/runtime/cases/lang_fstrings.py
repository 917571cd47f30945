# f-strings: expressions, conversions, format specs, nesting.
name, n, f = "qpy", 42, 3.14159
print(f"{name} {n} {f}")
print(f"{name!r} {name!s} {'é'!a}")
print(f"{n:5}|{n:<5}|{n:^5}|{n:>5}|{n:05}|{n:+}|{n:x}|{n:#o}|{n:b}")
print(f"{f:.2f}|{f:10.3f}|{f:e}|{f:.3g}|{f:%}")
w, p = 8, 3
print(f"{f:{w}.{p}f}|{name:*^{w}}")
print(f"{n + 1} {n * 2} {[i for i in range(3)]} {'a' if n else 'b'}")
print(f"{{literal}} {n}{{x}}")
d = {"key": "val"}
print(f"{d['key']} {d!r}")
print(f"{n=} {f = :.1f}")
print(f"""multi
{name}""")
print(f"{n:,} {1234567.891:,.2f} {n:_b}")
