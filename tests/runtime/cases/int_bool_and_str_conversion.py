# str(int) / repr / int(str) on powers of ten and negatives; bool arithmetic.
for k in (0, 1, 9, 10, 18, 19, 20, 38, 39, 100):
    n = 10 ** k
    print(k, str(n)[:5], len(str(n)), len(str(-n)), int(str(n) + "0") == n * 10)
print(str(True + True), int("-0"), int("+00012"), -0 == 0)
