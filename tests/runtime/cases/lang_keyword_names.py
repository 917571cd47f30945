# Soft keywords and builtin names usable as identifiers.
match = 1
case = 2
_ = 3
type_ = "t"
print(match + case + _, type_)
def f(list=None, dict=None, id=0):
    return list, dict, id
print(f(list=[1], id=5))
class C:
    def print(self):
        return "method named print"
print(C().print())
