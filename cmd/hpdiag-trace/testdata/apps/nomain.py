"""A script without main(): --single still runs it."""


def step(n):
    return n + 1


print("steps", sum(step(i) for i in range(4)))
