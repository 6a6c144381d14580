"""Engine for Python 3.12+: sys.monitoring (PEP 669).

PY_START is a global event: the first call of a code object asks for its
verdict; an unmatched one answers DISABLE, so it costs nothing from then on;
a matched one gets the local events PY_RETURN, PY_YIELD and PY_RESUME.
PY_UNWIND and PY_THROW exist only as global events: they look the code up
and return at once for code that is not matched.

A generator or coroutine is one call per activation: PY_START or PY_RESUME
or PY_THROW is an Enter; PY_YIELD, PY_RETURN or PY_UNWIND the Exit. A
GeneratorExit unwinding a generator being closed is a normal exit.
"""
import sys
from _thread import get_ident
from time import perf_counter_ns

from .recorder import ENTER, EXIT, EXIT_EXC, KIND_BITS, PACK3

_MASK = ~((1 << KIND_BITS) - 1)
_CAPTURE = 4
# Ids 3 and 4 have no assigned user; 2 (PROFILER_ID) is cProfile's since
# 3.12, 1 coverage's, 0 debuggers'. Taking a free unassigned one first
# leaves those tools working in the traced application.
_TOOL_PREFERENCE = (4, 3, 5, 2, 1, 0)
_TOOL_NAME = 'hpdiag-trace'


def _pick_tool(mon):
    for tool in _TOOL_PREFERENCE:
        if mon.get_tool(tool) is None:
            try:
                mon.use_tool_id(tool, _TOOL_NAME)
                return tool
            except ValueError:
                continue
    raise RuntimeError('every sys.monitoring tool id is in use')


class Engine(object):
    """The shim's sys.monitoring tool."""

    # Unmatched code is DISABLEd, never seen again: no verdict kept.
    keep_unmatched = False

    def __init__(self, shim):
        self.mon = sys.monitoring
        self.tool = _pick_tool(self.mon)
        self.shim = shim
        self.local_codes = []
        self.callbacks = _make_callbacks(shim, self)

    def prepare(self):
        """Readies the engine; returns the C call (function, args) that
        switches it on."""
        mon, ev = self.mon, self.mon.events
        for event, callback in self.callbacks.items():
            mon.register_callback(self.tool, event, callback)
        return mon.set_events, (self.tool, ev.PY_START | ev.PY_UNWIND | ev.PY_THROW)

    def instrument(self, code):
        ev = self.mon.events
        self.mon.set_local_events(self.tool, code, ev.PY_RETURN | ev.PY_YIELD | ev.PY_RESUME)
        self.local_codes.append(code)

    def stop(self):
        mon, tool = self.mon, self.tool
        mon.set_events(tool, 0)
        for code in self.local_codes:
            try:
                mon.set_local_events(tool, code, 0)
            except Exception:
                pass
        for event in self.callbacks:
            mon.register_callback(tool, event, None)
        mon.free_tool_id(tool)

    def thread_setup(self):
        pass

    def resumed(self, code):
        self.instrument(code)

    def rearm(self):
        """Code objects answered DISABLE get PY_START again (points were
        added): sys.monitoring.restart_events()."""
        self.mon.restart_events()


def _make_callbacks(shim, engine):
    mon = sys.monitoring
    ev = mon.events
    DISABLE = mon.DISABLE
    getframe = sys._getframe
    get = shim.verdicts.get
    rec = shim.recorder
    buf = rec.buf
    add = buf.frombytes
    high = rec.high
    overflow = rec.overflow
    first_sight = shim.first_sight
    capture = shim.capture
    exit_slow = shim.exit_slow
    instrument = engine.instrument
    fail = shim.fail

    def on_start(code, offset):
        try:
            v = get(id(code))
            if v is None:
                v = first_sight(code, getframe(1))
                if not v:
                    return DISABLE
                instrument(code)
            if v & _CAPTURE:
                capture(code, getframe(1), v, get_ident(), perf_counter_ns())
            elif len(buf) < high:
                add(PACK3(v | ENTER, get_ident(), perf_counter_ns()))
            else:
                overflow(PACK3(v | ENTER, get_ident(), perf_counter_ns()))
        except RecursionError:
            # At the recursion limit any further call of ours would raise
            # again inside the application's own error handling: the
            # event is lost, the application's RecursionError stays its own.
            return
        except Exception as err:
            fail('PY_START: %r' % (err,))

    def on_resume(code, offset, exc=None):
        try:
            v = get(id(code))
            if v:
                if v & _CAPTURE:
                    capture(code, getframe(1), v, get_ident(), perf_counter_ns())
                elif len(buf) < high:
                    add(PACK3(v | ENTER, get_ident(), perf_counter_ns()))
                else:
                    overflow(PACK3(v | ENTER, get_ident(), perf_counter_ns()))
        except RecursionError:
            return  # as above
        except Exception as err:
            fail('PY_RESUME: %r' % (err,))

    def on_exit(code, offset, value):
        try:
            v = get(id(code))
            if v and v & _CAPTURE:
                exit_slow(v, get_ident(), value, False)
            elif v:
                w = (v & _MASK) | EXIT
                if len(buf) < high:
                    add(PACK3(w, get_ident(), perf_counter_ns()))
                else:
                    overflow(PACK3(w, get_ident(), perf_counter_ns()))
        except RecursionError:
            return  # as above
        except Exception as err:
            fail('PY_RETURN: %r' % (err,))

    def on_unwind(code, offset, exc):
        try:
            v = get(id(code))
            if v and v & _CAPTURE:
                exit_slow(v, get_ident(), None, type(exc) is not GeneratorExit)
            elif v:
                w = (v & _MASK) | (EXIT if type(exc) is GeneratorExit else EXIT_EXC)
                if len(buf) < high:
                    add(PACK3(w, get_ident(), perf_counter_ns()))
                else:
                    overflow(PACK3(w, get_ident(), perf_counter_ns()))
        except RecursionError:
            return  # as above
        except Exception as err:
            fail('PY_UNWIND: %r' % (err,))

    return {
        ev.PY_START: on_start,
        ev.PY_RESUME: on_resume,
        ev.PY_THROW: on_resume,
        ev.PY_RETURN: on_exit,
        ev.PY_YIELD: on_exit,
        ev.PY_UNWIND: on_unwind,
    }
