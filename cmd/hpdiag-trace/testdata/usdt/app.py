"""What fakepython.c pretends to run."""


def work():
    class Helper:
        def inner(self):
            return 1
    return Helper().inner()
