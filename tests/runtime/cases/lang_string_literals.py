# String literal forms and escapes.
print('single', "double", '''triple
line''', """tri"ple""")
print("tab\tnew\\nline", r"raw\n\t", "quote\"s", 'it\'s')
print("\x41\u00e9\U0001F600\101\0end".encode("utf-8"))
print("con" "cat" 'enated', len("a\
b"))
print(rb"\x00", b"\x00\xff", br"\n")
print(repr("\n\t\\'\""), repr('"'), repr("'"), repr("'\""))
print(repr("\x00\x1f\x7f\x80\xff\u0100\uffff"))
print("\N{LATIN SMALL LETTER E WITH ACUTE}" == "\u00e9")
