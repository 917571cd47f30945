# re: character classes, quantifiers, anchors, alternation, greedy vs lazy.
import re
tests = [
    (r"\d{3}", "ab1234"), (r"\d{2,3}", "12345"), (r"\d{2,}", "1 22 333"), (r"[^aeiou]+", "aabcde"),
    (r"\s+", "a \t b"), (r"\S+", "  word  "), (r"\w+", "!!under_score9!!"), (r"\W+", "ab!?cd"),
    (r"colou?r", "my color"), (r"(ab)+", "xababab"), (r"<.+>", "<a><b>"), (r"<.+?>", "<a><b>"),
    (r"^start", "start here"), (r"end$", "the end"), (r"cat|dog", "hotdog"), (r"[a-c0-2_]+", "zz_a1b2c3"),
    (r"a{2}", "caaat"), (r"\bword\b", "a word here"), (r"(a|b)*c", "ababc"), (r"[.]", "x.y"),
]
for pat, s in tests:
    m = re.search(pat, s)
    print(repr(pat), repr(m.group()) if m else None)
