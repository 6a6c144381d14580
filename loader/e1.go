package loader

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"

	"github.com/hpdiag/hpdiag-trace/bpf"
)

// E1Options configure LoadE1.
type E1Options struct {
	// RingBufferSize is the size of the event ring buffer in bytes, a power
	// of two of at least one page; 0 means 16 MiB.
	RingBufferSize int
	// SingleProcess attaches the uprobes for the traced processes only
	// instead of for every process that runs the interpreter file, at the
	// price of not following forks (see docs/engines.md).
	SingleProcess bool
	// NoSession uses the uprobe and uretprobe pair even where the kernel
	// has uprobe sessions (for comparing the two).
	NoSession bool
	// USDT sees calls through the interpreter's python:function__entry and
	// function__return probes (engine E1u) instead of the evaluator.
	USDT bool
}

// E1 is engine E1 in the kernel: the programs and maps of bpf/e1.bpf.c, the
// raw tracepoints that follow forks, execs and exits, and one uprobe and
// uretprobe pair per interpreter file. It is safe for concurrent use.
type E1 struct {
	opts   E1Options
	objs   bpf.E1Objects
	tps    []link.Link
	reader *ringbuf.Reader
	// session is true when calls are seen by the uprobe.session program,
	// false for the uprobe and uretprobe pair.
	session bool

	// epoch is the last value written to the programs' epoch_user.
	epoch atomic.Uint32

	mu     sync.Mutex
	probes map[fileID]*probePair
	closed bool
}

// fileID names an interpreter file by device and inode: the same library
// reached through two paths gets one pair of probes.
type fileID struct{ dev, ino uint64 }

type probePair struct {
	path   string
	links  []link.Link         // the evaluator's probes, and code_freed's
	perPID map[int][]link.Link // the same per pid, with SingleProcess
	// freed is set when code_freed watches the file's code_dealloc.
	freed bool
}

// LoadE1 loads the programs into the kernel and attaches the tracepoints.
// Its errors say what is missing: privileges, BTF, kernel support.
func LoadE1(opts E1Options) (*E1, error) {
	if err := rlimit.RemoveMemlock(); err != nil {
		return nil, fmt.Errorf("eBPF engine: lifting the locked-memory limit: %w", err)
	}
	spec, err := bpf.LoadE1()
	if err != nil {
		return nil, fmt.Errorf("eBPF engine: reading the embedded programs: %w", err)
	}
	if opts.RingBufferSize > 0 {
		spec.Maps[bpf.E1MapEvents].MaxEntries = uint32(opts.RingBufferSize)
	}
	e := &E1{opts: opts, probes: make(map[fileID]*probePair)}
	if err := e.load(spec); err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("eBPF engine: the kernel's verifier refused the programs (kernel %s): %v", kernelRelease(), ve)
		}
		return nil, fmt.Errorf("eBPF engine: loading the programs: %w%s", err, privilegeHint(err))
	}
	for _, tp := range []struct {
		name string
		prog *ebpf.Program
	}{
		{"sched_process_fork", e.objs.OnFork},
		{"sched_process_exec", e.objs.OnExec},
		{"sched_process_exit", e.objs.OnExit},
	} {
		l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: tp.name, Program: tp.prog})
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("eBPF engine: attaching the raw tracepoint %s: %w%s", tp.name, err, privilegeHint(err))
		}
		e.tps = append(e.tps, l)
	}
	if e.reader, err = ringbuf.NewReader(e.objs.Events); err != nil {
		e.Close()
		return nil, fmt.Errorf("eBPF engine: opening the ring buffer: %w", err)
	}
	return e, nil
}

// pairPrograms are the programs of the uprobe and uretprobe pair, for
// kernels without uprobe sessions (before 6.13).
type pairPrograms struct {
	bpf.E1Maps
	bpf.E1Variables
	FlushThreads *ebpf.Program `ebpf:"flush_threads"`
	EvalEntry    *ebpf.Program `ebpf:"eval_entry"`
	EvalReturn   *ebpf.Program `ebpf:"eval_return"`
	OnFork       *ebpf.Program `ebpf:"on_fork"`
	OnExec       *ebpf.Program `ebpf:"on_exec"`
	OnExit       *ebpf.Program `ebpf:"on_exit"`
	UsdtEntry    *ebpf.Program `ebpf:"usdt_entry"`
	UsdtReturn   *ebpf.Program `ebpf:"usdt_return"`
}

// pairMultiPrograms adds the programs of uprobe_multi links (6.6+).
type pairMultiPrograms struct {
	pairPrograms
	EvalEntryMulti  *ebpf.Program `ebpf:"eval_entry_multi"`
	EvalReturnMulti *ebpf.Program `ebpf:"eval_return_multi"`
	CodeFreed       *ebpf.Program `ebpf:"code_freed"`
}

// load loads the programs: all of them on a kernel with uprobe sessions
// (6.13+); else the pair, with the uprobe_multi programs where the kernel
// has them (6.6+), or alone.
func (e *E1) load(spec *ebpf.CollectionSpec) error {
	var err error
	if !e.opts.NoSession {
		if err = spec.LoadAndAssign(&e.objs, nil); err == nil {
			e.session = true
			return nil
		}
	}
	var multi pairMultiPrograms
	err2 := spec.LoadAndAssign(&multi, nil)
	if err2 == nil {
		e.objs.EvalEntryMulti, e.objs.EvalReturnMulti = multi.EvalEntryMulti, multi.EvalReturnMulti
		e.objs.CodeFreed = multi.CodeFreed
	} else if err2 = spec.LoadAndAssign(&multi.pairPrograms, nil); err2 != nil {
		if err == nil {
			err = err2
		}
		return err // the first error says more
	}
	pair := &multi.pairPrograms
	e.objs.E1Maps, e.objs.E1Variables = pair.E1Maps, pair.E1Variables
	e.objs.FlushThreads = pair.FlushThreads
	e.objs.EvalEntry, e.objs.EvalReturn = pair.EvalEntry, pair.EvalReturn
	e.objs.OnFork, e.objs.OnExec, e.objs.OnExit = pair.OnFork, pair.OnExec, pair.OnExit
	e.objs.UsdtEntry, e.objs.UsdtReturn = pair.UsdtEntry, pair.UsdtReturn
	return nil
}

// Probes says how calls are seen: "usdt" (E1u), "uprobe session" (Linux
// 6.13+: only matched calls pay for their return) or "uprobe+uretprobe".
func (e *E1) Probes() string {
	if e.opts.USDT {
		return "usdt"
	}
	if e.session {
		return "uprobe session"
	}
	return "uprobe+uretprobe"
}

// attach puts the uprobe and uretprobe on the evaluator of t's file, once
// per file; with SingleProcess, once per file and pid.
func (e *E1) attach(t *target, pid int) error {
	id, err := statID(t.interp.Path)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errors.New("eBPF engine: closed")
	}
	pp := e.probes[id]
	if pp == nil {
		pp = &probePair{path: t.interp.Path, perPID: map[int][]link.Link{}}
		e.probes[id] = pp
	}
	if e.opts.SingleProcess {
		if _, ok := pp.perPID[pid]; ok {
			return nil
		}
		ls, freed, err := e.probeFile(t, pid)
		if err != nil {
			return err
		}
		pp.perPID[pid] = ls
		t.watchFrees(freed)
		return nil
	}
	if pp.links == nil {
		if pp.links, pp.freed, err = e.probeFile(t, 0); err != nil {
			return err
		}
	}
	t.watchFrees(pp.freed)
	return nil
}

// watchFrees tells the programs, through t's layout, whether code_freed
// watches the frees of t's code objects. Configure the processes after.
func (t *target) watchFrees(on bool) {
	if on {
		t.proc.L.Flags |= layoutCodeFreed
	} else {
		t.proc.L.Flags &^= layoutCodeFreed
	}
}

// probeFile attaches the programs to one interpreter file: the evaluator's
// probes, and code_freed where the file's code_dealloc is known and the
// kernel has uprobe_multi links (6.6+); freed says whether it is.
func (e *E1) probeFile(t *target, pid int) (ls []link.Link, freed bool, err error) {
	entry, ret, err := e.uprobes(t, pid)
	if err != nil {
		return nil, false, err
	}
	ls = []link.Link{entry, ret}
	if t.usdt != nil || t.codeFree == 0 {
		return ls, false, nil
	}
	off, err := t.interp.FileOffset(t.codeFree)
	if err != nil {
		return ls, false, nil
	}
	ex, err := link.OpenExecutable(t.interp.Path)
	if err != nil {
		return ls, false, nil
	}
	l, err := ex.UprobeMulti(nil, e.objs.CodeFreed, &link.UprobeMultiOptions{Addresses: []uint64{off}, PID: uint32(pid)})
	if err != nil {
		return ls, false, nil // the names are checked instead
	}
	return append(ls, l), true, nil
}

func (e *E1) uprobes(t *target, pid int) (link.Link, link.Link, error) {
	if t.usdt != nil {
		return e.usdtProbes(t, pid)
	}
	off, err := t.interp.SymbolOffset(EvalFrameSymbol)
	if err != nil {
		return nil, nil, err
	}
	if e.session {
		l, err := attachSession(e.objs.EvalSession, t.interp.Path, off, pid)
		if err == nil {
			return l, nil, nil
		}
		if len(e.probes) > 1 || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			return nil, nil, fmt.Errorf("%w%s", err, privilegeHint(err))
		}
		// The programs loaded but the kernel cannot attach sessions to
		// uprobes: the pair it is, for every file.
		e.session = false
	}
	ex, err := link.OpenExecutable(t.interp.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("eBPF engine: opening %s: %w", t.interp.InProcessPath, err)
	}
	if entry, ret, err := e.multiPair(ex, off, pid); err == nil {
		return entry, ret, nil
	}
	opts := &link.UprobeOptions{Address: off, PID: pid}
	entry, err := ex.Uprobe(EvalFrameSymbol, e.objs.EvalEntry, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("eBPF engine: uprobe on %s in %s: %w%s", EvalFrameSymbol, t.interp.InProcessPath, err, privilegeHint(err))
	}
	ret, err := ex.Uretprobe(EvalFrameSymbol, e.objs.EvalReturn, opts)
	if err != nil {
		entry.Close()
		return nil, nil, fmt.Errorf("eBPF engine: uretprobe on %s in %s: %w%s", EvalFrameSymbol, t.interp.InProcessPath, err, privilegeHint(err))
	}
	return entry, ret, nil
}

// multiPair attaches the pair through uprobe_multi links, where the
// kernel has them (6.6+): they need no perf event.
func (e *E1) multiPair(ex *link.Executable, off uint64, pid int) (link.Link, link.Link, error) {
	if e.objs.EvalEntryMulti == nil {
		return nil, nil, errors.New("no uprobe_multi programs")
	}
	opts := &link.UprobeMultiOptions{Addresses: []uint64{off}, PID: uint32(pid)}
	entry, err := ex.UprobeMulti(nil, e.objs.EvalEntryMulti, opts)
	if err != nil {
		return nil, nil, err
	}
	ret, err := ex.UretprobeMulti(nil, e.objs.EvalReturnMulti, opts)
	if err != nil {
		entry.Close()
		return nil, nil, err
	}
	return entry, ret, nil
}

// configure tells the programs to trace pid as an interpreter of t, with
// the state bits given: procBias (bias is known: a running process),
// procExecNext (the configuration is for the program pid is about to
// execute, a gated launch), procStopForHook (stop it at its first frame
// until the eval_frame hook is in, 3.11+ only), procStopAtExec (stop it at
// each later exec until user space has looked).
func (e *E1) configure(pid int, t *target, bias uint64, state uint32) error {
	p := t.proc
	p.State = procPython | state
	if p.L.Flags&layoutHook == 0 {
		p.State &^= procStopForHook
	}
	if state&procBias != 0 {
		p.Bias = bias
	}
	p.Stops = e.stops(pid)
	if err := e.objs.Procs.Put(uint32(pid), &p); err != nil {
		return fmt.Errorf("eBPF engine: configuring pid %d: %w", pid, err)
	}
	return e.newEpoch()
}

// stops returns how many times the programs stopped pid: a new
// configuration keeps the count, which the launcher's OwnStop goes by.
func (e *E1) stops(pid int) uint32 {
	old, err := e.proc(uint32(pid))
	if err != nil {
		return 0
	}
	return old.Stops
}

// follow makes the programs follow pid's children without tracing pid
// itself: it is not (or not yet) a Python interpreter. state may hold
// procExecNext and procStopAtExec, as for configure.
func (e *E1) follow(pid int, state uint32) error {
	p := bpf.E1Proc{State: state, Stops: e.stops(pid)}
	if err := e.objs.Procs.Put(uint32(pid), &p); err != nil {
		return fmt.Errorf("eBPF engine: following pid %d: %w", pid, err)
	}
	return e.newEpoch()
}

// proc returns the programs' configuration of pid.
func (e *E1) proc(pid uint32) (bpf.E1Proc, error) {
	var p bpf.E1Proc
	err := e.objs.Procs.Lookup(pid, &p)
	return p, err
}

// setState ors bits into the state of pid's configuration.
func (e *E1) setState(pid uint32, bits uint32) error {
	p, err := e.proc(pid)
	if err != nil {
		return err
	}
	p.State |= bits
	if err := e.objs.Procs.Update(pid, &p, ebpf.UpdateExist); err != nil {
		return err
	}
	return e.newEpoch()
}

// forget stops tracing pid.
func (e *E1) forget(pid int) {
	if e.objs.Procs.Delete(uint32(pid)) == nil {
		_ = e.newEpoch()
	}
}

// newEpoch makes the threads forget what they remember of their process
// and its code objects (bpf/threads.h): call it after every change of procs.
func (e *E1) newEpoch() error {
	if err := e.objs.EpochUser.Set(e.epoch.Add(1)); err != nil {
		return fmt.Errorf("eBPF engine: writing the epoch: %w", err)
	}
	return nil
}

// flushThreads writes out the calls the threads still hold in their
// batches (bpf/threads.h), through a task iterator: run it once the probes
// are detached, before the ring buffer is drained.
func (e *E1) flushThreads() error {
	it, err := link.AttachIter(link.IterOptions{Program: e.objs.FlushThreads})
	if err != nil {
		return fmt.Errorf("eBPF engine: attaching the thread iterator: %w", err)
	}
	defer it.Close()
	rd, err := it.Open()
	if err != nil {
		return fmt.Errorf("eBPF engine: running the thread iterator: %w", err)
	}
	defer rd.Close()
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return fmt.Errorf("eBPF engine: running the thread iterator: %w", err)
	}
	return nil
}

// putVerdict writes user space's verdict on a code object; it is not
// written over a newer entry for another code object at the same address.
func (e *E1) putVerdict(k bpf.E1Vkey, v *bpf.E1Verdict) error {
	var cur bpf.E1Verdict
	if err := e.objs.Verdicts.Lookup(&k, &cur); err == nil && (cur.NamePtr != v.NamePtr || cur.FilePtr != v.FilePtr) {
		return nil
	}
	return e.objs.Verdicts.Put(&k, v)
}

// lost returns how many events found the ring buffer full, by type.
func (e *E1) lost() (map[uint8]uint64, error) {
	out := map[uint8]uint64{}
	var per []uint64
	for t := uint32(1); t < evTypes; t++ {
		if err := e.objs.Lost.Lookup(t, &per); err != nil {
			return nil, fmt.Errorf("eBPF engine: reading lost events: %w", err)
		}
		for _, n := range per {
			out[uint8(t)] += n
		}
	}
	return out, nil
}

// detachProbes removes every uprobe and uretprobe: from then on the traced
// processes run at full speed and no new call is reported.
func (e *E1) detachProbes() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, pp := range e.probes {
		closeLinks(pp.links...)
		for _, ls := range pp.perPID {
			closeLinks(ls...)
		}
		delete(e.probes, id)
	}
}

// Close detaches everything and frees the programs and maps. It is safe to
// call more than once.
func (e *E1) Close() error {
	e.detachProbes()
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	for _, l := range e.tps {
		l.Close()
	}
	e.tps = nil
	if e.reader != nil {
		e.reader.Close()
	}
	return e.objs.Close()
}

func statID(path string) (fileID, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return fileID{}, fmt.Errorf("eBPF engine: %s: %w", path, err)
	}
	return fileID{uint64(st.Dev), st.Ino}, nil
}

// privilegeHint turns a permission error into the fix.
func privilegeHint(err error) string {
	if errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
		return "; the eBPF engine needs root, or CAP_BPF and CAP_PERFMON (and CAP_SYS_PTRACE); or use --mode shim"
	}
	return ""
}

func kernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return string(b[:len(b)-1])
}

func closeLinks(ls ...link.Link) {
	for _, l := range ls {
		if l != nil {
			l.Close()
		}
	}
}
