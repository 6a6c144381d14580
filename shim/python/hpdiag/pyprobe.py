"""hpdiag.pyprobe: the in-process API of the HP Diagnostics Python Agent,
for hpdiag-trace (docs/api.md; the guide's chapter 3).

    from hpdiag import pyprobe
    pyprobe.init(config_file="app_probe.conf", point_file="app.point")
    try:
        main()
    finally:
        pyprobe.shutdown()

Under hpdiag-trace (the application was launched by it) init() returns at
once: the tracer is already running, and shutdown() only ships what is
queued. Otherwise init() starts the collector, bin_dir/hpdiag-trace collect,
and traces this process for it; shutdown() ships what is left and has the
collector write its outputs.

The decorators func_point, method_point and class_point and the PointList
create capture points with the arguments of a points file section; they
reach the same matcher as the points file's. Nothing here writes to the
application's stdout or stderr; problems go to the tracer's log.
"""
import os
import re
import sys

__all__ = ['init', 'shutdown', 'instrument', 'func_point', 'method_point',
           'class_point', 'PointList']

_IDENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$')
_POINT_KEYS = ('module', 'class', 'clazz', 'method', 'layer', 'layer_type', 'detail', 'args')


class _State(object):
    def __init__(self):
        self.pending = []      # decorator points not sent yet
        self.collector = None  # the collector process started by init()
        self.owned = None      # the shim init() started (collector mode)
        self.initialized = False
        self.count = 0
        self.error = None      # why init() could not start the collector


_state = _State()


def _shim():
    shim = getattr(sys, '_hpdiag_trace_shim', None)
    if shim is not None and getattr(shim, 'tracing', False):
        return shim
    return None


def _default_dirs():
    if sys.platform.startswith('win'):
        base = os.path.join(os.environ.get('PROGRAMDATA') or r'C:\ProgramData', 'hpdiag')
    else:
        base = '/opt/hpdiag'
    return os.path.join(base, 'etc'), os.path.join(base, 'bin')


# init and shutdown.

def init(config_dir=None, bin_dir=None, config_file=None, point_file=None):
    """Starts the probe. Under hpdiag-trace this returns at once. Otherwise
    it starts bin_dir/hpdiag-trace as this process's collector (the guide's
    multiprocess channel) with config_dir, config_file (default probe.conf)
    and point_file, and starts tracing. Directories default to
    $PYPROBE_CONFIG_DIR / $PYPROBE_BIN_DIR, then /opt/hpdiag/etc and
    /opt/hpdiag/bin (%PROGRAMDATA%\\hpdiag\\... on Windows). Never raises:
    when the collector cannot start the application runs untraced and the
    reason is in the collector log (see docs/api.md)."""
    if _state.initialized or _shim() is not None:
        _state.initialized = True
        _flush_pending()
        return
    _state.initialized = True
    def_conf, def_bin = _default_dirs()
    config_dir = config_dir or os.environ.get('PYPROBE_CONFIG_DIR') or def_conf
    bin_dir = bin_dir or os.environ.get('PYPROBE_BIN_DIR') or def_bin
    try:
        from . import _collector
        shim, proc = _collector.start(config_dir, bin_dir, config_file, point_file)
    except Exception as exc:
        _state.error = '%s: %s' % (type(exc).__name__, exc)
        return
    _state.owned, _state.collector = shim, proc
    _flush_pending()


def shutdown():
    """With the collector init() started: stops tracing, ships what is left
    and waits (up to 30 s) until the collector has written its outputs.
    Under hpdiag-trace: ships what is queued; tracing goes on until the
    application exits, when hpdiag-trace writes the report (so a --single
    script or a WSGI app that calls it loses nothing)."""
    shim = _shim()
    owned = _state.owned
    if shim is not None:
        try:
            if owned is not None and shim is owned:
                shim.final('shutdown')
            else:
                shim.recorder.flush()
        except Exception:
            pass
    proc, _state.collector = _state.collector, None
    if proc is not None:
        from . import _collector
        _collector.wait(proc)


# Points.

def _origin(obj):
    code = getattr(obj, '__code__', None)
    if code is not None:
        return code.co_filename, code.co_firstlineno
    try:
        f = sys._getframe(2)
        return f.f_code.co_filename, f.f_lineno
    except Exception:
        return '<pyprobe>', 0


def _exact(name):
    """A name written in code as a regular expression of itself."""
    return '^%s$' % re.escape(name)


def _pattern(value):
    """A PointList name: a plain (dotted) identifier is taken exactly, as
    the guide's create_method_point("func_name", "module_name") means;
    anything else is a Python regular expression, as in a points file."""
    value = str(value)
    return _exact(value) if _IDENT.match(value) else value


def _args(kws):
    out = []
    for key, value in kws.items():
        if key == 'name':
            continue
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ','.join(str(v) for v in value)
        out.append({'key': key, 'value': str(value)})
    return out


def _new_point(kind, args, origin, name=None):
    _state.count += 1
    file, line = origin
    return {'name': name or '%s#%d (%s:%d)' % (kind, _state.count, os.path.basename(file), line),
            'file': file, 'line': line, 'args': _args(args)}


def _send(points):
    """Sends points to the shim; raises ValueError for a duplicate location
    when error_on_duplicate_location is set."""
    shim = _shim()
    if shim is None or not points:
        return False
    reply = shim.add_points(points)
    dups = reply.get('duplicates') or []
    if dups and shim.error_on_duplicate:
        raise ValueError('error_on_duplicate_location: ' + '; '.join(dups))
    return True


def _flush_pending():
    """At init(): sends the decorators' points made before it. Never raises
    (a duplicate location is logged by the tracer)."""
    shim = _shim()
    if shim is None or not shim.armed:
        return
    points, _state.pending = _state.pending, []
    if points:
        try:
            _send(points)
        except Exception:
            pass


def _register(point):
    """A decorator's point: instrumented at once when the probe runs with
    auto_instrument, else kept for pyprobe.instrument()."""
    shim = _shim()
    if shim is not None and shim.armed:
        try:
            _send([point])
            return
        except ValueError:
            raise
        except Exception:
            pass
    _state.pending.append(point)


def _function(obj):
    for _ in range(4):
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        else:
            break
    return obj


def _code_name(f):
    """The name the tracer sees: the code object's, even if the function
    was renamed."""
    code = getattr(f, '__code__', None)
    return code.co_name if code is not None else f.__name__


def func_point(**kws):
    """Decorator: a capture point for this module function, with the
    arguments of a points file section (layer, layer_type, detail, args)."""
    def decorate(fn):
        f = _function(fn)
        args = dict(kws)
        args.setdefault('module', _exact(f.__module__))
        args.setdefault('method', _exact(_code_name(f)))
        _register(_new_point('func_point', args, _origin(f), kws.get('name')))
        return fn
    return decorate


def method_point(clazz=None, **kws):
    """Decorator: a capture point for this method of class clazz (the class
    does not exist yet when the decorator runs, so it is named)."""
    def decorate(fn):
        f = _function(fn)
        args = dict(kws)
        args.setdefault('module', _exact(f.__module__))
        args.setdefault('method', _exact(_code_name(f)))
        cls = clazz or kws.get('class')
        if not cls:
            qual = getattr(f, '__qualname__', '')
            cls = qual.rpartition('.')[0].replace('.<locals>', '')
        args.pop('class', None)
        if cls:
            args['class'] = _pattern(cls)
        _register(_new_point('method_point', args, _origin(f), kws.get('name')))
        return fn
    return decorate


def _class_args(klass, kws):
    args = dict(kws)
    args.pop('clazz', None)
    args.setdefault('module', _exact(klass.__module__))
    args['class'] = _exact(getattr(klass, '__qualname__', klass.__name__))
    args.setdefault('method', '.*')
    return args


def _class_origin(klass):
    for value in vars(klass).values():
        f = _function(value)
        code = getattr(f, '__code__', None)
        if code is not None:
            return code.co_filename, code.co_firstlineno
    mod = sys.modules.get(klass.__module__)
    return getattr(mod, '__file__', None) or '<%s>' % klass.__module__, 0


def class_point(**kws):
    """Class decorator: one capture point for the methods of this class
    whose names match method (a Python regular expression; default .*)."""
    def decorate(klass):
        _register(_new_point('class_point', _class_args(klass, kws), _class_origin(klass), kws.get('name')))
        return klass
    return decorate


class PointList(object):
    """Capture points created in code, instrumented by instrument(pl)."""

    def __init__(self):
        self.points = []
        self._sent = 0

    def create_method_point(self, method, module, clazz=None, **kws):
        """A point for function (or, with clazz, method) method of module."""
        args = dict(kws)
        args['method'] = _pattern(method)
        args['module'] = _pattern(module)
        if clazz:
            args['class'] = _pattern(clazz)
        self.points.append(_new_point('create_method_point', args, _origin(None), kws.get('name')))

    def create_class_point(self, klass, **kws):
        """A point for the methods of klass (a class, or an instance of it)."""
        if not isinstance(klass, type):
            klass = type(klass)
        self.points.append(_new_point('create_class_point', _class_args(klass, kws), _class_origin(klass), kws.get('name')))

    def create_point(self, **kws):
        """A point from the arguments of a points file section."""
        self.points.append(_new_point('create_point', kws, _origin(None), kws.get('name')))


def instrument(pl=None):
    """Instruments the points of pl, or (no argument) every point created so
    far and the points file's, when auto_instrument is false. Code that
    already ran is traced from its next call. Raises only ValueError, for a
    duplicate location with error_on_duplicate_location."""
    shim = _shim()
    if pl is not None:
        points = pl.points[pl._sent:]
        pl._sent = len(pl.points)
    else:
        points, _state.pending = _state.pending, []
    if shim is None:
        _state.pending.extend(points)  # for init()
        return
    try:
        _send(points)
        shim.arm()
    except ValueError:
        raise
    except Exception:
        pass  # the shim has stopped tracing and told the tracer why
