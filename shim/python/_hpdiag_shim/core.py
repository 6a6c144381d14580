"""The shim of one process: verdicts, captured values, exit and fork."""
import atexit
import itertools
import os
import re
import sys
import weakref

from . import custom, forking, names, wire
from .recorder import ATTR, ENTER, ENTER_VALUE, EXIT, EXIT_EXC, KIND_BITS, PACK3, PACK4, Recorder

_KIND_MASK = ~((1 << KIND_BITS) - 1)  # clears the kind bits of a word
CAPTURE = 4  # verdict bit: the code captures a value on Enter


def _name_filter(patterns):
    """A cheap pre-check on co_name built from the points' method patterns:
    a code object whose name no pattern matches cannot be selected, so the
    tracer is not asked. Anything Python's re cannot compile disables it."""
    if patterns is None:
        return lambda name: True
    searches = []
    for pattern in patterns:
        if pattern is None:
            return lambda name: True
        try:
            searches.append(re.compile(pattern).search)
        except Exception:
            return lambda name: True

    def ok(name):
        for search in searches:
            if search(name) is not None:
                return True
        return False
    return ok


# CO_NEWLOCALS: set on functions, lambdas and comprehensions; not on class
# bodies and module code.
_CO_NEWLOCALS = 0x2

class Shim(object):
    """State of the shim in this process. Engines (profile, monitor) call
    first_sight() for a code object they have no verdict for, and record
    through the recorder."""

    def __init__(self, sock, addr, token, shimdir, hello, welcome):
        self.conn = wire.Conn(sock)
        self.addr = addr
        self.hello = dict(hello, token=token)
        self.shim_prefix = os.path.join(os.path.normcase(shimdir), '')
        self.trace_shim = bool(welcome.get('trace_shim'))
        self.value_limit = int(welcome.get('max_value') or 512)
        self.patterns = welcome.get('methods')
        self.name_ok = _name_filter(self.patterns)
        # The [Probe] keys the pyprobe API honours.
        self.armed = welcome.get('auto_instrument', True) is not False
        self.error_on_duplicate = bool(welcome.get('error_on_duplicate_location'))
        self.preloaded = None  # module names loaded before pyprobe.init()
        self.api_points = []   # points created in code, as sent
        self.custom = custom.Runner(self, welcome.get('custom_code_dir'))
        interval = (welcome.get('interval_ms') or 50) / 1000.0
        max_records = int(welcome.get('max_records') or 1000000)
        self.recorder = Recorder(self.conn, interval, max_records, self.fail)
        self.fork = forking.ForkState()
        self.recorder.tick = self.fork.settle
        # id(code) -> verdict: 0, or code id << 3 | CAPTURE. Keyed by id()
        # because hashing a code object hashes its whole contents. A weak
        # reference per keyed code object drops its entry when the code is
        # freed, before its address can be reused, so that code made at run
        # time (exec, templates, namedtuple) does not pile up.
        self.verdicts = {}
        self.pins = {}
        self.captures = {}
        self.cids = itertools.count(1)
        self.keep_unmatched = True
        self.engine = None
        self.tracing = False
        self.finished = False
        self.pid = os.getpid()

    def start(self, engine_module):
        self.engine = engine_module.Engine(self)
        self.keep_unmatched = self.engine.keep_unmatched
        self.recorder.start(self.engine.thread_setup if self.trace_shim else None)
        atexit.register(self.final, 'exit')
        if hasattr(os, 'register_at_fork'):
            os.register_at_fork(before=self._before_fork,
                                after_in_parent=self._after_parent,
                                after_in_child=self._after_child)
        self.tracing = True
        # The pyprobe API (hpdiag.pyprobe, installed by hpdiag-trace setup)
        # finds the shim of this process here.
        sys._hpdiag_trace_shim = self
        try:
            switch_on, args = self.engine.prepare()
            calls = self._open_calls(sys._getframe(0))
        except Exception as exc:
            self.fail('starting: %r' % (exc,))
            return
        # The calls under way (site importing the bootstrap, this one) will
        # return while traced: those matched get their Enter now, before the
        # engine is switched on (by a C call), so that nothing of the shim's
        # own is half recorded when TraceShimThreads traces it.
        self._record_enters(calls)
        switch_on(*args)

    # Verdicts.

    def first_sight(self, code, frame):
        """The verdict for a code object not seen before (0: not traced)."""
        if not self.armed:
            return 0  # asked again once pyprobe.instrument() arms the shim
        if not self.tracing:
            v = 0
        elif self.preloaded is not None and frame.f_globals.get('__name__') in self.preloaded:
            v = 0
        elif not self.trace_shim and os.path.normcase(code.co_filename).startswith(self.shim_prefix):
            v = 0
        elif not self.name_ok(code.co_name):
            v = 0
        else:
            return self._ask(code, frame)
        if self.keep_unmatched:
            self._keep(code, 0)
        return v

    def _ask(self, code, frame):
        qual = getattr(code, 'co_qualname', None)
        if qual is None:
            qual = names.rebuild_qualname(code, frame)
        module = frame.f_globals.get('__name__')
        if type(module) is not str:
            module = ''
        with self.conn.lock:
            v = self.verdicts.get(id(code))
            if v is not None:
                return v  # another thread asked meanwhile
            cid = next(self.cids)
            reply = self.conn.request(wire.VERDICT_Q, {
                'id': cid, 'file': code.co_filename, 'qual': qual,
                'name': code.co_name, 'line': code.co_firstlineno, 'module': module,
                'body': not code.co_flags & _CO_NEWLOCALS,
            }, wire.VERDICT)
            if reply.get('id') != cid:
                raise ValueError('verdict for code id %r, asked for %d' % (reply.get('id'), cid))
            v = 0
            if reply.get('match'):
                v = cid << KIND_BITS
                indexes = reply.get('args')
                has_custom = self.custom.prepare(cid, reply, module, qual, code)
                if indexes or has_custom:
                    self.captures[cid] = names.Capture(
                        [int(i) for i in indexes or ()], bool(reply.get('method')),
                        reply.get('module') or module, self.value_limit)
                    v |= CAPTURE
            if v or self.keep_unmatched:
                self._keep(code, v)
        return v

    def _keep(self, code, v):
        key = id(code)
        verdicts, pins = self.verdicts, self.pins

        def forget(_ref):
            verdicts.pop(key, None)
            pins.pop(key, None)
        pins[key] = weakref.ref(code, forget)
        verdicts[key] = v

    def capture(self, code, frame, v, tid, t):
        """Records an Enter with the value the code's point captures, after
        running its before:code if it has one."""
        cid = v >> KIND_BITS
        cap = self.captures.get(cid)
        if cid in self.custom.by_cid and cap is not None:
            binding = cap.binding
            if binding is None:
                binding = cap._bound(code, names.positional(code, frame.f_locals))
            text, attrs = self.custom.enter(cid, code, frame, binding, tid,
                                            lambda: cap.value(code, frame.f_locals))
            self.recorder.add_value((v & _KIND_MASK) | ENTER_VALUE, tid, t,
                                    text.encode('utf-8', 'replace'))
            for key, value in attrs:
                self.record_attr(key, tid, value)
            return
        text = cap.value(code, frame.f_locals) if cap is not None else ''
        self.recorder.add_value((v & _KIND_MASK) | ENTER_VALUE, tid, t,
                                text.encode('utf-8', 'replace'))

    def exit_slow(self, v, tid, value, exc):
        """Records the Exit of a code object with a captured value or custom
        code, after running its after:code."""
        cid = v >> KIND_BITS
        if cid in self.custom.by_cid:
            self.custom.exit(cid, tid, value)
        w = (v & _KIND_MASK) | (EXIT_EXC if exc else EXIT)
        self.recorder.add_word(w, tid, forking.now())

    def record_attr(self, key, tid, value):
        """Records a request attribute for the call open on thread tid."""
        if not isinstance(value, str):
            value = names.text(value, self.value_limit)
        self.recorder.add_value((key << KIND_BITS) | ATTR, tid, forking.now(),
                                value.encode('utf-8', 'replace'))

    def log(self, level, message):
        """Sends a message to the tracer's log (never to the app's stdio)."""
        try:
            body = wire._encode({'level': level, 'message': str(message)}).encode('utf-8', 'replace')
            if self.conn.lock.acquire(True, 5.0):
                try:
                    self.conn.send(wire.LOG, body)
                finally:
                    self.conn.lock.release()
        except Exception:
            pass

    # The pyprobe API.

    def add_points(self, points):
        """Sends points created in code; returns the tracer's answer."""
        reply = self.conn.request(wire.POINTS, {'points': points}, wire.ACCEPTED)
        self.api_points.extend(points)
        methods = reply.get('methods') or []
        if methods and self.patterns is not None:
            self.patterns = list(self.patterns) + list(methods)
            self.name_ok = _name_filter(self.patterns)
        if methods:
            self.rearm()
        return reply

    def arm(self):
        """pyprobe.instrument() with auto_instrument = false: trace from now."""
        if not self.armed:
            self.armed = True
            self.rearm()

    def rearm(self):
        """Forgets the code objects found unmatched, so that they are asked
        about again with the points added since."""
        # list() is one C call: no traced code runs while the dict is copied.
        for key, v in list(self.verdicts.items()):
            if v:
                continue
            self.verdicts.pop(key, None)
            self.pins.pop(key, None)
        try:
            self.engine.rearm()
        except Exception as exc:
            self.log('warning', 'cannot re-arm the engine: %r' % (exc,))

    # Failures and the end.

    def fail(self, message):
        """An internal error: tracing stops, the application runs on, and
        the tracer is told (if it can still be reached)."""
        self.stop_tracing()
        try:
            import traceback  # only now: it is costly to import at start-up
            body = {'message': str(message), 'traceback': traceback.format_exc(),
                    'disabled': True}
            if self.conn.lock.acquire(True, 5.0):
                try:
                    self.conn.send(wire.ERROR, wire._encode(body).encode('utf-8', 'replace'))
                finally:
                    self.conn.lock.release()
        except Exception:
            pass

    def stop_tracing(self):
        if getattr(sys, '_hpdiag_trace_shim', None) is self:
            try:
                del sys._hpdiag_trace_shim
            except AttributeError:
                pass
        if not self.tracing:
            return
        self.tracing = False
        try:
            self.engine.stop()
        except Exception:
            pass
        # Threads that still call the engine now get 0 from first_sight.
        self.verdicts.clear()

    def final(self, reason):
        """Ships what is queued and says goodbye: at exit, or at the end of
        a multiprocessing child (which leaves by os._exit)."""
        if self.finished:
            return
        self.finished = True
        self.stop_tracing()
        rec = self.recorder
        rec.stop()
        rec.closed = True
        try:
            lock = self.conn.lock
            if not lock.acquire(True, wire.IO_TIMEOUT):
                return
            try:
                rec.flush_locked()
                body = wire._encode({'reason': reason, 'dropped': rec.dropped_total})
                self.conn.send(wire.GOODBYE, body.encode('utf-8'))
            finally:
                lock.release()
        except Exception:
            pass
        self.conn.close()

    # Fork.

    def _before_fork(self):
        if not self.tracing or self.finished:
            return
        self.fork.before(self, sys._getframe(1))
        # No frame may be half written when the child copies the socket.
        self.conn.lock.acquire()
        self.fork.locked = True

    def _after_parent(self):
        if self.fork.locked:
            self.fork.locked = False
            self.conn.lock.release()
        if self.fork.after_parent():
            self.recorder.kick()

    def _after_child(self):
        self.fork.after_child()
        if not self.fork.locked:
            # Not tracing at the fork: the child has nothing to say, and the
            # socket is its parent's.
            self.finished = True
            self.conn.forget()
            return
        self.fork.locked = False
        parent, self.pid = self.pid, os.getpid()
        self.conn.forget()
        self.verdicts.clear()
        self.pins.clear()
        self.captures.clear()
        self.custom.forget()
        self.cids = itertools.count(1)
        try:
            conn = wire.Conn(wire.connect(self.addr))
            reply = conn.request(wire.HELLO, wire.hello_for_child(self.hello, parent), wire.WELCOME)
        except Exception:
            self.stop_tracing()
            self.finished = True
            return
        self.conn = conn
        self.recorder.fork_child(conn)
        if not reply.get('ok'):
            self.stop_tracing()
            self.finished = True
            conn.close()
            return
        self.recorder.start(self.engine.thread_setup if self.trace_shim else None)
        if self.api_points:
            try:
                points, self.api_points = self.api_points, []
                self.add_points(points)
            except Exception as exc:
                self.fail('sending the points created in code again: %r' % (exc,))
                return
        # The child continues the forking thread's calls (see start()).
        try:
            calls = self._open_calls(sys._getframe(0))
        except Exception as exc:
            self.fail('resuming the calls open at fork: %r' % (exc,))
            return
        self._record_enters(calls)

    def _record_enters(self, calls):
        """Records the Enters of calls found open by _open_calls."""
        rec, tid = self.recorder, forking.get_ident()
        for v, data in calls:
            if data is None:
                rec.buf.frombytes(PACK3(v | ENTER, tid, forking.now()))
            else:
                vid = next(rec.vids)
                rec.values.append((vid, data))
                rec.buf.frombytes(PACK4((v & _KIND_MASK) | ENTER_VALUE, tid, forking.now(), vid))

    def _open_calls(self, frame):
        """The matched calls open in this thread from frame outwards,
        outermost first, as (verdict, captured value or None), for their
        Enters: at start-up, and in a fork child."""
        frames = []
        while frame is not None:
            frames.append(frame)
            frame = frame.f_back
        calls = []
        for f in reversed(frames):
            code = f.f_code
            v = self.verdicts.get(id(code))
            if v is None:
                v = self.first_sight(code, f)
            if not v:
                continue
            self.engine.resumed(code)
            data = None
            if v & CAPTURE:
                cap = self.captures.get(v >> KIND_BITS)
                text = cap.value(code, f.f_locals) if cap is not None else ''
                data = text.encode('utf-8', 'replace')
            calls.append((v, data))
        return calls
