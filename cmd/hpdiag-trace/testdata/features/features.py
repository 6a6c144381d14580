"""pyprobe's probe.conf keys and custom code that fails: auto_instrument =
false (nothing traced before pyprobe.instrument()), error_on_duplicate_location,
and custom code that raises or is missing, which the app never notices."""
from hpdiag import pyprobe

pyprobe.init()


@pyprobe.func_point(layer="Early")
def early():
    return "early"


def boom(x):
    return x + 1


print(early())          # auto_instrument = false: not traced
pyprobe.instrument()
print(early())          # traced from now on
print("boom", boom(1), boom(2))
try:
    pyprobe.func_point(layer="Again")(early)
    print("duplicate: accepted")
except ValueError as exc:
    print("duplicate: ValueError", "error_on_duplicate_location" in str(exc))
