# Dynamic attributes, dir-style introspection, getattr defaults on classes.
class Cfg:
    host = "localhost"
    port = 80
c = Cfg()
c.port = 8080
print(c.host, c.port, Cfg.port, getattr(Cfg, "port"), hasattr(Cfg, "missing"))
print(sorted(k for k in vars(Cfg) if not k.startswith("_")))
print(sorted(vars(c)))
delattr(c, "port")
print(c.port)
print("host" in dir(c), "port" in dir(Cfg))
