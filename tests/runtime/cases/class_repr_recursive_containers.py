# repr of user objects inside containers and nested containers.
class Node:
    def __init__(self, v, kids=()):
        self.v, self.kids = v, list(kids)
    def __repr__(self):
        return f"Node({self.v!r}, {self.kids!r})" if self.kids else f"Node({self.v!r})"
tree = Node("root", [Node(1), Node("two", [Node(3.0)])])
print(tree)
print([tree.kids[0]], {"k": tree.kids[1]}, (Node(None),))
d = {}
d["self"] = d
print(d)
l = [1]
l.append([l])
print(l)
