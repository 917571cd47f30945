# Deeply nested expressions and statements parse and run.
x = ((((((((((1))))))))))
print(x)
l = [[[[[[1]]]]]]
print(l[0][0][0][0][0][0])
def depth(n):
    if n:
        if n > 1:
            if n > 2:
                if n > 3:
                    return "deep"
                return 3
            return 2
        return 1
    return 0
print([depth(i) for i in range(6)])
v = 1 + (2 * (3 - (4 + (5 * (6 - (7 + 8))))))
print(v)
print({"a": {"b": {"c": [1, {"d": (2, 3)}]}}}["a"]["b"]["c"][1]["d"][1])
