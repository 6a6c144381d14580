package loader

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/hpdiag/hpdiag-trace/bpf"
)

// E0 is engine E0 in the kernel, the request layer: the programs of
// bpf/e0.bpf.c on the sys_enter and sys_exit raw tracepoints and on the
// native libraries (libssl, libsqlite3, libpq). It shares E1's procs map,
// so both engines watch the same processes (forks followed), and E1's ring
// buffer, so that one Session reads every record in order.
type E0 struct {
	objs bpf.E0Objects
	tps  []link.Link

	mu     sync.Mutex
	libs   map[fileID]bool
	probes []link.Link
	// Libraries lists the library files probed, for the tracer's log.
	Libraries []string
}

// LoadE0 loads the programs of E0 over e1's maps and attaches the system
// call tracepoints and the uprobes of the system's libssl, libsqlite3 and
// libpq (found through /etc/ld.so.cache); a library that is not installed
// is not probed.
func LoadE0(e1 *E1) (*E0, error) {
	spec, err := bpf.LoadE0()
	if err != nil {
		return nil, fmt.Errorf("request layer: reading the embedded programs: %w", err)
	}
	spec.Maps[bpf.E0MapEvents].MaxEntries = e1.objs.Events.MaxEntries()
	e := &E0{libs: map[fileID]bool{}}
	opts := &ebpf.CollectionOptions{MapReplacements: map[string]*ebpf.Map{
		"procs":   e1.objs.Procs,
		"events":  e1.objs.Events,
		"threads": e1.objs.Threads,
	}}
	if err := spec.LoadAndAssign(&e.objs, opts); err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("request layer: the kernel's verifier refused the programs (kernel %s): %v", kernelRelease(), ve)
		}
		return nil, fmt.Errorf("request layer: loading the programs: %w%s", err, privilegeHint(err))
	}
	for _, tp := range []struct {
		name string
		prog *ebpf.Program
	}{
		{"sys_enter", e.objs.E0SysEnter},
		{"sys_exit", e.objs.E0SysExit},
	} {
		l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: tp.name, Program: tp.prog})
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("request layer: attaching the raw tracepoint %s: %w%s", tp.name, err, privilegeHint(err))
		}
		e.tps = append(e.tps, l)
	}
	for _, lib := range libraries {
		if path := systemLibrary(lib.soname); path != "" {
			if err := e.probeLibrary(path, lib.funcs); err != nil {
				e.Close()
				return nil, err
			}
		}
	}
	return e, nil
}

// The library functions E0 probes, as the cookies of bpf/e0.bpf.c (L_*).
const (
	libSSLRead = iota
	libSSLWrite
	libSSLReadEx
	libSSLWriteEx
	libSQLitePrepare
	libSQLitePrepareV3
	libSQLiteStep
	libPQExec
	libPQPrepare
	libPQExecPrepared
	libSQLiteReset
	libSQLiteExec
)

// libFunc is one probed function: its cookie, and whether its return is
// probed too.
type libFunc struct {
	symbol string
	cookie uint64
	ret    bool
}

type library struct {
	soname string
	funcs  []libFunc
}

// libraries lists the libraries E0 probes and their functions.
var libraries = []library{
	{"libssl.so.3", []libFunc{
		{"SSL_read", libSSLRead, true},
		{"SSL_write", libSSLWrite, true},
		{"SSL_read_ex", libSSLReadEx, true},
		{"SSL_write_ex", libSSLWriteEx, true},
	}},
	{"libsqlite3.so.0", []libFunc{
		{"sqlite3_prepare", libSQLitePrepare, true},
		{"sqlite3_prepare_v2", libSQLitePrepare, true},
		{"sqlite3_prepare_v3", libSQLitePrepareV3, true},
		{"sqlite3_step", libSQLiteStep, false},
		{"sqlite3_reset", libSQLiteReset, false},
		{"sqlite3_finalize", libSQLiteReset, false},
		{"sqlite3_exec", libSQLiteExec, true},
	}},
	{"libpq.so.5", []libFunc{
		{"PQexec", libPQExec, true},
		{"PQexecParams", libPQExec, true},
		{"PQprepare", libPQPrepare, true},
		{"PQexecPrepared", libPQExecPrepared, true},
	}},
}

// systemLibrary returns the path of the library soname as the dynamic
// loader finds it, or "".
func systemLibrary(soname string) string {
	if ents, err := loadLDCache(); err == nil {
		for _, ent := range ents {
			if ent.Name == soname && (ent.Flags == 0 || ent.Flags&0xff00 == 0x0300) {
				if _, err := os.Stat(ent.Path); err == nil {
					return ent.Path
				}
			}
		}
	}
	for _, d := range DefaultLibDirs {
		p := filepath.Join(d, soname)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// probeLibrary attaches the probes to one library file for every process
// (the programs keep to the traced ones), once per file: one uprobe_multi
// link for the entries, one for the returns. Functions the library does
// not define (an older version) are left out.
func (e *E0) probeLibrary(path string, funcs []libFunc) error {
	id, err := statID(path)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.libs[id] {
		return nil
	}
	e.libs[id] = true
	f, err := openELF(path)
	if err != nil {
		return fmt.Errorf("request layer: reading %s: %w", path, err)
	}
	names := make([]string, len(funcs))
	for i, fn := range funcs {
		names[i] = fn.symbol
	}
	defined := f.symbols(names)
	f.Close()
	var entries, returns []string
	var entryCookies, returnCookies []uint64
	for _, fn := range funcs {
		if _, ok := defined[fn.symbol]; !ok {
			continue
		}
		entries, entryCookies = append(entries, fn.symbol), append(entryCookies, fn.cookie)
		if fn.ret {
			returns, returnCookies = append(returns, fn.symbol), append(returnCookies, fn.cookie)
		}
	}
	if len(entries) == 0 {
		return nil
	}
	ex, err := link.OpenExecutable(path)
	if err != nil {
		return fmt.Errorf("request layer: opening %s: %w", path, err)
	}
	l, err := ex.UprobeMulti(entries, e.objs.LibEntry, &link.UprobeMultiOptions{Cookies: entryCookies})
	if err != nil {
		return fmt.Errorf("request layer: uprobes on %s: %w%s", path, err, privilegeHint(err))
	}
	e.probes = append(e.probes, l)
	if len(returns) > 0 {
		if l, err = ex.UretprobeMulti(returns, e.objs.LibReturn, &link.UprobeMultiOptions{Cookies: returnCookies}); err != nil {
			return fmt.Errorf("request layer: uretprobes on %s: %w%s", path, err, privilegeHint(err))
		}
		e.probes = append(e.probes, l)
	}
	e.Libraries = append(e.Libraries, path)
	return nil
}

// lost returns how many records found the ring buffer full.
func (e *E0) lost() (uint64, error) {
	var total uint64
	var per []uint64
	// evBatch: the calls of E1's batches E0 flushed (bpf/threads.h).
	for t := uint32(evBatch); t < e0EvTypes; t++ {
		if t > evBatch && t < evAccept {
			continue
		}
		if err := e.objs.E0Lost.Lookup(t, &per); err != nil {
			return 0, fmt.Errorf("request layer: reading lost records: %w", err)
		}
		for _, n := range per {
			total += n
		}
	}
	return total, nil
}

// detach removes the tracepoints and uprobes: no new record is produced.
func (e *E0) detach() {
	e.mu.Lock()
	defer e.mu.Unlock()
	closeLinks(e.tps...)
	closeLinks(e.probes...)
	e.tps, e.probes = nil, nil
}

// Close detaches everything and frees the programs and E0's own maps (the
// shared ones belong to E1). It is safe to call more than once.
func (e *E0) Close() error {
	e.detach()
	return e.objs.Close()
}
