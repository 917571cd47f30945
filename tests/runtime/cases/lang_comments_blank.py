# Comments and blank lines in odd places.

x = 1  # trailing comment

    # indented comment line

def f():
    # comment as first line

    return x  # after return

print(f())  # done
if x:
    pass
    # comment at end of block
print("ok")
