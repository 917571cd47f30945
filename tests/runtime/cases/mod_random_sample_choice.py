# random.sample/choice/choices keep their contracts.
import random
random.seed(2024)
pop = list(range(100))
s = random.sample(pop, 10)
print(len(s), len(set(s)) == 10, all(v in pop for v in s))
c = [random.choice(["a", "b", "c"]) for _ in range(200)]
print(sorted(set(c)))
r = random.random()
random.seed(2024)
s2 = random.sample(pop, 10)
print(s == s2)
try:
    random.choice([])
except IndexError:
    print("IndexError")
try:
    random.randrange(0)
except ValueError:
    print("ValueError")
