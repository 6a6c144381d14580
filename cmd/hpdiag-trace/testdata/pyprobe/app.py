"""The guide's chapter 3 and 6, as an application: pyprobe.init() in the
main script with the dummy fallback, decorators, a PointList point, and a
point whose custom code rewrites the arguments and reports a status."""
import sys

try:
    from hpdiag import pyprobe
except ImportError:
    class PyProbeDummy(object):
        @staticmethod
        def init(*args, **kws):
            sys.stderr.write("Warning: Cannot initialize HP Diagnostics Python Agent. "
                             "Failed to import 'hpdiag.pyprobe' in file '%s'\n" % __file__)

        @staticmethod
        def shutdown():
            sys.stderr.write("Warning: Cannot shutdown HP Diagnostics Python Agent. "
                             "Failed to import 'hpdiag.pyprobe' in file '%s'\n" % __file__)
    pyprobe = PyProbeDummy

pyprobe.init(config_file="app_probe.conf", point_file="app.point")

try:
    import fibo
    import handlers
    import helpers

    def main():
        if hasattr(pyprobe, 'PointList'):
            pl = pyprobe.PointList()
            pl.create_method_point("compute", "helpers", layer="Helpers", args="0")
            pyprobe.instrument(pl)
        f = fibo.Fibo()
        print("fib", f.fib(20))
        print("rfib", f.rfib(10))
        print("rfib_seq", f.rfib_seq(5))
        print("fib_seq2", f.fib_seq2(6))
        print("mfib", fibo.mfib(12))
        for i in range(3):
            print("compute", helpers.compute(i))
        for path, status in (("/order/1;jsessionid=a", "200"), ("/order/22;jsessionid=b", "503"),
                             ("/order/333", "200")):
            got = handlers.handle(path, status)
            print("handle", got)
        return 0

    if __name__ == '__main__':
        code = main()
finally:
    pyprobe.shutdown()
