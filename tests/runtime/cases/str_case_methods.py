# Case conversion and classification methods.
s = "Hello World 123"
print(s.upper(), s.lower(), s.swapcase(), s.title(), s.capitalize(), "hELLO".capitalize())
for t in ("abc", "ABC", "Abc", "123", "a1", " ", "", "\t\n", "Title Case", "x_y", "12.5"):
    print(repr(t), t.isalpha(), t.isdigit(), t.isalnum(), t.isspace(), t.isupper(), t.islower(),
          t.istitle(), t.isdecimal(), t.isnumeric(), t.isidentifier())
print("ÉCOLE".lower(), "straße".upper(), "ǅ".lower())
print("abc".casefold(), "hello world".title())
