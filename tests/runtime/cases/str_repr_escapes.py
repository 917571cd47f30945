# repr chooses quotes and escapes like CPython.
for s in ["plain", "it's", 'say "hi"', "both ' and \"", "\\", "\n\r\t", "\x07\x1b", "\x7f",
          "é", "\u200b", "\ud7ff", "😀", "\x00", "a\x85b", "\u2028", "\xa0", "\xad"]:
    print(repr(s), len(repr(s)))
print(repr(["a", 'b"', "c'"]), str(("x",)), repr({"k": "v\n"}))
