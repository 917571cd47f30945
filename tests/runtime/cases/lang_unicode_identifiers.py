# Non-ASCII identifiers and strings.
café = "coffee"
π = 3.14159
def größe(x):
    return x * 2
print(café, π, größe(21))
名前 = "name"
print(名前, len(名前))
