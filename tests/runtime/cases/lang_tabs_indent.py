# Indentation with tabs is consistent within a block.
def f(n):
	if n:
		return "tab-indented"
	return "zero"
print(f(1), f(0))
