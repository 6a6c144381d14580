package main

// Exit codes of hpdiag-trace itself. When it launches an application and
// tracing works, it exits with the application's own code instead (128+N when
// the application was killed by signal N, as shells report it).
const (
	exitOK       = 0
	exitInternal = 1 // a failure of hpdiag-trace itself (writing the report, ...)
	exitUsage    = 2 // bad command line, probe.conf or points file
	exitNoTrace  = 3 // cannot trace: engine unavailable, interpreter unsupported
	exitNotFound = 127
)
