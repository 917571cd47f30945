# MemoryError from an impossible allocation is catchable.
try:
    x = [0] * (2 ** 62)
except (MemoryError, OverflowError) as e:
    print("refused")
try:
    s = "a" * (2 ** 62)
except (MemoryError, OverflowError):
    print("refused str")
print("alive", len([0] * 1000))
