# Class attributes updated through type(self); class-level registries.
class Widget:
    created = 0
    registry = {}
    def __init__(self, name):
        type(self).created += 1
        Widget.registry[name] = self
        self.name = name
class Button(Widget):
    created = 0
for n in ("a", "b"):
    Widget(n)
for n in ("ok", "cancel", "help"):
    Button(n)
print(Widget.created, Button.created, sorted(Widget.registry))
print(type(Widget.registry["ok"]).__name__, isinstance(Widget.registry["a"], Button))
