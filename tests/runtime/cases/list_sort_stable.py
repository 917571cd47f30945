# sort is stable, supports key and reverse, and sorted() returns a new list.
records = [("bob", 3), ("al", 1), ("cy", 3), ("di", 2), ("ed", 1), ("fay", 2)]
print(sorted(records, key=lambda r: r[1]))
print(sorted(records, key=lambda r: r[1], reverse=True))
recs = list(records)
recs.sort(key=lambda r: -r[1])
print(recs)
nums = [5, -3, 2, -8, 0, 7, -1]
print(sorted(nums), sorted(nums, key=abs), sorted(nums, reverse=True), nums)
print(sorted("Sorting Mixed Case".split(), key=str.lower))
big = [(i * 7919) % 1000 for i in range(500)]
s = sorted(big)
print(s[:10], s[-5:], all(s[i] <= s[i + 1] for i in range(len(s) - 1)))
pairs = [(i % 5, i) for i in range(30)]
print(sorted(pairs, key=lambda p: p[0])[:8])
try:
    sorted([1, "a"])
except TypeError as e:
    print("TypeError", e)
