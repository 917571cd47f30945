# Building strings with loops and joins; character arithmetic.
out = ""
for i in range(10):
    out += chr(ord("a") + i)
print(out)
parts = []
for word in "the rain in spain".split():
    parts.append(word[::-1].capitalize())
print(" ".join(parts))
caesar = "".join(chr((ord(c) - 97 + 3) % 26 + 97) if c.isalpha() else c for c in "hello, world")
print(caesar)
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(sorted(counts.items()))
print("".join(sorted("python")), "-".join("abc").upper())
