"""hpdiag: the HP Diagnostics Python Agent's package, for hpdiag-trace.

Only hpdiag.pyprobe is the application's API (docs/api.md); hpdiag._engine
is a copy of the tracer's shim engine, used when pyprobe.init() starts the
collector itself, and hpdiag._collector starts it."""
