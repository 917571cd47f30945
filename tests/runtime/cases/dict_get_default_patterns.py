# Common dict idioms: counting, grouping, inverting, merging.
text = "one two three two three three"
counts = {}
for w in text.split():
    counts[w] = counts.get(w, 0) + 1
print(counts)
inv = {}
for k, v in counts.items():
    inv.setdefault(v, []).append(k)
print(inv)
defaults = {"color": "red", "size": 1}
user = {"size": 3}
merged = dict(defaults)
merged.update(user)
print(merged, {**defaults, **user} == merged)
print(sorted(counts, key=counts.get, reverse=True), max(counts.values()))
print({k: v for k, v in sorted(counts.items(), key=lambda kv: kv[1])})
