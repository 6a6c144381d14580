"""Blocks on stdin inside a selected call whose selected inner calls have
returned: a tracer detaching then must still report those inner calls.
Each line read runs outer once more; EOF ends."""
import sys


def inner(i):
    return i


def outer():
    for i in range(7):
        inner(i)
    print("inside", flush=True)
    return sys.stdin.readline()


print("ready", flush=True)
line = sys.stdin.readline()
while line:
    line = outer()
