"""The recovery tests' first policy (sb0's recovery service): restart every
sandbox that faults, however often (the tests fault sb4 many times within a
minute, which apps/policy.py would quarantine). Its version number shows in
each decision's log line; the tests swap in others."""


def on_fault(event):
    return "restart"
