package loader

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"github.com/hpdiag/hpdiag-trace/bpf"
	"github.com/hpdiag/hpdiag-trace/pipeline"
	"github.com/hpdiag/hpdiag-trace/pyframes"
)

// traced is one process the session traces or follows.
type traced struct {
	pid    int
	target *target // nil: followed only (not Python, or not supported)
	codes  map[uint64]*codeState
	mem    *ProcMem
	hooked []uint64 // interpreter states whose eval_frame this session wrote
	// evalAddr is &_PyEval_EvalFrameDefault in the process: what the hook
	// holds.
	evalAddr uint64
	// stopsSeen counts the engine's own stops of the process the launcher
	// has been told of (OwnStop).
	stopsSeen uint32
	src       *sourceIndex
}

// memory opens the process's memory on first use.
func (p *traced) memory() (*ProcMem, error) {
	if p.mem != nil {
		return p.mem, nil
	}
	m, err := OpenProcMem(p.pid)
	if err != nil {
		return nil, err
	}
	p.mem = m
	return m, nil
}

func (p *traced) close() {
	if p.mem != nil {
		p.mem.Close()
		p.mem = nil
	}
}

// codeArgs reads a code object's first argument name and its count of
// positional arguments.
func (p *traced) codeArgs(code uint64) (first string, argc int, err error) {
	m, err := p.memory()
	if err != nil {
		return "", 0, err
	}
	l := p.target.layout
	var w [4]byte
	if _, err := m.ReadAt(w[:], int64(code)+int64(l.Code.Argcount)); err != nil {
		return "", 0, err
	}
	argc = int(int32(binary.LittleEndian.Uint32(w[:])))
	if argc == 0 {
		return "", 0, nil
	}
	tuple, err := m.ReadU64(code + uint64(localNames(l)))
	if err != nil {
		return "", 0, err
	}
	item, err := m.ReadU64(tuple + uint64(l.Object.TupleObItem))
	if err != nil {
		return "", 0, err
	}
	first, err = readStr(m, l, item, 64)
	return first, argc, err
}

// readStr reads a compact str object of at most max code points.
func readStr(m *ProcMem, l *pyframes.Layout, obj uint64, max int) (string, error) {
	var st [4]byte
	if _, err := m.ReadAt(st[:], int64(obj)+int64(l.Unicode.State)); err != nil {
		return "", err
	}
	state := binary.LittleEndian.Uint32(st[:])
	length, err := m.ReadU64(obj + uint64(l.Unicode.Length))
	if err != nil {
		return "", err
	}
	off, err := l.StrDataOffset(state)
	if err != nil {
		return "", err
	}
	n := min(int(length), max)
	buf := make([]byte, n*l.StrState(state).Kind)
	if _, err := m.ReadAt(buf, int64(obj)+int64(off)); err != nil {
		return "", err
	}
	return l.DecodeUnicode(state, buf, n)
}

// How much of a name readName reads: as much as the BPF program copies.
const (
	nameMaxRead = 256
	fileMaxRead = 1024
)

// readName reads a str object (or, from USDT, a C string) through the
// process's memory; "" when it cannot.
func (p *traced) readName(l *pyframes.Layout, utf8 bool, addr uint64, max int) string {
	m, err := p.memory()
	if err != nil || addr == 0 {
		return ""
	}
	var s string
	if utf8 {
		s, err = m.ReadCString(addr, max)
	} else {
		s, err = readStr(m, l, addr, max)
	}
	if err != nil && !errors.Is(err, pyframes.ErrTruncated) {
		return ""
	}
	return s
}

// sourceQualname rebuilds the qualified name of a code object on Python
// 3.10 and older, whose code objects have none, from the enclosing class
// and def statements of its source file.
func (p *traced) sourceQualname(file string, line int, name string) string {
	if p.src == nil {
		p.src = newSourceIndex(p.pid)
	}
	return p.src.qualname(file, line, name)
}

// Trace starts tracing a process that is about to execute interp (the
// stub of a gated launch): the probes are in place before the program's
// first instruction. A nil interp means the program is not Python itself
// and only its children (and its own later execs) are followed.
func (s *Session) Trace(pid int, interp *Interpreter) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The launched process is ours to stop: its parent is the tracer.
	const launched = procExecNext | procStopAtExec
	if interp == nil {
		s.procs[uint32(pid)] = &traced{pid: pid, codes: map[uint64]*codeState{}}
		return s.e1.follow(pid, launched)
	}
	t, err := s.newTarget(interp)
	if err != nil {
		return err
	}
	if err := s.attachCalls(t, pid); err != nil {
		return err
	}
	if err := s.e1.configure(pid, t, 0, launched|procStopForHook); err != nil {
		return err
	}
	s.procs[uint32(pid)] = newTraced(pid, t)
	s.stats.Processes++
	s.setProcess(pid, interp)
	return nil
}

// newTraced starts the state of a traced process; what may be gone when the
// process has exited is read now.
func newTraced(pid int, t *target) *traced {
	p := &traced{pid: pid, target: t, codes: map[uint64]*codeState{}}
	if t != nil && t.layout.Code.Qualname == pyframes.Absent {
		p.src = newSourceIndex(pid)
	}
	return p
}

// Attach starts tracing a running process: it installs the eval_frame
// hook on 3.11+ (refusing a process with another hook), configures the
// programs and attaches the probes.
func (s *Session) Attach(pid int, interp *Interpreter) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.newTarget(interp)
	if err != nil {
		return err
	}
	p := newTraced(pid, t)
	if m, err := p.memory(); err != nil {
		return err
	} else if err := t.refine(m, interp.Bias); err != nil {
		p.close()
		return fmt.Errorf("pid %d (%s): %w", pid, interp, err)
	}
	if t.proc.L.Flags&layoutHook != 0 && !s.opts.NoCalls {
		if err := s.hookAll(p, interp.Bias, true); err != nil {
			p.close()
			return err
		}
	}
	// The probes first: the configuration says whether code_freed watches
	// the file (watchFrees).
	if err := s.attachCalls(t, pid); err != nil {
		s.restore(p)
		p.close()
		return err
	}
	if err := s.e1.configure(pid, t, interp.Bias, procBias); err != nil {
		s.restore(p)
		p.close()
		return err
	}
	if len(p.hooked) > 0 {
		_ = s.e1.setState(uint32(pid), procHooked)
	}
	s.procs[uint32(pid)] = p
	s.stats.Processes++
	s.setProcess(pid, interp)
	return nil
}

// setProcess tells the Sink about a traced process, and says what the
// engine cannot see in it.
func (s *Session) setProcess(pid int, interp *Interpreter) {
	if interp != nil {
		if _, ok := interp.Symbols[JITSymbol]; ok {
			s.warnf("%s was built with the experimental JIT: code the JIT compiles runs outside the evaluator and is not seen (run the app with PYTHON_JIT=0 for complete counts)", interp)
		}
	}
	info := pipeline.ProcessInfo{}
	if interp != nil {
		info.Python = interp.Version.String()
		info.Executable = interp.Executable
	}
	info.Argv, _ = ProcessArgv(pid)
	if ppid, err := ParentPID(pid); err == nil {
		info.Parent = int32(ppid)
	}
	s.opts.Sink.SetProcess(int32(pid), info)
}

// forked starts tracing a child: the BPF program already traces it with
// its parent's configuration.
func (s *Session) forked(h hdr, b []byte) {
	ev, ok := view[bpf.E1EvProc](b)
	parent := s.procs[h.tgid]
	if !ok || parent == nil {
		return
	}
	child := newTraced(int(ev.Child), parent.target)
	s.procs[ev.Child] = child
	if child.target != nil {
		s.stats.Processes++
		child.hooked = append(child.hooked, parent.hooked...)
		child.evalAddr = parent.evalAddr
		s.setProcess(child.pid, parent.target.interp)
	}
}

// execed looks at the program a traced process now runs: another
// interpreter is traced in its turn (from as early as the engine can: see
// docs/engines.md), anything else is only followed.
func (s *Session) execed(h hdr) {
	p := s.procs[h.tgid]
	if p == nil {
		return
	}
	if h.flags&flagStopped != 0 {
		// Whatever it runs now, the process goes on once looked at.
		defer syscall.Kill(int(h.tgid), syscall.SIGCONT)
	}
	var keep uint32 // the launched process stays ours to stop
	if conf, err := s.e1.proc(h.tgid); err == nil {
		keep = conf.State & procStopAtExec
	}
	p.close()
	pid := int(h.tgid)
	next := &traced{pid: pid, codes: map[uint64]*codeState{}, stopsSeen: p.stopsSeen}
	s.procs[h.tgid] = next
	exe, err := ProcessExe(pid)
	if err != nil {
		return // gone already: a short-lived program (a shell's helper)
	}
	interp, err := FindForExec(pid)
	if err != nil {
		if !errors.Is(err, ErrNotPython) && !processGone(pid) {
			s.warnf("pid %d runs %s, which cannot be traced: %v", pid, exe, err)
		}
		_ = s.e1.follow(pid, keep)
		return
	}
	t, err := s.newTarget(interp)
	if err == nil {
		err = s.attachCalls(t, pid)
	}
	if err == nil {
		stop := uint32(0)
		if keep != 0 {
			stop = procStopForHook
		}
		err = s.e1.configure(pid, t, 0, keep|stop)
	}
	if err != nil {
		s.warnf("pid %d runs %s, which cannot be traced: %v", pid, exe, err)
		_ = s.e1.follow(pid, keep)
		return
	}
	np := newTraced(pid, t)
	np.stopsSeen = next.stopsSeen
	s.procs[h.tgid] = np
	s.stats.Processes++
	s.setProcess(pid, interp)
	s.hookRunning(np)
}

// hookRunning writes the eval_frame hook of a process that may already run
// Python (one the tracer saw exec late): the BPF program asks for it only
// at an entry of the evaluator from C, which a running main module may not
// make again.
func (s *Session) hookRunning(p *traced) {
	if p.target.proc.L.Flags&layoutHook == 0 {
		return
	}
	running, err := FindInProcess(p.pid)
	if err != nil {
		return // not mapped yet: the first frame will ask
	}
	if err := s.hookAll(p, running.Bias, false); err == nil && len(p.hooked) > 0 {
		_ = s.e1.setState(uint32(p.pid), procHooked)
	}
}

// gone forgets a process that exited.
func (s *Session) gone(h hdr) {
	if p := s.procs[h.tgid]; p != nil {
		p.close()
		delete(s.procs, h.tgid)
	}
}

// attachCalls puts E1's evaluator probes on t's file, unless the session
// follows processes only (NoCalls).
func (s *Session) attachCalls(t *target, pid int) error {
	if s.opts.NoCalls {
		return nil
	}
	return s.e1.attach(t, pid)
}

// processGone reports whether pid has exited.
func processGone(pid int) bool {
	_, err := ReadProcStat(pid)
	return err != nil
}
