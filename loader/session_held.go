package loader

import "slices"

// heldQueue keeps, in order, the events of one thread from the first call
// whose code object's verdict was unknown: the BPF program may report a
// call of pending code (from another CPU) before the code's description,
// and the pipeline needs each thread's events in order.
type heldQueue struct {
	events []heldEvent
}

type heldEvent struct {
	h   hdr
	raw []byte // the record, for an Enter with arguments
}

// hold appends an event to its thread's queue (q, or a new one).
func (s *Session) hold(q *heldQueue, h hdr, b []byte) {
	if q == nil {
		q = &heldQueue{}
		s.held[h.tid] = q
	}
	if len(q.events) >= s.opts.MaxHeld {
		s.stats.HeldDropped++
		return
	}
	e := heldEvent{h: h}
	if h.typ == evEnterArgs {
		e.raw = slices.Clone(b)
	}
	q.events = append(q.events, e)
}

// release reports the held events whose verdicts are now known, each
// thread up to its first event still waiting.
func (s *Session) release() {
	for tid, q := range s.held {
		n := 0
		for _, e := range q.events {
			cs := s.codeOf(e.h)
			if cs == nil {
				break
			}
			s.emit(cs, e.h, e.raw)
			n++
		}
		if n == len(q.events) {
			delete(s.held, tid)
			continue
		}
		q.events = slices.Delete(q.events, 0, n)
	}
}
