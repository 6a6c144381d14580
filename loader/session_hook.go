package loader

import (
	"fmt"
	"slices"
	"syscall"

	"github.com/hpdiag/hpdiag-trace/bpf"
)

// maxInterpreters bounds the walk of a runtime's interpreter list, in case
// the memory read is not what it should be.
const maxInterpreters = 256

// hook answers the BPF program's request to install the eval_frame hook in
// the interpreter of a process's first evaluated frame (launch mode, exec),
// or its report of someone else's hook.
func (s *Session) hook(h hdr, b []byte) {
	ev, ok := view[bpf.E1EvProc](b)
	p := s.procs[h.tgid]
	if h.flags&flagStopped != 0 {
		// Whatever happens here, the process goes on.
		defer syscall.Kill(int(h.tgid), syscall.SIGCONT)
		s.log.Debugf("pid %d: stopped at its first frame until its eval_frame hook is written", h.tgid)
	}
	if !ok || p == nil || p.target == nil {
		return
	}
	if h.flags&flagForeign != 0 {
		s.warnf("pid %d: the interpreter already has a PEP 523 eval_frame hook (%#x: a debugger, profiler or JIT): it is left alone, and the eBPF engine sees only the calls that enter the evaluator from C", p.pid, ev.Value)
		return
	}
	conf, err := s.e1.proc(h.tgid)
	if err != nil {
		return
	}
	if m, err := p.memory(); err == nil {
		if err := p.target.refine(m, conf.Bias); err != nil {
			// Reading this interpreter would be wrong: stop tracing it.
			s.e1.forget(p.pid)
			s.warnf("pid %d: not traced: %v", p.pid, err)
			return
		}
	}
	if err := s.hookAll(p, conf.Bias, false); err != nil {
		s.warnf("pid %d: %v", p.pid, err)
	}
}

// hookAll writes &_PyEval_EvalFrameDefault into the eval_frame of every
// interpreter of the process whose field is NULL. With refuse, another
// hook is an error and nothing is written.
func (s *Session) hookAll(p *traced, bias uint64, refuse bool) error {
	m, err := p.memory()
	if err != nil {
		return fmt.Errorf("cannot install the eval_frame hook, so calls from Python to Python stay invisible: %w", err)
	}
	t := p.target
	l := t.layout
	want := bias + t.interp.Symbols[EvalFrameSymbol].Value
	p.evalAddr = want
	interps, err := s.interpreters(p, bias)
	if err != nil {
		return err
	}
	if refuse {
		for _, ip := range interps {
			cur, err := m.ReadU64(ip + uint64(l.Interp.EvalFrame))
			if err != nil {
				return err
			}
			if cur != 0 && cur != want {
				return fmt.Errorf("pid %d: the interpreter already has a PEP 523 eval_frame hook (%#x), installed by a debugger, profiler or JIT; the eBPF engine will not replace it. Detach that tool first, or use --mode shim", p.pid, cur)
			}
		}
	}
	for _, ip := range interps {
		slot := ip + uint64(l.Interp.EvalFrame)
		cur, err := m.ReadU64(slot)
		if err != nil {
			return err
		}
		switch cur {
		case 0:
			if err := m.WriteU64(slot, want); err != nil {
				return fmt.Errorf("cannot install the eval_frame hook: %w", err)
			}
			s.stats.Hooks++
		case want:
			// ours already: left by a tracer that was killed, or a fork
		default:
			continue
		}
		if !slices.Contains(p.hooked, ip) {
			p.hooked = append(p.hooked, ip)
		}
	}
	return nil
}

// interpreters lists the interpreter states of the process's runtime.
func (s *Session) interpreters(p *traced, bias uint64) ([]uint64, error) {
	m, err := p.memory()
	if err != nil {
		return nil, err
	}
	l := p.target.layout
	rt := bias + p.target.interp.Symbols["_PyRuntime"].Value
	ip, err := m.ReadU64(rt + uint64(l.Runtime.InterpretersHead))
	if err != nil {
		return nil, fmt.Errorf("pid %d: reading the runtime's interpreters: %w", p.pid, err)
	}
	var out []uint64
	for ip != 0 && len(out) < maxInterpreters {
		out = append(out, ip)
		if ip, err = m.ReadU64(ip + uint64(l.Interp.Next)); err != nil {
			return out, nil
		}
	}
	return out, nil
}

// restore puts NULL back into every eval_frame this session wrote that
// still holds its value: the process is left as it was found.
func (s *Session) restore(p *traced) {
	if len(p.hooked) == 0 || p.target == nil {
		return
	}
	m, err := p.memory()
	if err != nil {
		return // gone
	}
	want := p.evalAddr
	for _, ip := range p.hooked {
		slot := ip + uint64(p.target.layout.Interp.EvalFrame)
		if cur, err := m.ReadU64(slot); err == nil && cur == want {
			if m.WriteU64(slot, 0) == nil {
				s.stats.HooksRestore++
			}
		}
	}
	p.hooked = nil
}

// restoreHooks restores every process still running. s.mu is held.
func (s *Session) restoreHooks() {
	for _, p := range s.procs {
		s.restore(p)
		p.close()
	}
}

// OwnStop reports whether a stop of pid that a wait just reported is the
// engine's own: a SIGSTOP of the launched process at an exec or at its
// first frame, until user space has looked. The programs count the stops
// they send; each is owned once. The launcher then neither stops itself
// nor the app: the engine continues it.
func (s *Session) OwnStop(pid int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.procs[uint32(pid)]
	if p == nil {
		return false
	}
	conf, err := s.e1.proc(uint32(pid))
	if err != nil || conf.Stops <= p.stopsSeen {
		return false
	}
	p.stopsSeen++
	return true
}
