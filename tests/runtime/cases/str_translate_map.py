# Character mapping with dicts and comprehension-based translation.
leet = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
msg = "this is a test of string translation"
print("".join(leet.get(c, c) for c in msg))
rot13 = {}
for base in (ord("a"), ord("A")):
    for i in range(26):
        rot13[chr(base + i)] = chr(base + (i + 13) % 26)
enc = "".join(rot13.get(c, c) for c in "Hello, World!")
print(enc, "".join(rot13.get(c, c) for c in enc))
vowels = sum(1 for c in msg if c in "aeiou")
print(vowels, msg.title(), msg.count(" "))
