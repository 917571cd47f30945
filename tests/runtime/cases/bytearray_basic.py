# bytearray is a mutable bytes.
ba = bytearray(b"hello")
ba[0] = ord("H")
ba.append(33)
ba.extend(b" ok")
print(ba, len(ba), ba[1], ba[-3:])
ba[1:3] = b"EE"
print(ba)
del ba[0]
print(ba, ba.pop(), ba)
ba.insert(0, 65)
ba.reverse()
print(ba, bytes(ba), ba.decode("ascii"), ba.upper())
print(bytearray(4), bytearray([1, 2, 3]), bytearray("é", "utf-8"), bytearray(b"x") == b"x")
ba2 = bytearray(b"abc")
ba2 += b"def"
ba2 *= 2
print(ba2, ba2.find(b"cd"), ba2.count(b"a"), ba2.replace(b"a", b"A"))
try:
    ba2[0] = 300
except ValueError as e:
    print("ValueError", e)
ba2.remove(ord("b"))
print(ba2, ba2.index(ord("c")), ba2.hex())
ba2.clear()
print(ba2, len(ba2))
