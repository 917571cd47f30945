# memoryview over bytes and bytearray: slicing without copy, writing through.
ba = bytearray(b"abcdefgh")
mv = memoryview(ba)
print(len(mv), mv[0], bytes(mv[2:5]), mv.tobytes(), mv.readonly)
mv[0] = ord("A")
mv[1:3] = b"BC"
print(ba)
sub = mv[4:]
sub[0] = ord("E")
print(ba, bytes(sub), sub.tolist())
ro = memoryview(b"xyz")
print(ro.readonly, bytes(ro[::-1]) if False else bytes(ro[1:]), list(ro))
try:
    ro[0] = 1
except TypeError:
    print("TypeError")
print(mv.nbytes, mv.itemsize, mv.format, mv.ndim)
mv.release()
