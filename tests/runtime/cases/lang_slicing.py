# Slicing with all combinations of start/stop/step.
s = list(range(10))
print(s[2:5], s[:3], s[7:], s[-3:], s[:-7], s[::3], s[::-1], s[8:2:-2], s[-1:-4:-1])
print(s[100:], s[-100:2], s[5:2], s[::-3], s[1:9:4])
t = "abcdefgh"
print(t[1:4], t[::-1], t[::2], t[-2:], t[:0])
tp = tuple(s)
print(tp[3:6], tp[::-4])
lst = list(range(6))
lst[1:3] = ["a", "b", "c"]
print(lst)
lst[::2] = [0, 0, 0, 0]
print(lst)
lst[:] = []
print(lst)
try:
    s[::0]
except ValueError as e:
    print("ValueError", e)
sl = slice(1, 8, 2)
print(s[sl], sl.start, sl.stop, sl.step, slice(5).stop)
print(slice(1, 10, 3).indices(5))
