# Permutations, combinations and subsets written by hand.
def perms(seq):
    if len(seq) <= 1:
        yield list(seq)
        return
    for i, x in enumerate(seq):
        for p in perms(seq[:i] + seq[i + 1:]):
            yield [x] + p
def combos(seq, k):
    if k == 0:
        yield []
        return
    for i in range(len(seq)):
        for c in combos(seq[i + 1:], k - 1):
            yield [seq[i]] + c
print(list(perms("abc")))
print(len(list(perms(list(range(6))))), list(combos([1, 2, 3, 4], 2)))
subsets = [[x for j, x in enumerate("wxyz") if mask >> j & 1] for mask in range(16)]
print(subsets)
