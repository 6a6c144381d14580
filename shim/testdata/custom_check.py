"""Checks _hpdiag_shim.custom's reading and rewriting of a starting call's
arguments (args, kws, method_args, method_kws) from a profile function, on
every supported interpreter: cells, *args, **kwargs, keyword-only and
bound methods. Prints ok or what differs."""
import sys

sys.path.insert(0, sys.argv[1])
from _hpdiag_shim import custom, names  # noqa: E402

failures = []
plans = {}  # code -> (bound, new_args, new_kws, expected args, expected kws)


def f(a, b=2, *rest, k=1, **kw):
    return (a, b, rest, k, kw)


def cell(a, b):
    def inner():
        return a + b
    return inner()


class C(object):
    def m(self, x, y=0):
        return (x, y)

    @classmethod
    def cm(cls, x):
        return x


def profile(frame, event, arg):
    if event != 'call':
        return
    plan = plans.get(frame.f_code)
    if plan is None:
        return
    binding, new_args, new_kws, want_args, want_kws = plan
    _, got_args, got_kws = custom._call_args(frame.f_code, frame, binding)
    if (got_args, got_kws) != (want_args, want_kws):
        failures.append('%s: read %r %r, want %r %r' % (frame.f_code.co_name, got_args, got_kws, want_args, want_kws))
    custom._rewrite(frame.f_code, frame, binding in (names.INSTANCE, names.CLASS), new_args, new_kws)


def check(fn, call, binding, new_args, new_kws, want_args, want_kws, want_result):
    code = getattr(fn, '__func__', fn).__code__
    plans[code] = (binding, new_args, new_kws, want_args, want_kws)
    sys.setprofile(profile)
    try:
        got = call()
    finally:
        sys.setprofile(None)
    del plans[code]
    if got != want_result:
        failures.append('%s: returned %r, want %r' % (code.co_name, got, want_result))


check(f, lambda: f(1, 5, 6, 7, k=3, z=9), names.STATIC, (10, 20, 30), {'k': 40, 'extra': 50},
      (1, 5, 6, 7), {'k': 3, 'z': 9}, (10, 20, (30,), 40, {'extra': 50}))
check(f, lambda: f(1), names.STATIC, None, {'b': 'kw-to-positional'},
      (1, 2), {'k': 1}, (1, 'kw-to-positional', (), 1, {}))
check(cell, lambda: cell(1, 2), names.STATIC, (100, 200), None, (1, 2), {}, 300)
obj = C()
check(C.m, lambda: obj.m(1), names.INSTANCE, ('x', 'y'), None, (1, 0), {}, ('x', 'y'))
check(C.cm, lambda: C.cm(5), names.CLASS, (6,), None, (5,), {}, 6)
try:
    custom._rewrite(C.m.__code__, sys._getframe(), True, (1, 2, 3), None)
    failures.append('too many method_args accepted')
except TypeError:
    pass

print('ok' if not failures else '\n'.join(failures))
