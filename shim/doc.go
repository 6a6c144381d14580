// Package shim is engine E2: a Python module, standard library only, embedded
// in the binary, that runs inside the traced interpreter and reports calls of
// matched code to the tracer over a loopback connection.
//
// Start extracts the Python files to a private directory and listens on
// 127.0.0.1; Env gives the launched application an environment whose
// PYTHONPATH makes every Python interpreter of the command load the shim's
// sitecustomize at start-up. That bootstrap connects, says hello (the Server
// refuses interpreters it cannot trace, and they exit with status 3 before
// the main module runs), restores the application's own PYTHONPATH,
// environment and sys.path, and chains to the real sitecustomize.
//
// On 3.12+ the shim uses sys.monitoring with local events on matched code
// objects only; on 3.8–3.11 it uses sys.setprofile and threading.setprofile.
// It asks the Server for the verdict on each code object the first time it
// runs; the Server answers with the matcher's verdict and turns the shim's
// event batches into pipeline events for the Sink. Fork children reconnect
// as processes of their own. PROTOCOL.md describes the wire protocol, what
// counts as an Enter and an Exit on each Python version, and the limitations.
package shim
