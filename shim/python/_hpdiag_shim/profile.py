"""Engine for Python 3.8-3.11: sys.setprofile and threading.setprofile.

The profile function runs for every call and return of every Python
function, so its fast path is one dict lookup keyed by id(code). A 'return'
event does not say whether the frame left by an exception: the instruction
at frame.f_lasti does (checked on 3.8, 3.9, 3.10 and 3.11):

- RETURN_VALUE: a return; YIELD_VALUE: a suspension (3.11's yield from and
  await suspend there too);
- 3.8-3.10 suspend a yield from / await with f_lasti on the instruction
  before YIELD_FROM (which it re-executes on resume);
- anything else (the raising instruction, RERAISE, YIELD_FROM itself when
  the delegated-to iterator raised, RETURN_GENERATOR for a throw() into a
  generator that never started, f_lasti -1) is an exception.

Limitation: an exception thrown into a suspended generator with throw()
(contextlib.contextmanager does so when its with-body raises) that the
generator does not catch leaves it with f_lasti still on its YIELD_VALUE:
that exit is reported as a normal one. Python 3.12+ (sys.monitoring) tells
it exactly.
"""
import opcode
import sys
from _thread import get_ident
from time import perf_counter_ns

from .recorder import ENTER, EXIT, EXIT_EXC, KIND_BITS, PACK3

_MASK = ~((1 << KIND_BITS) - 1)
_CAPTURE = 4
_RETURN_VALUE = opcode.opmap['RETURN_VALUE']
_YIELD_VALUE = opcode.opmap['YIELD_VALUE']
_YIELD_FROM = opcode.opmap.get('YIELD_FROM', -1)  # <= 3.10


def left_by_exception(frame):
    """Whether a frame whose 'return' event carries None is unwinding."""
    i = frame.f_lasti
    if i < 0:
        return True
    code = frame.f_code.co_code
    op = code[i]
    if op == _RETURN_VALUE or op == _YIELD_VALUE:
        return False
    if op != _YIELD_FROM and i + 2 < len(code) and code[i + 2] == _YIELD_FROM:
        return False
    return True


def _make_profile(shim):
    get = shim.verdicts.get
    rec = shim.recorder
    buf = rec.buf
    add = buf.frombytes
    high = rec.high
    overflow = rec.overflow
    first_sight = shim.first_sight
    capture = shim.capture
    exit_slow = shim.exit_slow
    fail = shim.fail

    def profile(frame, event, arg):
        try:
            if event == 'call':
                code = frame.f_code
                v = get(id(code))
                if v is None:
                    v = first_sight(code, frame)
                if v:
                    if v & _CAPTURE:
                        capture(code, frame, v, get_ident(), perf_counter_ns())
                    elif len(buf) < high:
                        add(PACK3(v | ENTER, get_ident(), perf_counter_ns()))
                    else:
                        overflow(PACK3(v | ENTER, get_ident(), perf_counter_ns()))
            elif event == 'return':
                v = get(id(frame.f_code))
                if v and v & _CAPTURE:
                    exit_slow(v, get_ident(), arg, arg is None and left_by_exception(frame))
                elif v:
                    if arg is None and left_by_exception(frame):
                        w = (v & _MASK) | EXIT_EXC
                    else:
                        w = (v & _MASK) | EXIT
                    if len(buf) < high:
                        add(PACK3(w, get_ident(), perf_counter_ns()))
                    else:
                        overflow(PACK3(w, get_ident(), perf_counter_ns()))
        except RecursionError:
            # At the recursion limit any further call of ours would raise
            # again inside the application's own error handling: the
            # event is lost, the application's RecursionError stays its own.
            return
        except Exception as exc:
            fail('profile hook: %r' % (exc,))
    return profile


class Engine(object):
    """sys.setprofile in this thread, threading.setprofile for new ones.
    Threads started with _thread.start_new_thread directly are not traced."""

    # Every code object seen keeps its verdict, unmatched ones too: the
    # profile function sees them again on every call.
    keep_unmatched = True

    def __init__(self, shim):
        import threading  # not at import: 3.12+ never needs it
        self.threading = threading
        self.profile = _make_profile(shim)

    def prepare(self):
        """Readies the engine; returns the C call (function, args) that
        switches it on in this thread."""
        self.threading.setprofile(self.profile)
        return sys.setprofile, (self.profile,)

    def stop(self):
        threading = self.threading
        if getattr(threading, '_profile_hook', None) is self.profile:
            threading.setprofile(None)
        if sys.getprofile() is self.profile:
            sys.setprofile(None)

    def thread_setup(self):
        """Traces the shim's own thread (instrument_pyprobe_threads)."""
        sys.setprofile(self.profile)

    def resumed(self, code):
        pass

    def rearm(self):
        pass  # the shim dropped the unmatched verdicts: asked again at the next call
