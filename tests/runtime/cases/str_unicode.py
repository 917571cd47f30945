# UTF-8 text: length in code points, indexing, slicing, iteration, ord/chr.
s = "héllo wörld €✓ 😀"
print(len(s), s[1], s[-1], s[7:12], s[::-1], s.upper())
print([ord(c) for c in "aé€😀"], chr(233), chr(0x20AC), chr(0x1F600), chr(65))
print(len(s.encode()), s.encode()[:8], "😀".encode("utf-8"))
print(s.find("€"), s.index("✓"), s.count("l"), "€" in s, s.split(" "))
for c in "ñ€":
    print(c, ord(c), hex(ord(c)))
print(sorted("zéa€"), "é" < "z", "€" > "é", min("héllo"), max("héllo"))
try:
    chr(0x110000)
except ValueError as e:
    print("ValueError", e)
print("ab" "ç".center(7, "·"), repr("tab\there"), repr("é😀"))
