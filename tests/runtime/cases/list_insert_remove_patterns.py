# Insertion sort, binary search and in-place deduplication with lists.
def insertion_sort(a):
    a = list(a)
    for i in range(1, len(a)):
        v = a[i]
        j = i - 1
        while j >= 0 and a[j] > v:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v
    return a
def bsearch(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
data = [(i * 17) % 23 for i in range(23)]
s = insertion_sort(data)
print(s, [bsearch(s, x) for x in (-1, 0, 11, 22, 23)])
dup = [1, 1, 2, 3, 3, 3, 4, 1]
i = 1
while i < len(dup):
    if dup[i] == dup[i - 1]:
        dup.pop(i)
    else:
        i += 1
print(dup)
