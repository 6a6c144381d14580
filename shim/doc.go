// Package shim is engine E2: a Python module, standard library only, embedded
// in the binary, that runs inside the traced interpreter and reports calls of
// matched code to the tracer over a loopback connection.
//
// On 3.12+ it uses sys.monitoring with local events on matched code objects only;
// on 3.8–3.11 it uses sys.setprofile and threading.setprofile. The Go side of
// the engine (Server) accepts the shim's connections, answers its questions
// about code objects with the matcher's verdicts and turns its event batches
// into pipeline events.
package shim
