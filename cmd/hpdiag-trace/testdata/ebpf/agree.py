"""Code of many shapes, for comparing what the engines report: both must
count the same calls under the same names."""
import asyncio
import functools


def decorated(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper


class Outer:
    class Inner:
        def method(self, x):
            return x + 1

    @staticmethod
    def static(x):
        return x * 2

    @classmethod
    def klass(cls, x):
        return x - 1

    @decorated
    def wrapped(self, x):
        return x

    def closure(self, n):
        def helper(i):
            return i * i
        return sum(helper(i) for i in range(n))


def gen(n):
    for i in range(n):
        yield i


async def work(x):
    await asyncio.sleep(0)
    return x


async def gather():
    return sum(await asyncio.gather(*[work(i) for i in range(5)]))


def boom(n):
    if n % 2:
        raise ValueError(n)
    return n


def main():
    o = Outer()
    for i in range(7):
        Outer.Inner().method(i)
        Outer.static(i)
        Outer.klass(i)
        o.wrapped(i)
        o.closure(3)
        try:
            boom(i)
        except ValueError:
            pass
    print(sum(gen(4)), asyncio.run(gather()))
    f = lambda x: x  # noqa: E731  (never selected: not a named function)
    f(1)


if __name__ == "__main__":
    main()
