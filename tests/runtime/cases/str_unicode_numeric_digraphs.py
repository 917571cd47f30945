# str.isdecimal/isdigit/isnumeric beyond ASCII; the Latin digraphs' three cases.
for s in ['ǅ','ǆ','Ǆ','ǅx','ǆabc dž', 'ǲ', 'ǳǳ']:
    print(repr(s), s.upper(), s.lower(), s.swapcase(), s.title(), s.capitalize())
for s in ['٣', '²', '½', 'Ⅻ', '一', '⑨', '12', '1²', '', 'a', '𝟘', '🄌', '〇']:
    print(repr(s), s.isdecimal(), s.isdigit(), s.isnumeric())
print(b'12'.isdigit(), b'\xb2'.isdigit())
