# Word frequency counting, a common text program.
text = """It was the best of times, it was the worst of times, it was the age of wisdom,
it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity"""
freq = {}
for raw in text.lower().split():
    w = raw.strip(",.")
    freq[w] = freq.get(w, 0) + 1
top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
print(top)
print(len(freq), sum(freq.values()), max(freq, key=lambda k: (len(k), k)))
lines = text.splitlines()
print([len(l.split()) for l in lines], text.count("it was"), text.upper().count("IT WAS"))
