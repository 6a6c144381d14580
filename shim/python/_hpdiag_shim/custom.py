"""Custom code (the guide's chapter 6): before:code and after:code functions
kept in the custom_code directory of the configuration directory, run around
the calls of the points that name them, and the location object they get.

Custom code runs from the engine's own events, inside the call: before:code
when the matched function starts (its frame holds the bound arguments),
after:code when it returns or raises, before the Exit is recorded. So a
point's custom code needs no wrapper, no change to the application's
namespaces, and sees the first call as well as the others. Rewritten
arguments (method_args, method_kws) are written into the starting frame.

Whatever custom code raises is logged through the tracer and never reaches
the application.
"""
import binascii
import os
import sys
import traceback
import types
from _thread import get_ident

from . import builtin_code, names

# Request attribute keys on the wire (shim/PROTOCOL.md, pipeline.AttrKey).
ATTR_URI = 1
ATTR_HTTP_STATUS = 2
ATTR_HTTP_STATUS_DESC = 3
ATTR_INBOUND_COLORING = 4
ATTR_REMOTE_IP = 5
ATTR_OUTBOUND = 7
ATTR_SERVER_PORT = 8
ATTR_CONSUMER_ID = 9

# location.add_request_attribute's four attributes (the guide's chapter 6).
REQUEST_ATTRIBUTES = {
    'WS_consumer_id': ATTR_CONSUMER_ID,
    'HTTP_status_code': ATTR_HTTP_STATUS,
    'HTTP_status_desc': ATTR_HTTP_STATUS_DESC,
    'tcp_server_port': ATTR_SERVER_PORT,
}

_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR
_CO_VARARGS = 0x04
_CO_VARKEYWORDS = 0x08
_MAX_LOGGED = 5  # failures logged per custom code function

ENVELOPE_PREFIX = 'hpdiag1:'


class CustomError(Exception):
    """A custom code file that cannot be used."""


class Loader(object):
    """Imports custom code files from the custom_code directory, once each.

    A name is a file name without .py, optionally dotted for sub-directories
    that hold an __init__.py (pyapp_controller.get_details). Names starting
    with 'hpdiag.' are the shim's own (coloring of http.client, urllib3,
    requests and WSGI; see builtin_code)."""

    def __init__(self, directory):
        self.directory = directory or ''
        self.modules = {}

    def get(self, name):
        mod = self.modules.get(name)
        if mod is None:
            mod = self.modules[name] = self._load(name)
        return mod

    def _load(self, name):
        if name.startswith('hpdiag.'):
            mod = builtin_code.MODULES.get(name[len('hpdiag.'):])
            if mod is None:
                raise CustomError('before:code/after:code %s: no such built-in custom code (the built-in ones are %s)'
                                  % (name, ', '.join('hpdiag.' + n for n in sorted(builtin_code.MODULES))))
            return mod
        parts = name.split('.')
        for part in parts:
            if not part.isidentifier():
                raise CustomError('custom code %s: %r is not a Python module name (no spaces, dashes or dots in file names)'
                                  % (name, part))
        if not self.directory:
            raise CustomError('custom code %s: no custom_code directory (give the configuration directory with -d)' % name)
        base = self.directory
        for i, part in enumerate(parts[:-1]):
            base = os.path.join(base, part)
            if not os.path.isfile(os.path.join(base, '__init__.py')):
                raise CustomError('custom code %s: %s has no __init__.py; a sub-directory of custom_code needs one'
                                  % (name, base))
        path = os.path.join(base, parts[-1] + '.py')
        if not os.path.isfile(path):
            raise CustomError('custom code %s: %s does not exist; put the file in %s'
                              % (name, path, self.directory))
        with open(path, 'rb') as f:
            source = f.read()
        mod = types.ModuleType('hpdiag_custom_code.' + name)
        mod.__file__ = path
        exec(compile(source, path, 'exec'), mod.__dict__)
        return mod


def _random_hex(n):
    return binascii.hexlify(os.urandom(n)).decode('ascii')


class Location(object):
    """The location object custom code gets: the instrumented function, and
    what custom code can report or ask for (the guide's chapter 6)."""

    def __init__(self, runner, point, module, clazz, method):
        self._runner = runner
        self.point = point
        self.module = module
        self.clazz = clazz
        self.method = method

    def __repr__(self):
        name = '.'.join(x for x in (self.module, self.clazz, self.method) if x)
        return '<hpdiag location %s (point %s)>' % (name, self.point)

    def add_request_attribute(self, name, value):
        """Reports WS_consumer_id, HTTP_status_code, HTTP_status_desc or
        tcp_server_port for the server request of this call."""
        key = REQUEST_ATTRIBUTES.get(name)
        if key is None:
            self._runner.log('warning', '%r: add_request_attribute(%r): unsupported attribute; use one of %s'
                             % (self, name, ', '.join(sorted(REQUEST_ATTRIBUTES))))
            return
        self._runner.attr(key, value)

    def get_outbound_coloring(self, target=None):
        """The coloring to send with an outbound call to target: a W3C
        trace context, 00-<trace id>-<span id>-01, whose trace id is the
        inbound coloring of this thread's request if it had one."""
        trace = self._runner.thread_trace()
        return '00-%s-%s-01' % (trace, _random_hex(8))

    def create_diag_envelope(self, coloring, data=''):
        """The coloring encoded for the X-Mercury-Diag-HTTP-Color header;
        with data (a str), that data with the encoded coloring in front,
        separated by a newline."""
        envelope = ENVELOPE_PREFIX + str(coloring)
        if data:
            return envelope + '\n' + str(data)
        return envelope

    def get_coloring_from_diag_envelope(self, envelope):
        """The coloring from what create_diag_envelope made (or a bare
        traceparent); None when there is none."""
        if envelope is None:
            return None
        if isinstance(envelope, bytes):
            envelope = envelope.decode('latin-1')
        text = str(envelope).strip()
        if text.startswith(ENVELOPE_PREFIX):
            text = text[len(ENVELOPE_PREFIX):].split('\n', 1)[0]
        return text or None

    def create_diag_arg(self, kind, params):
        """The diag_arg of an inbound or outbound call: kind (e.g. 'http')
        and its parameters (name, target, url ...)."""
        return DiagArg(kind, dict(params or {}))


class DiagArg(str):
    """A diag_arg: a str (kind:name) that keeps its parameters."""

    def __new__(cls, kind, params):
        self = str.__new__(cls, '%s:%s' % (kind, params.get('name', params.get('target', ''))))
        self.kind = kind
        self.params = params
        return self

    def target(self):
        p = self.params
        url = p.get('url')
        if url:
            return str(url)
        t = p.get('target') or p.get('name') or ''
        return '%s://%s' % (self.kind, t) if t and '://' not in str(t) else str(t)


class Functions(object):
    """The custom code of one point."""
    __slots__ = ('before', 'after', 'location', 'failures', 'inbound', 'outbound')

    def __init__(self, before, after, location, inbound, outbound):
        self.before = before
        self.after = after
        self.location = location
        self.failures = 0
        self.inbound = inbound
        self.outbound = outbound


def _call_args(code, frame, binding):
    """instance, args (tuple, after the instance or class), kws (dict of the
    keyword-only parameters and **kwargs) of a starting call, as the frame
    holds them."""
    f_locals = frame.f_locals
    args = names.positional(code, f_locals)
    instance = None
    if binding in (names.INSTANCE, names.CLASS) and args:
        instance, args = args[0], args[1:]
    kws = {}
    varnames = code.co_varnames
    start = code.co_argcount
    for name in varnames[start:start + code.co_kwonlyargcount]:
        if name in f_locals:
            kws[name] = f_locals[name]
    if code.co_flags & _CO_VARKEYWORDS:
        extra = start + code.co_kwonlyargcount + (1 if code.co_flags & _CO_VARARGS else 0)
        d = f_locals.get(varnames[extra])
        if type(d) is dict:
            kws.update(d)
    return instance, tuple(args), kws


def _rewrite(code, frame, bound, new_args, new_kws):
    """Writes method_args / method_kws into a starting frame: positional
    values to the positional parameters after the instance, the rest to
    *args; keywords to the parameters of that name, the rest to **kwargs."""
    varnames = code.co_varnames
    argc = code.co_argcount
    kwonly = code.co_kwonlyargcount
    first = 1 if bound else 0
    updates = {}
    if new_args is not None:
        new_args = tuple(new_args)
        named = varnames[first:argc]
        for name, value in zip(named, new_args):
            updates[name] = value
        if code.co_flags & _CO_VARARGS:
            updates[varnames[argc + kwonly]] = new_args[len(named):]
        elif len(new_args) > len(named):
            raise TypeError('method_args has %d values, the function takes %d' % (len(new_args), len(named)))
    if new_kws is not None:
        params = set(varnames[first:argc + kwonly])
        rest = {}
        for key, value in dict(new_kws).items():
            if key in params:
                updates[key] = value
            else:
                rest[key] = value
        if code.co_flags & _CO_VARKEYWORDS:
            extra = argc + kwonly + (1 if code.co_flags & _CO_VARARGS else 0)
            updates[varnames[extra]] = rest
        elif rest:
            raise TypeError('method_kws has keywords %s the function does not take' % ', '.join(sorted(rest)))
    if not updates:
        return
    write_locals(frame, updates)


def write_locals(frame, updates):
    """Sets local variables of a running frame: through the write-through
    f_locals proxy on 3.13+ (PEP 667), else f_locals and
    PyFrame_LocalsToFast, as debuggers do."""
    if sys.version_info >= (3, 13):
        proxy = frame.f_locals
        for k, v in updates.items():
            proxy[k] = v
        return
    global _locals_to_fast
    if _locals_to_fast is None:
        import ctypes
        fn = ctypes.pythonapi.PyFrame_LocalsToFast
        fn.argtypes = (ctypes.py_object, ctypes.c_int)
        fn.restype = None
        _locals_to_fast = fn
    d = frame.f_locals
    d.update(updates)
    _locals_to_fast(frame, 0)


_locals_to_fast = None  # PyFrame_LocalsToFast through ctypes, 3.8-3.12


class Runner(object):
    """Runs the custom code of the matched code objects of one process."""

    def __init__(self, shim, directory):
        self.shim = shim
        self.loader = Loader(directory)
        self.by_cid = {}     # code id -> Functions
        self.stacks = {}     # thread id -> [(code id, instance, dict) ...]
        self.pending = {}    # thread id -> [(key, value)] reported inside before:code
        self.busy = {}       # thread id -> True while custom code runs
        self.traces = {}     # thread id -> trace id of the inbound coloring

    # Set-up, at verdict time.

    def prepare(self, cid, reply, module, qual, code):
        """Loads the custom code a verdict names; returns True when the
        code object has some."""
        before_name, after_name = reply.get('before') or '', reply.get('after') or ''
        if not before_name and not after_name:
            return False
        if code.co_flags & _GENERATOR_FLAGS:
            self.log('warning', '%s (%s:%d): custom code is not run for generators and coroutines'
                     % (qual, code.co_filename, code.co_firstlineno))
            return False
        before = after = None
        try:
            if before_name:
                before = getattr(self.loader.get(before_name), 'custom_fct_before', None)
                if before is None:
                    raise CustomError('custom code %s has no function custom_fct_before(instance, location, args, kws)' % before_name)
            if after_name:
                after = getattr(self.loader.get(after_name), 'custom_fct_after', None)
                if after is None:
                    raise CustomError('custom code %s has no function custom_fct_after(instance, location, method_return_value, code_dict)' % after_name)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.log('error', 'point %s: %s; the point is traced without it' % (reply.get('point') or qual, _describe(exc)))
            if before is None and after is None:
                return False
        clazz, _, method = qual.rpartition('.')
        loc = Location(self, reply.get('point') or '', reply.get('module') or module, clazz, method)
        self.by_cid[cid] = Functions(before, after, loc, bool(reply.get('inbound')), bool(reply.get('outbound')))
        return True

    def forget(self):
        self.by_cid.clear()
        self.traces.clear()
        self.stacks.clear()
        self.pending.clear()
        self.busy.clear()

    # What custom code reports.

    def log(self, level, message):
        self.shim.log(level, message)

    def attr(self, key, value):
        tid = get_ident()
        if value is None:
            return
        value = names.text(value, self.shim.value_limit)
        pending = self.pending.get(tid)
        if pending is not None:
            pending.append((key, value))
        else:
            self.shim.record_attr(key, tid, value)

    def thread_trace(self):
        trace = self.traces.get(get_ident())
        return trace or _random_hex(16)

    def _note_inbound(self, tid, coloring):
        text = str(coloring)
        parts = text.split('-')
        if len(parts) == 4 and len(parts[1]) == 32:
            self.traces[tid] = parts[1]
        elif text:
            self.traces[tid] = binascii.hexlify(text.encode('utf-8')[:16].ljust(16, b'\0')).decode('ascii')

    # Around a call.

    def enter(self, cid, code, frame, binding, tid, fallback_value):
        """Runs before:code at the start of a call. Returns the value the
        Enter carries (before:code's string, else the args capture) and
        the attributes to record after the Enter."""
        fn = self.by_cid.get(cid)
        stack = self.stacks.get(tid)
        if stack is None:
            stack = self.stacks[tid] = []
        if fn is None or self.busy.get(tid):
            stack.append((cid, None, None, False))
            return fallback_value(), ()
        instance, args, kws = None, (), {}
        result_dict = None
        text = None
        attrs = []
        self.busy[tid] = True
        self.pending[tid] = attrs
        try:
            instance, args, kws = _call_args(code, frame, binding)
            if fn.before is not None:
                ret = fn.before(instance, fn.location, args, kws)
                text, result_dict = _split_result(ret)
                if result_dict is not None:
                    new_args = result_dict.get('method_args')
                    new_kws = result_dict.get('method_kws')
                    if new_args is not None or new_kws is not None:
                        _rewrite(code, frame, binding in (names.INSTANCE, names.CLASS), new_args, new_kws)
                    self._dict_attrs(fn, tid, result_dict, attrs)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            self._failed(fn, 'custom_fct_before', exc)
        finally:
            self.pending.pop(tid, None)
            self.busy.pop(tid, None)
        stack.append((cid, instance, result_dict, fn.after is not None))
        if text is None:
            text = fallback_value()
        return text, attrs

    def new_request(self, tid):
        """A request starts on thread tid: the coloring of the previous one
        no longer applies to its outbound calls."""
        self.traces.pop(tid, None)

    def _dict_attrs(self, fn, tid, d, attrs):
        limit = self.shim.value_limit
        uri = d.get('uri')
        if uri is not None or fn.inbound:
            self.new_request(tid)
        if uri is not None:
            attrs.append((ATTR_URI, names.text(uri, limit)))
        coloring = d.get('inbound_coloring')
        if coloring:
            attrs.append((ATTR_INBOUND_COLORING, names.text(coloring, limit)))
            self._note_inbound(tid, coloring)
        ip = d.get('remote_ip')
        if ip is not None:
            attrs.append((ATTR_REMOTE_IP, names.text(ip, limit)))
        diag = d.get('diag_arg')
        if diag is not None and fn.outbound and not fn.inbound:
            target = diag.target() if isinstance(diag, DiagArg) else str(diag)
            if target:
                attrs.append((ATTR_OUTBOUND, names.text(target, limit)))

    def exit(self, cid, tid, value):
        """Runs after:code at the end of a call, before its Exit."""
        stack = self.stacks.get(tid)
        if not stack:
            return
        # The innermost entry of this code id (calls above it lost their exit).
        while stack:
            entry = stack.pop()
            if entry[0] == cid:
                break
        else:
            return
        if not stack:
            del self.stacks[tid]
        _, instance, result_dict, has_after = entry
        if not has_after or self.busy.get(tid):
            return
        fn = self.by_cid.get(cid)
        if fn is None or fn.after is None:
            return
        self.busy[tid] = True
        try:
            fn.after(instance, fn.location, value, result_dict if result_dict is not None else {})
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            self._failed(fn, 'custom_fct_after', exc)
        finally:
            self.busy.pop(tid, None)

    def _failed(self, fn, what, exc):
        fn.failures += 1
        if fn.failures > _MAX_LOGGED:
            return
        more = '' if fn.failures < _MAX_LOGGED else ' (further failures of it are not logged)'
        try:
            # From the custom code's frame on: the shim's own is noise.
            tb = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next))
        except Exception:
            tb = ''
        self.log('warning', '%r: %s raised %s; the application was not affected%s\n%s'
                 % (fn.location, what, _describe(exc), more, tb))


def _describe(exc):
    return '%s: %s' % (type(exc).__name__, exc)


def _split_result(ret):
    """before:code's return: a str, a dict, a (str, dict) tuple, or None."""
    if ret is None:
        return None, None
    if isinstance(ret, dict):
        return None, ret
    if isinstance(ret, tuple):
        text, d = None, None
        for item in ret:
            if isinstance(item, dict):
                d = item
            elif item is not None:
                text = str(item)
        return text, d
    return str(ret), None
