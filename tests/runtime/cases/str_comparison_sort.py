# Lexicographic comparison and sorting of str.
words = ["banana", "Apple", "cherry", "apple", "Banana", "", "a", "ab", "é", "z"]
print(sorted(words))
print(sorted(words, key=str.lower))
print(sorted(words, key=len))
print(sorted(words, reverse=True))
print("abc" < "abd" < "abda", "A" < "a", "" < "a", "b" > "abc")
