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
		"procs":  e1.objs.Procs,
		"events": e1.objs.Events,
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
	for _, lib := range e.libraryProbes() {
		if path := systemLibrary(lib.soname); path != "" {
			if err := e.probeLibrary(path, lib.probes); err != nil {
				e.Close()
				return nil, err
			}
		}
	}
	return e, nil
}

// libProbe is one uprobe (and its uretprobe, if any) on a library symbol.
type libProbe struct {
	symbol     string
	entry, ret *ebpf.Program
}

type library struct {
	soname string
	probes []libProbe
}

// libraryProbes lists the libraries E0 probes and their functions.
func (e *E0) libraryProbes() []library {
	o := &e.objs
	return []library{
		{"libssl.so.3", []libProbe{
			{"SSL_read", o.SslRead, o.SslReadRet},
			{"SSL_write", o.SslWrite, o.SslWriteRet},
			{"SSL_read_ex", o.SslReadEx, o.SslReadExRet},
			{"SSL_write_ex", o.SslWriteEx, o.SslWriteExRet},
		}},
		{"libsqlite3.so.0", []libProbe{
			{"sqlite3_prepare", o.SqlitePrepare, o.SqlitePrepareRet},
			{"sqlite3_prepare_v2", o.SqlitePrepare, o.SqlitePrepareRet},
			{"sqlite3_prepare_v3", o.SqlitePrepareV3, o.SqlitePrepareV3Ret},
			{"sqlite3_step", o.SqliteStep, nil},
			{"sqlite3_exec", o.SqliteExec, o.SqliteExecRet},
			{"sqlite3_reset", o.SqliteReset, nil},
			{"sqlite3_finalize", o.SqliteReset, nil},
		}},
		{"libpq.so.5", []libProbe{
			{"PQexec", o.PqExec, o.PqExecRet},
			{"PQexecParams", o.PqExec, o.PqExecRet},
			{"PQprepare", o.PqPrepare, o.PqPrepareRet},
			{"PQexecPrepared", o.PqExecPrepared, o.PqExecPreparedRet},
		}},
	}
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
// (the programs keep to the traced ones), once per file.
func (e *E0) probeLibrary(path string, probes []libProbe) error {
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
	ex, err := link.OpenExecutable(path)
	if err != nil {
		return fmt.Errorf("request layer: opening %s: %w", path, err)
	}
	for _, p := range probes {
		l, err := ex.Uprobe(p.symbol, p.entry, nil)
		if errors.Is(err, link.ErrNoSymbol) {
			continue // an older library without this function
		}
		if err != nil {
			return fmt.Errorf("request layer: uprobe on %s in %s: %w%s", p.symbol, path, err, privilegeHint(err))
		}
		e.probes = append(e.probes, l)
		if p.ret == nil {
			continue
		}
		if l, err = ex.Uretprobe(p.symbol, p.ret, nil); err != nil {
			return fmt.Errorf("request layer: uretprobe on %s in %s: %w%s", p.symbol, path, err, privilegeHint(err))
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
	for t := uint32(evAccept); t < e0EvTypes; t++ {
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
