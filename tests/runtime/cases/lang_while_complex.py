# while with compound conditions and multiple exits.
a, b = 0, 100
steps = 0
while a < b and steps < 1000:
    a += 7
    b -= 3
    steps += 1
print(a, b, steps)
stack = [1, [2, [3, [4]]]]
flat = []
while stack:
    top = stack.pop()
    if isinstance(top, list):
        stack.extend(reversed(top))
    else:
        flat.append(top)
print(flat)
n = 27
seq = [n]
while n != 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    seq.append(n)
print(len(seq), max(seq))
