# Table formatting with width, alignment and fill.
rows = [("apple", 3, 1.5), ("kiwi", 12, 0.25), ("watermelon", 1, 3.0)]
print(f"{'name':<12}{'qty':>5}{'price':>8}")
for name, qty, price in rows:
    print(f"{name:<12}{qty:>5d}{price:>8.2f}")
print("{:=^30}".format(" total "))
print("|{:^10}|{:<10}|{:>10}|".format("mid", "left", "right"))
print(format("x", "<3") + "|", format("x", ">3"), format("x", "^3"), format(3, "=+5"), format(-3, "=5"))
print("%-8s|%8s|" % ("ab", "cd"), "%08.3f" % -3.14159)
