# Large ints print and parse back exactly.
n = 1
for i in range(1, 60):
    n *= i
print(n)
print(int(str(n)) == n, len(str(n)), str(-n)[:10])
fib = [0, 1]
for _ in range(200):
    fib.append(fib[-1] + fib[-2])
print(fib[-1])
print(int(str(fib[-1])[::-1]) % 1000003)
print(sum(int(c) for c in str(2 ** 1000)))
print(int(hex(n), 16) == n, int(oct(n), 8) == n, int(bin(n), 2) == n)
