"""Code objects created and freed in turn, so that their addresses are
reused by code of another name: each call must be told apart."""
for i in range(200):
    ns = {}
    exec("def f%d(x):\n    return x\n" % (i % 2), ns)
    ns["f%d" % (i % 2)](i)
    del ns
