"""pyprobe.init() on its own, after a module was imported: with
instrument_loaded_modules = false that module's code stays untraced."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mods'))
import early_mod  # noqa: E402  (before init)
from hpdiag import pyprobe  # noqa: E402

pyprobe.init(config_file=sys.argv[1], point_file="loaded.point")
try:
    import late_mod  # noqa: E402  (after init)
    print(early_mod.work(1), late_mod.work(2))
finally:
    pyprobe.shutdown()
