// Package loader is the Linux side of the eBPF engine: it finds the CPython
// interpreter of a process or command, reads what the engine needs from it,
// attaches and detaches the probes and reads their events.
//
// Discovery: FindInProcess(pid) finds the mapped file (the executable or a
// libpython) that defines _PyEval_EvalFrameDefault, with its version (read
// from the binary: Py_Version on 3.11+, the PY_VERSION string before),
// symbols and load bias; FindForCommand(argv0, env) does the same before a
// command runs (PATH, #! lines, DT_NEEDED through RPATH/RUNPATH,
// LD_LIBRARY_PATH, /etc/ld.so.cache), and FindForExec(pid) at an exec. A
// process or command that is not Python gets ErrNotPython. USDT probes
// (.note.stapsdt) are parsed by ReadUSDT, another process's memory is read
// and written through ProcMem (/proc/PID/mem), and CheckPrivileges says
// which capability the engine lacks.
//
// Engine E0, the request layer: LoadE0 loads bpf/e0.bpf.c over E1's procs
// map and ring buffer and attaches the system call tracepoints and the
// library uprobes; a Session given SessionOptions.Requests turns its
// records into pipeline events (e0_session.go), parsing the protocols with
// package netproto. See docs/requests.md.
package loader
