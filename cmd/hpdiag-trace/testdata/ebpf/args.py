"""Arguments of every kind the eBPF engine captures, in one call tree."""


class Thing:
    def go(self, a, b):
        return a


def f(a, b):
    return a


def documented(x):
    """What args:name gives for a function."""
    return x


def undocumented(x):
    return x


def run():
    for v in ["hello", "é€😀", 12345678901234567890, -7, 0, 2.5, 1e16, True, None]:
        f(v, 0)
    Thing().go("x", 2)
    documented(1)
    undocumented(2)


run()
