# Sorting with key functions returning tuples, strings and floats; min/max stability.
words = ["pear", "Fig", "apple", "date", "banana", "Cherry", "kiwi"]
print(sorted(words, key=lambda w: (len(w), w.lower())))
print(sorted(words, key=lambda w: w[-1]))
print(max(words, key=len), min(words, key=len), max(["aa", "bb"], key=len), min(["aa", "bb"], key=len))
vals = [2.5, -1, 3, 0.0, -0.5, 2]
print(sorted(vals), sorted(vals, key=abs), sorted(vals, key=lambda v: -v))
nested = [[3, "c"], [1, "a"], [2, "b"], [1, "0"]]
nested.sort()
print(nested)
