# assert with and without messages.
assert True
assert 1 == 1, "never"
try:
    assert 1 == 2
except AssertionError as e:
    print("AssertionError", repr(e.args))
try:
    assert [], "empty list is false"
except AssertionError as e:
    print("AssertionError", e)
try:
    assert 0, {"k": 1}
except AssertionError as e:
    print(e.args[0]["k"])
