# Multi-key sorting of records.
people = [("ann", 31, "ny"), ("bob", 25, "sf"), ("cid", 31, "la"), ("dee", 25, "ny"), ("eve", 40, "sf")]
print(sorted(people, key=lambda p: (p[1], p[0])))
print(sorted(people, key=lambda p: (-p[1], p[2])))
by_city = {}
for name, age, city in people:
    by_city.setdefault(city, []).append(name)
print(sorted(by_city.items()))
oldest = max(people, key=lambda p: p[1])
youngest = min(people, key=lambda p: (p[1], p[0]))
print(oldest, youngest, sum(p[1] for p in people) / len(people))
