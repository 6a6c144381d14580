"""The in-process half of hpdiag-trace's shim engine (shim/PROTOCOL.md).

The bootstrap (sitecustomize.py) connects, says hello and, once the tracer
accepted the interpreter, calls start(). From then on calls of the code
objects the tracer's points select are recorded and shipped to it; nothing
else in the process changes."""
import sys

# Everything is imported now: the bootstrap removes this package from
# sys.modules and its directory from sys.path right after.
from . import builtin_code, core, custom, monitor, profile  # noqa: F401


def start(sock, addr, token, shimdir, hello, welcome, preloaded=None):
    """Starts tracing this process; sock is the accepted connection.
    preloaded are module names whose code is not traced (pyprobe.init()
    without instrument_loaded_modules)."""
    if sys.version_info >= (3, 12) and hasattr(sys, 'monitoring'):
        engine = monitor
    else:
        engine = profile
    shim = core.Shim(sock, addr, token, shimdir, hello, welcome)
    shim.preloaded = preloaded
    shim.start(engine)
    return shim
