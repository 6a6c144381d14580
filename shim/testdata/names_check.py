"""Checks _hpdiag_shim.names against co_qualname-like expectations: the
qualified names it rebuilds for Python <= 3.10, and how methods bind their
first argument. Prints 'ok' or what differs. argv[1] is the shim's dir."""
import functools
import sys

sys.path.insert(0, sys.argv[1])
from _hpdiag_shim import names  # noqa: E402


def here():
    return sys._getframe(1)


def deco(f):
    @functools.wraps(f)
    def wrapper(*args, **kws):
        return f(*args, **kws)
    return wrapper


class Outer(object):
    class Inner(object):
        def m(self, a, *rest):
            return here()

        @staticmethod
        def s(x):
            return here()

        @classmethod
        def c(cls, y):
            """Class doc."""
            return here()

        @property
        def p(self):
            return here()

        def __private(self):
            return here()

        def call_private(self):
            return self.__private()

    @deco
    def wrapped(self):
        return here()


class Base(object):
    def inherited(self):
        return here()


class Derived(Base):
    pass


class Proxy(object):
    """Lies about its class, as proxies do."""
    @property
    def __class__(self):
        raise RuntimeError('no class here')

    def method(self):
        return here()


def func(a, b=2):
    """Func doc."""
    return here()


cases = [
    (Outer.Inner().m(1, 2, 3), 'Outer.Inner.m', names.INSTANCE, '1, Outer.Inner<m>'),
    (Outer.Inner.s(5), 'Outer.Inner.s', names.STATIC, '5, __main__'),
    (Outer.Inner.c(7), 'Outer.Inner.c', names.CLASS, '7, Class doc.'),
    # args:0 is left out where there is no such argument.
    (Outer.Inner().p, 'Outer.Inner.p', names.INSTANCE, 'Outer.Inner<m>'),
    (Outer.Inner().call_private(), 'Outer.Inner.__private', names.INSTANCE, 'Outer.Inner<m>'),
    (Outer().wrapped(), 'Outer.wrapped', names.INSTANCE, 'Outer<>'),
    (Derived().inherited(), 'Base.inherited', names.INSTANCE, 'Derived<>'),
    (Proxy().method(), 'Proxy.method', names.INSTANCE, 'Proxy<>'),
    (func(1), 'func', None, '1, Func doc.'),
]
Outer.Inner.__str__ = lambda self: 'Outer.Inner<m>'
Outer.__str__ = lambda self: 'Outer<>'
Base.__str__ = lambda self: type(self).__name__ + '<>'
Proxy.__str__ = lambda self: 'Proxy<>'
bad = []
for frame, qual, binding, value in cases:
    code = frame.f_code
    got = names.rebuild_qualname(code, frame)
    if got != qual:
        bad.append('%s: qualname %r, want %r' % (code.co_name, got, qual))
    if getattr(code, 'co_qualname', qual) != qual:
        bad.append('%s: the test expects %r, Python says %r' % (code.co_name, qual, code.co_qualname))
    cap = names.Capture([0, -1], binding is not None, '__main__', 512)
    v = cap.value(code, frame.f_locals)
    if cap.binding != binding or v != value:
        bad.append('%s: binding %r value %r, want %r %r' % (code.co_name, cap.binding, v, binding, value))
# *args continue the positional arguments; a default counts as passed.
frame = cases[0][0]
v = names.Capture([2, 1], True, '__main__', 512).value(frame.f_code, frame.f_locals)
if v != '3, 2':
    bad.append('m: args:2, args:1 = %r, want %r' % (v, '3, 2'))
frame = cases[-1][0]
v = names.Capture([1], False, '__main__', 512).value(frame.f_code, frame.f_locals)
if v != '2':
    bad.append('func: args:1 = %r, want the default %r' % (v, '2'))
print('\n'.join(bad) or 'ok')
