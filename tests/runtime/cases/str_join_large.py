# Building a large string and reading it back.
parts = [str(i) for i in range(10000)]
s = ",".join(parts)
print(len(s), s[:20], s[-20:])
back = s.split(",")
print(len(back), back[5000], sum(map(int, back)))
acc = ""
for i in range(2000):
    acc += chr(97 + i % 26)
print(len(acc), acc[-30:], acc.count("z"))
