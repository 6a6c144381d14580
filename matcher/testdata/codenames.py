"""Print, as JSON, the module Python gives each function's code object.

Imports a spread of standard library modules (pure Python, packages,
extension modules, frozen ones), whatever third-party packages exist and
the packages named on the command line, then lists for every function
found in sys.modules its co_filename and its __module__.
"""
import importlib
import json
import sys
import types

STDLIB = [
    "json.decoder", "http.server", "email.parser", "sqlite3", "xml.etree.ElementTree",
    "concurrent.futures", "asyncio", "importlib", "unittest.mock", "logging.handlers",
    "urllib.request", "wsgiref.simple_server", "collections", "os", "codecs", "zipimport",
]
THIRD_PARTY = ["flask", "django.core.handlers.wsgi", "requests", "yaml", "numpy", "jinja2", "werkzeug"]


def functions(mod):
    """Yield the plain functions of a module and of its classes' bodies."""
    # vars() and type() never run descriptors, so lazy proxies stay
    # untouched (isinstance reads __class__, which sets up Django's
    # LazySettings and raises without settings).
    for value in list(vars(mod).values()):
        if issubclass(type(value), types.FunctionType):
            yield value
        elif issubclass(type(value), type):
            for member in list(vars(value).values()):
                if issubclass(type(member), types.FunctionType):
                    yield member


def main():
    for name in STDLIB + sys.argv[1:]:
        importlib.import_module(name)
    for name in THIRD_PARTY:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    seen = set()
    for mod in list(sys.modules.values()):
        if not isinstance(mod, types.ModuleType):
            continue
        for value in functions(mod):
            module = value.__module__
            code = value.__code__
            if module == "__main__" or module != mod.__name__:
                continue  # re-exported from elsewhere, or this script
            if code.co_name != value.__name__:
                continue  # a functools.wraps wrapper: code and name differ
            if "_collections_abc" in code.co_filename:
                continue  # the file renames itself: __name__ = "collections.abc"
            seen.add((code.co_filename, module))
    json.dump({"sys_path": sys.path, "codes": sorted(seen)}, sys.stdout)


main()
