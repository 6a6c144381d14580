"""What fork needs beyond a new connection.

Two things would otherwise change what the application sees or loses:

- Python 3.12+ warns (DeprecationWarning) when a multi-threaded process
  forks, counting OS threads. The shim's shipping thread must not make a
  single-threaded application get that warning: while the fork runs, a
  filter hides it exactly when the application alone would not have
  caused it, and the registry entry the ignored warning leaves in the
  calling module is removed again.
- A multiprocessing child started by fork ends with os._exit(), so atexit
  never runs there; the shim says goodbye from a multiprocessing finalizer.
"""
import _warnings
import re
import sys
import time
from _thread import get_ident

now = time.perf_counter_ns

_FORK_WARNING_RE = re.compile(
    r'This process \(pid=\d+\) is multi-threaded, use of fork\(\) may lead to deadlocks')
_SHIM_THREADS = 1  # the shipping thread


def _os_threads():
    """The number of OS threads, counted as CPython 3.12+ counts them for
    its warning; None where that count is not at hand."""
    if not sys.platform.startswith('linux'):
        return None
    try:
        with open('/proc/self/stat', 'rb') as f:
            stat = f.read()
        return int(stat[stat.rindex(b')') + 2:].split()[17])
    except Exception:
        return None


def _app_threads():
    n = _os_threads()
    if n is not None:
        return n - _SHIM_THREADS
    threading = sys.modules.get('threading')
    if threading is None:
        return 1
    try:
        return len(threading._active) + len(threading._limbo)
    except Exception:
        return 1


class ForkState(object):
    """The state of one fork in progress, and the multiprocessing hook.

    CPython issues the fork warning before the after_in_parent hooks (3.12)
    or after them (3.13.0), so the filter cannot simply go in that hook:
    it goes once the warning was processed (its registry entry shows that)
    or, failing that, once the forking thread has left os.fork() (seen by
    the shipping thread, settle())."""

    def __init__(self):
        self.locked = False
        self.mp_hooked = False
        self._clear()

    def _clear(self):
        self.filter = None
        self.filters = None
        self.globals = None
        self.had_registry = False
        self.known = ()
        self.caller = None
        self.lasti = -1
        self.tid = None
        self.pending = False

    def before(self, shim, caller):
        """caller is the frame that called os.fork()."""
        if self.filter is not None:
            self._finish()
        if not self.mp_hooked:
            mp = sys.modules.get('multiprocessing.util')
            if mp is not None:
                # Runs in every multiprocessing child started by fork, after
                # multiprocessing cleared its finalizers there.
                mp.register_after_fork(shim, _mp_child)
                self.mp_hooked = True
        if sys.version_info >= (3, 12) and _app_threads() <= 1:
            self._hide_warning(caller)

    def _hide_warning(self, caller):
        # Filters are searched on every warning, so no version bump is
        # needed; the registry entry an ignored warning leaves behind is
        # removed again in _finish().
        item = ('ignore', _FORK_WARNING_RE, DeprecationWarning, None, 0)
        filters = _filter_list()
        filters.insert(0, item)
        self.filter, self.filters = item, filters
        g = caller.f_globals if caller is not None else None
        reg = g.get('__warningregistry__') if g is not None else None
        self.globals = g
        self.had_registry = type(reg) is dict
        self.known = set(k for k in reg if _is_fork_key(k)) if self.had_registry else ()
        self.caller = caller
        self.lasti = caller.f_lasti if caller is not None else -1
        self.tid = get_ident()

    def after_parent(self):
        """Returns True when the shipping thread must settle() the fork."""
        if self.filter is None:
            return False
        if self._warned():
            self._finish()
            return False
        self.pending = True
        return True

    def after_child(self):
        if self.filter is not None:
            self._finish()

    def settle(self):
        """In the shipping thread: ends the fork's filter once the forking
        thread has left os.fork()."""
        if not self.pending:
            return
        frame = sys._current_frames().get(self.tid)
        if frame is self.caller and frame is not None and frame.f_lasti == self.lasti:
            return  # still inside os.fork(): next time
        self._finish()

    def _warned(self):
        g = self.globals
        reg = g.get('__warningregistry__') if g is not None else None
        if type(reg) is not dict:
            return False
        return any(_is_fork_key(k) and k not in self.known for k in reg)

    def _finish(self):
        item, filters, g = self.filter, self.filters, self.globals
        had, known = self.had_registry, self.known
        self._clear()
        for i, f in enumerate(filters):
            if f is item:
                del filters[i]
                break
        reg = g.get('__warningregistry__') if g is not None else None
        if type(reg) is not dict:
            return
        if not had:
            if all(_is_fork_key(k) or k == 'version' for k in reg):
                del g['__warningregistry__']
            return
        for k in [k for k in reg if _is_fork_key(k) and k not in known]:
            del reg[k]


def _filter_list():
    # The list CPython's C code searches: the warnings module's when it is
    # imported (catch_warnings() replaces it), else the C one.
    warnings = sys.modules.get('warnings')
    filters = getattr(warnings, 'filters', None) if warnings is not None else None
    return filters if type(filters) is list else _warnings.filters


def _is_fork_key(key):
    return (type(key) is tuple and len(key) == 3 and key[1] is DeprecationWarning
            and type(key[0]) is str and _FORK_WARNING_RE.match(key[0]) is not None)


def _mp_child(shim):
    mp = sys.modules.get('multiprocessing.util')
    if mp is not None:
        # The lowest priority: after every finalizer of the application.
        mp.Finalize(None, shim.final, args=('multiprocessing child exit',),
                    exitpriority=-(1 << 30))
