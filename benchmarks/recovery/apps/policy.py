# The recovery benchmark's policy: every fault restarts its sandbox.


def on_fault(event):
    return "restart"
