# random: seeded sequences repeat; values stay in range (the generator itself may differ from CPython's).
import random
random.seed(12345)
a = [random.random() for _ in range(5)]
random.seed(12345)
b = [random.random() for _ in range(5)]
print(a == b, all(0.0 <= v < 1.0 for v in a))
random.seed(7)
ints = [random.randint(3, 9) for _ in range(500)]
print(min(ints) >= 3, max(ints) <= 9, len(set(ints)) == 7)
rr = [random.randrange(10) for _ in range(300)] + [random.randrange(5, 50, 5) for _ in range(300)]
print(all(0 <= v < 50 for v in rr), all(v % 5 == 0 for v in rr[300:]))
seq = list(range(20))
random.shuffle(seq)
print(sorted(seq) == list(range(20)), random.choice("abc") in "abc")
u = [random.uniform(2.0, 3.0) for _ in range(100)]
print(all(2.0 <= v <= 3.0 for v in u))
bits = random.getrandbits(30)
print(0 <= bits < 2 ** 30, type(bits).__name__)
