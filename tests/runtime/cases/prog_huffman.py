# Huffman coding with heapq; deterministic tie-breaking.
import heapq
text = "this is an example of a huffman tree"
freq = {}
for ch in text:
    freq[ch] = freq.get(ch, 0) + 1
heap = [(n, i, ch) for i, (ch, n) in enumerate(sorted(freq.items()))]
heapq.heapify(heap)
counter = len(heap)
while len(heap) > 1:
    n1, _, a = heapq.heappop(heap)
    n2, _, b = heapq.heappop(heap)
    heapq.heappush(heap, (n1 + n2, counter, (a, b)))
    counter += 1
codes = {}
def walk(node, prefix):
    if isinstance(node, str):
        codes[node] = prefix or "0"
    else:
        walk(node[0], prefix + "0")
        walk(node[1], prefix + "1")
walk(heap[0][2], "")
encoded = "".join(codes[c] for c in text)
print(len(encoded), sorted(codes.items())[:5])
rev = {v: k for k, v in codes.items()}
out, cur = [], ""
for bit in encoded:
    cur += bit
    if cur in rev:
        out.append(rev[cur])
        cur = ""
print("".join(out) == text)
