# Greedy word wrapping and justification.
text = ("Quest-V is a separation kernel that partitions a multicore machine into sandboxes, "
        "each with its own cores, memory and devices, so that a fault in one cannot spread.")
def wrap(words, width):
    lines, cur = [], []
    for w in words:
        if cur and len(" ".join(cur + [w])) > width:
            lines.append(cur)
            cur = []
        cur.append(w)
    if cur:
        lines.append(cur)
    return lines
def justify(line, width):
    if len(line) == 1:
        return line[0].ljust(width)
    gaps = len(line) - 1
    spaces = width - sum(map(len, line))
    out = ""
    for i, w in enumerate(line[:-1]):
        out += w + " " * (spaces // gaps + (1 if i < spaces % gaps else 0))
    return out + line[-1]
for ln in wrap(text.split(), 30):
    print("|" + justify(ln, 30) + "|")
