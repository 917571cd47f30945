# Recursive data structures: trees with dicts and tuples.
def insert(tree, v):
    if tree is None:
        return {"v": v, "l": None, "r": None}
    side = "l" if v < tree["v"] else "r"
    tree[side] = insert(tree[side], v)
    return tree
def inorder(t):
    return [] if t is None else inorder(t["l"]) + [t["v"]] + inorder(t["r"])
def height(t):
    return 0 if t is None else 1 + max(height(t["l"]), height(t["r"]))
root = None
for v in [50, 30, 70, 20, 40, 60, 80, 35, 45, 65]:
    root = insert(root, v)
print(inorder(root), height(root))
