package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/cilium/ebpf/ringbuf"
	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// SessionOptions configure a Session.
type SessionOptions struct {
	Matcher *matcher.Matcher // required: the verdicts
	Sink    pipeline.Sink    // required: where events go
	Log     logrus.FieldLogger
	// FlushInterval bounds how long an event waits in a partly filled batch
	// (0: 50ms).
	FlushInterval time.Duration
	// MaxHeld bounds the events held per thread while a code object's
	// verdict is awaited (0: 100,000); past it they are dropped and counted.
	MaxHeld int
	// Requests, when set, is engine E0 loaded over the same E1: the
	// session also turns its records (requests, SQL, outbound calls) into
	// pipeline events.
	Requests *E0
	// NoCalls leaves the evaluator uprobes of E1 out: only the processes
	// are followed (for E0 alone, when there are no points).
	NoCalls bool
}

// Session turns what engine E1 reports into pipeline events: it resolves
// code objects with the matcher and writes the verdicts back, installs and
// removes the eval_frame hook, follows processes through fork and exec, and
// batches calls for the Sink. Run reads the ring buffer; Trace, Attach and
// Stop may be called from other goroutines.
type Session struct {
	e1   *E1
	opts SessionOptions
	log  logrus.FieldLogger

	mu      sync.Mutex
	procs   map[uint32]*traced
	methods []*codeState // by verdict method id - 1
	held    map[uint32]*heldQueue
	batch   []pipeline.Event
	stats   Stats
	warned  map[string]bool

	req *requests // E0's state, nil without Requests

	stopping chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

// Stats is what a Session did, for the tracer's last words.
type Stats struct {
	Processes    int      // processes traced
	Codes        int      // code objects resolved
	Hooks        int      // interpreters whose eval_frame the session wrote
	Events       uint64   // calls reported
	Lost         uint64   // events the ring buffer had no room for
	TooDeep      uint64   // calls not reported: nested deeper than the kernel reports returns
	HeldDropped  uint64   // events dropped while their verdict was awaited
	Unresolved   uint64   // events whose code object was never described
	Warnings     []string // what could not be traced, once each
	HooksRestore int      // interpreters whose eval_frame was restored
	// E0: inbound HTTP requests, outbound HTTP calls, SQL statements, and
	// requests linked to a traced caller by their connection's 4-tuple.
	Requests, Outbound, Statements, Links uint64
}

// NewSession returns a Session over e1; Run starts it.
func NewSession(e1 *E1, opts SessionOptions) (*Session, error) {
	if opts.Matcher == nil || opts.Sink == nil {
		return nil, errors.New("loader: SessionOptions.Matcher and Sink are required")
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = 50 * time.Millisecond
	}
	if opts.MaxHeld <= 0 {
		opts.MaxHeld = 100_000
	}
	log := opts.Log
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	s := &Session{
		e1:       e1,
		opts:     opts,
		log:      log,
		procs:    make(map[uint32]*traced),
		held:     make(map[uint32]*heldQueue),
		warned:   make(map[string]bool),
		batch:    opts.Sink.NewBatch(),
		stopping: make(chan struct{}),
		done:     make(chan struct{}),
	}
	if opts.Requests != nil {
		s.req = newRequests(s.add)
	}
	return s, nil
}

// Run reads events until Stop has been called and the ring buffer is
// drained, or ctx ends. It returns the first error of the ring buffer.
func (s *Session) Run(ctx context.Context) error {
	defer close(s.done)
	rd := s.e1.reader
	var rec ringbuf.Record
	draining := false
	lastScan := time.Now()
	// The deadline is set again only when it has passed: a reader whose
	// deadline is past still returns what the buffer holds, then says so,
	// which is when a partial batch is flushed. The clock, the channels and
	// the rescan are looked at then, or every few thousand records, never
	// per event.
	rd.SetDeadline(time.Now().Add(s.opts.FlushInterval))
	for n := 1; ; n++ {
		err := rd.ReadInto(&rec)
		if err == nil {
			s.mu.Lock()
			s.handle(rec.RawSample)
			s.mu.Unlock()
			if n%4096 != 0 {
				continue
			}
		}
		switch {
		case err == nil, errors.Is(err, os.ErrDeadlineExceeded):
			if err != nil {
				s.flush()
				if draining {
					return nil
				}
				rd.SetDeadline(time.Now().Add(s.opts.FlushInterval))
			}
			if time.Since(lastScan) > rescanInterval {
				s.mu.Lock()
				s.rescan()
				s.mu.Unlock()
				lastScan = time.Now()
			}
		case errors.Is(err, ringbuf.ErrClosed):
			s.flush()
			return nil
		default:
			s.flush()
			return fmt.Errorf("eBPF engine: reading the ring buffer: %w", err)
		}
		select {
		case <-ctx.Done():
			s.flush()
			return ctx.Err()
		case <-s.stopping:
			draining = true
		default:
		}
	}
}

// rescanInterval is how often the interpreters of hooked processes are
// listed again, to hook the subinterpreters created since.
const rescanInterval = time.Second

// rescan hooks the interpreters created since the last scan in every
// process whose interpreter the session hooked. s.mu is held.
func (s *Session) rescan() {
	for _, p := range s.procs {
		if len(p.hooked) == 0 || p.target == nil {
			continue
		}
		conf, err := s.e1.proc(uint32(p.pid))
		if err != nil || conf.State&procBias == 0 {
			continue
		}
		_ = s.hookAll(p, conf.Bias, false) // a process that is gone is not an error
	}
}

// Stop detaches the probes, waits until Run has read what they reported,
// restores the interpreters of the processes still running and returns
// what the session did. Run must be running.
func (s *Session) Stop(timeout time.Duration) Stats {
	s.e1.detachProbes()
	if s.opts.Requests != nil {
		s.opts.Requests.detach()
	}
	if err := s.e1.flushThreads(); err != nil {
		s.mu.Lock()
		s.warnf("%v: the calls of threads inside a reported call are lost", err)
		s.mu.Unlock()
	}
	s.stopOnce.Do(func() { close(s.stopping) })
	drained := true
	select {
	case <-s.done:
	case <-time.After(timeout):
		drained = false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !drained {
		s.warnf("the ring buffer was not drained within %s: later events are lost", timeout)
	}
	s.restoreHooks()
	for tid, q := range s.held {
		s.stats.Unresolved += uint64(len(q.events))
		delete(s.held, tid)
	}
	if lost, err := s.e1.lost(); err == nil {
		for typ, n := range lost {
			if typ == evTooDeep {
				s.stats.TooDeep += n
				continue
			}
			s.stats.Lost += n
		}
	}
	if s.opts.Requests != nil {
		if n, err := s.opts.Requests.lost(); err == nil {
			s.stats.Lost += n
		}
		s.stats.Requests, s.stats.Outbound = s.req.requests, s.req.outbound
		s.stats.Statements, s.stats.Links = s.req.statements, s.req.links
	}
	if n := s.stats.Lost + s.stats.TooDeep + s.stats.HeldDropped + s.stats.Unresolved; n > 0 {
		s.opts.Sink.AddDropped(n)
	}
	s.flushLocked()
	return s.stats
}

// handle dispatches one ring buffer record. s.mu is held.
func (s *Session) handle(b []byte) {
	h, ok := decodeHdr(b)
	if !ok {
		return
	}
	switch h.typ {
	case evEnter, evEnterArgs, evExit, evTooDeep:
		s.call(h, b)
	case evBatch:
		s.batched(h, b)
	case evCode:
		s.newCode(h, b)
	case evFork:
		s.forked(h, b)
	case evExec:
		s.execed(h)
	case evGone:
		s.gone(h)
		if s.req != nil {
			s.req.gone(h.tgid)
		}
	case evHook:
		s.hook(h, b)
	default:
		if s.req != nil && h.typ >= evAccept {
			s.req.handle(h, b)
		}
	}
}

// call reports one Enter or Exit, or holds it (with every later event of its
// thread) until its code object's verdict is known.
func (s *Session) call(h hdr, b []byte) {
	if len(s.held) > 0 {
		if q := s.held[h.tid]; q != nil {
			s.hold(q, h, b)
			return
		}
	}
	cs := s.codeOf(h)
	if cs == nil {
		s.hold(nil, h, b)
		return
	}
	s.emit(cs, h, b)
}

// batched reports the calls of one thread's batch, in order.
func (s *Session) batched(h hdr, b []byte) {
	calls := b[hdrSize:]
	for i := 0; i < int(h.method) && (i+1)*batchedCallSize <= len(calls); i++ {
		s.call(decodeBatched(h, calls[i*batchedCallSize:]), nil)
	}
}

// codeOf returns the resolved code object of a call event, or nil while
// its verdict is unknown.
func (s *Session) codeOf(h hdr) *codeState {
	if h.flags&flagPending == 0 && h.method > 0 && int(h.method) <= len(s.methods) {
		return s.methods[h.method-1]
	}
	p := s.procs[h.tgid]
	if p == nil {
		return nil
	}
	return p.codes[h.code]
}

// emit turns a call of resolved code into a pipeline event.
func (s *Session) emit(cs *codeState, h hdr, b []byte) {
	if cs.method == nil {
		return // pending when it ran, and not selected
	}
	if h.typ == evTooDeep {
		s.stats.TooDeep++
		return
	}
	ev := pipeline.Event{
		PID:    int32(h.tgid),
		TID:    uint64(h.tid),
		Time:   int64(h.ts),
		Method: cs.method,
	}
	if h.typ == evExit {
		ev.Kind = pipeline.Exit
		ev.Exception = h.flags&flagException != 0
	} else {
		ev.Kind = pipeline.Enter
		if h.typ == evEnterArgs && len(cs.captures) > 0 {
			ev.Value = cs.value(b, h.flags&flagPending != 0)
		}
	}
	s.stats.Events++
	s.add(ev)
}

// add appends an event to the batch, handing the batch over when full.
// s.mu is held.
func (s *Session) add(ev pipeline.Event) {
	s.batch = append(s.batch, ev)
	if len(s.batch) == cap(s.batch) {
		s.opts.Sink.Submit(s.batch)
		s.batch = s.opts.Sink.NewBatch()
	}
}

func (s *Session) flush() {
	s.mu.Lock()
	s.flushLocked()
	s.mu.Unlock()
}

func (s *Session) flushLocked() {
	if len(s.batch) > 0 {
		s.opts.Sink.Submit(s.batch)
		s.batch = s.opts.Sink.NewBatch()
	}
}

// warnf logs a problem once and keeps it for the tracer's last words.
func (s *Session) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if s.warned[msg] {
		return
	}
	s.warned[msg] = true
	s.stats.Warnings = append(s.stats.Warnings, msg)
	s.log.Warn(msg)
}
