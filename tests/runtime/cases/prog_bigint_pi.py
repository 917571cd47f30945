# Digits of pi with big-integer Machin formula.
def arctan_inv(x, digits):
    scale = 10 ** (digits + 10)
    total = term = scale // x
    x2 = x * x
    n = 1
    sign = -1
    while term:
        term //= x2
        total += sign * (term // (2 * n + 1))
        sign = -sign
        n += 1
    return total
def pi_digits(d):
    pi = 4 * (4 * arctan_inv(5, d) - arctan_inv(239, d))
    return str(pi // 10 ** 10)
p = pi_digits(300)
print(p[:1] + "." + p[1:61])
print(p[-20:], len(p))
