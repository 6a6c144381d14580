"""Names and arguments of code objects: qualified names on Python <= 3.10
(which has no co_qualname), whether a method's first argument is its
instance or class, and the values args:n / args:name capture.

Nothing here calls into application objects except str() of a captured
value: classes are found through type() and __dict__, never through
attribute lookups an application class could override."""
import sys
import types

_FUNCTION = types.FunctionType
_MISSING = object()
_CO_VARARGS = 0x04
_CO_HAS_DOCSTRING = 0x4000000  # 3.14+
_UNWRAP_DEPTH = 8
_NESTED_CLASS_DEPTH = 3

INSTANCE = 'instance'
CLASS = 'class'
STATIC = 'static'


def _is_class(obj):
    # Not isinstance(): that may read obj.__class__, which proxies override.
    return issubclass(type(obj), type)


def _binding_of(obj, code):
    """How obj (a class __dict__ entry) holds code: INSTANCE for a plain
    function, CLASS, STATIC, or None when it does not."""
    kind = INSTANCE
    for _ in range(_UNWRAP_DEPTH):
        t = type(obj)
        if t is _FUNCTION:
            if obj.__code__ is code:
                return kind
            obj = obj.__dict__.get('__wrapped__')  # functools.wraps
        elif t is staticmethod:
            kind, obj = STATIC, obj.__func__
        elif t is classmethod:
            kind, obj = CLASS, obj.__func__
        elif t is property:
            for f in (obj.fget, obj.fset, obj.fdel):
                if type(f) is _FUNCTION and f.__code__ is code:
                    return INSTANCE
            return None
        else:
            return None
    return None


def _search_class(klass, code):
    """The binding of code in klass's own __dict__, or None."""
    try:
        d = type.__dict__['__dict__'].__get__(klass)
    except Exception:
        return None
    found = _binding_of(d.get(code.co_name), code)
    if found is not None:
        return found
    for value in list(d.values()):  # mangled (__name) or aliased
        found = _binding_of(value, code)
        if found is not None:
            return found
    return None


def _mro(klass):
    try:
        return type.__dict__['__mro__'].__get__(klass)
    except Exception:
        return ()


def owner(code, first):
    """The class defining code, found from the first argument of a call
    (self or cls), and how it binds: (class, binding) or (None, None)."""
    classes = []
    if _is_class(first):
        classes.extend(_mro(first))
    classes.extend(_mro(type(first)))
    for klass in classes:
        binding = _search_class(klass, code)
        if binding is not None:
            return klass, binding
    return None, None


def _class_qualname(klass):
    try:
        return type.__dict__['__qualname__'].__get__(klass)
    except Exception:
        return getattr(klass, '__name__', '?')


def _in_globals(code, f_globals):
    """Qualified name of code found among a module's functions and classes."""
    name = code.co_name
    obj = f_globals.get(name)
    if _binding_of(obj, code) is not None and type(obj) is _FUNCTION:
        qual = obj.__qualname__
        return qual if isinstance(qual, str) else name
    todo = [(v, 0) for v in list(f_globals.values()) if _is_class(v)]
    seen = set()
    while todo:
        klass, depth = todo.pop()
        if id(klass) in seen:
            continue
        seen.add(id(klass))
        if _search_class(klass, code) is not None:
            return _class_qualname(klass) + '.' + name
        if depth < _NESTED_CLASS_DEPTH:
            try:
                d = type.__dict__['__dict__'].__get__(klass)
            except Exception:
                continue
            todo.extend((v, depth + 1) for v in list(d.values()) if _is_class(v))
    return None


def rebuild_qualname(code, frame):
    """co_qualname for Python <= 3.10, where code objects lack it."""
    name = code.co_name
    if code.co_argcount:
        first = frame.f_locals.get(code.co_varnames[0], _MISSING)
        if first is not _MISSING:
            klass, _ = owner(code, first)
            if klass is not None:
                return _class_qualname(klass) + '.' + name
    found = _in_globals(code, frame.f_globals)
    return found if found is not None else name


def docstring(code):
    """The function's doc string as the compiler stored it, or None."""
    consts = code.co_consts
    if not consts or not isinstance(consts[0], str) or code.co_name == '<lambda>':
        return None
    if sys.version_info >= (3, 14) and not code.co_flags & _CO_HAS_DOCSTRING:
        return None
    return consts[0]


def positional(code, f_locals):
    """The positional arguments of a call: the named positional parameters
    (defaults included: a frame cannot tell them from passed values) and
    then *args."""
    names = code.co_varnames
    out = []
    for i in range(code.co_argcount):
        value = f_locals.get(names[i], _MISSING)
        if value is _MISSING:  # deleted by the function, seen on a resume
            return out
        out.append(value)
    if code.co_flags & _CO_VARARGS:
        extra = f_locals.get(names[code.co_argcount + code.co_kwonlyargcount], ())
        if type(extra) is tuple:
            out.extend(extra)
    return out


def text(value, limit):
    """str(value), guarded and cut to limit characters."""
    try:
        if type(value) in (bytes, bytearray):
            value = value[:limit]
        s = str(value)
        if type(s) is not str:
            s = str.__str__(s)  # a str subclass: its plain text
    except Exception:
        s = '<unprintable %s>' % type(value).__name__
    return s[:limit]


class Capture(object):
    """What a matched code object captures, and the once-computed binding
    of its first argument."""

    __slots__ = ('indexes', 'is_method', 'module', 'binding', 'limit')

    def __init__(self, indexes, is_method, module, limit):
        self.indexes = indexes
        self.is_method = is_method
        self.module = module
        self.binding = None
        self.limit = limit

    def _bound(self, code, args):
        """Whether args[0] is the instance or class the method is bound to."""
        if not self.is_method or not args:
            return None
        if self.binding is None:
            _, binding = owner(code, args[0])
            if binding is None:
                first = code.co_varnames[0] if code.co_argcount else ''
                binding = INSTANCE if first == 'self' else CLASS if first in ('cls', 'klass', 'mcs') else STATIC
            self.binding = binding
        return self.binding

    def value(self, code, f_locals):
        """The captured text: args:n counts positional arguments after the
        instance or class; args:name is str(instance), else the doc string,
        else the module name (the guide, chapter 6)."""
        if not self.indexes:
            return ''  # a point with custom code and no args:n
        args = positional(code, f_locals)
        binding = self._bound(code, args)
        rest = args[1:] if binding in (INSTANCE, CLASS) else args
        out = []
        for index in self.indexes:
            if index < 0:
                if binding == INSTANCE:
                    out.append(text(args[0], self.limit))
                else:
                    doc = docstring(code)
                    out.append(text(doc if doc is not None else self.module, self.limit))
            elif index < len(rest):
                out.append(text(rest[index], self.limit))
        return ', '.join(out)
