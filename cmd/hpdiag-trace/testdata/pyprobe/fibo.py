try:
    from hpdiag import pyprobe
except ImportError:
    pyprobe = None


def _class_point(**kws):
    return pyprobe.class_point(**kws) if pyprobe else (lambda c: c)


def _method_point(**kws):
    return pyprobe.method_point(**kws) if pyprobe else (lambda f: f)


def _func_point(**kws):
    return pyprobe.func_point(**kws) if pyprobe else (lambda f: f)


@_class_point(method="^fib$|rfib", layer="fiboLayer")
class Fibo(object):
    def fib(self, n):
        a, b = 0, 1
        for _ in range(n):
            a, b = b, a + b
        return a

    def rfib(self, n):
        if n < 2:
            return n
        return self.rfib(n - 1) + self.rfib(n - 2)

    def rfib_seq(self, n):
        return [self.rfib(i) for i in range(n)]

    @_method_point(clazz="Fibo", layer="fibolayer", args="0")
    def fib_seq2(self, n):
        return [self.fib(i) for i in range(n)]

    def not_traced(self):
        return None


class _DecoMemoize(object):
    def __init__(self, fn):
        self.fn = fn
        self.memo = {}

    def __call__(self, n):
        if n not in self.memo:
            self.memo[n] = self.fn(n)
        return self.memo[n]


@_DecoMemoize
@_func_point(layer="fibolayer", args=0)
def mfib(n):
    if n < 2:
        return n
    return mfib(n - 1) + mfib(n - 2)
