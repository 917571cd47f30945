# String building, splitting, joining, searching and formatting.
def build(n):
    parts = []
    for i in range(n):
        parts.append("%d:%s" % (i, "abcdefghij"[i % 10] * (i % 7 + 1)))
    return ",".join(parts)

total = 0
for rnd in range(60):
    s = build(6000)
    fields = s.split(",")
    total += len(fields)
    keys = [f.partition(":")[0] for f in fields]
    vals = [f.partition(":")[2] for f in fields]
    total += sum(len(v) for v in vals) + int(keys[-1])
    up = s.upper()
    total += up.count("AAA") + s.find("9999:") + s.rfind("j")
    words = " ".join(vals).replace("a", "A").split()
    total += len(words)
    line = ""
    for w in words[:2000]:
        line += w[0]
    total += len(line.strip("A"))
    total += sum(1 for f in fields if f.endswith("ccc"))
    total += len(f"{rnd:05d}-{len(s):,}-{s[:8]!r}")
print("string_ops", total)
