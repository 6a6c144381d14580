package pipeline

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// Options configure a Pipeline.
type Options struct {
	// Config supplies the [Probe] settings (trimming, sql_parsing_mode,
	// minimum_sql_latency, http_client_show_url, uri_replace_pattern,
	// uri_pathsegments, probe_id); nil means the guide's defaults.
	Config *conf.Config
	// Log receives warnings; nil discards them.
	Log logrus.FieldLogger
	// KeepInstances is how many of the slowest instance trees are kept per
	// server request: 0 means 5, a negative value keeps none.
	KeepInstances int
	// ProbeID overrides Config.Probe.ProbeID in the report.
	ProbeID string
	// Engine names the engine feeding the pipeline, for the report.
	Engine string
	// Fragments, when set, receives a copy of every finished fragment
	// (the mediator's spans). Nil costs nothing on the hot path.
	Fragments FragmentSink
}

// The sizes of the channels between the stages, in batches. Small on
// purpose: a producer that outruns the tracker blocks (backpressure)
// instead of queueing without bound.
const (
	batchSize     = 1024
	inQueue       = 8
	fragQueue     = 8
	freeBatches   = 64
	freeFragments = 1024
)

// Pipeline turns engine events into the report. Engines fill batches from
// NewBatch and hand them over with Submit; two stages connected by channels
// do the rest: the tracker (per-thread stacks, method/layer/SQL/outbound
// aggregates, trimmed node arenas) and the fragment stage (naming, server
// request aggregates, kept instances).
type Pipeline struct {
	opts    Options
	lim     limits
	log     logrus.FieldLogger
	tr      *tracker
	fs      *fragStage
	in      chan []Event
	frags   chan []*fragment
	done    chan struct{}
	dropped atomic.Uint64

	// Free lists: channels rather than sync.Pool, because putting a slice
	// into a sync.Pool boxes its header (an allocation per batch).
	freeBatch chan []Event
	freeFrag  chan *fragment
	freeOut   chan []*fragment

	submitMu sync.RWMutex
	closed   bool

	procMu sync.Mutex
	procs  map[int32]ProcessInfo

	startOnce sync.Once
	closeOnce sync.Once
	started   time.Time // when New made the pipeline: the report's start
	final     *Report
}

// New returns a pipeline; Start runs its stages.
func New(opts Options) *Pipeline {
	p := &Pipeline{
		opts:      opts,
		lim:       newLimits(opts.Config, opts.KeepInstances),
		log:       opts.Log,
		in:        make(chan []Event, inQueue),
		frags:     make(chan []*fragment, fragQueue),
		done:      make(chan struct{}),
		freeBatch: make(chan []Event, freeBatches),
		freeFrag:  make(chan *fragment, freeFragments),
		freeOut:   make(chan []*fragment, inQueue+fragQueue+2),
		procs:     make(map[int32]ProcessInfo),
		started:   time.Now(),
	}
	if p.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		p.log = l
	}
	var ops []conf.URIReplace
	segments := 0
	if c := opts.Config; c != nil {
		ops, segments = c.Probe.URIReplacePattern, c.Probe.URIPathSegments
		if c.Probe.SQLParsingMode < SQLModeNone || c.Probe.SQLParsingMode > SQLModeIdentical {
			p.log.Warnf("sql_parsing_mode %d is not 1-4: using %d", c.Probe.SQLParsingMode, defaultSQLMode)
		}
	}
	p.tr = newTracker(&p.lim, p.getFragment, p.putFragment)
	p.tr.out = p.getOut()
	p.fs = newFragStage(&p.lim, NewURIMapper(ops, segments))
	return p
}

// Start runs the stages. When ctx ends the pipeline closes itself, as Close
// does. Calling Start more than once has no effect.
func (p *Pipeline) Start(ctx context.Context) {
	p.startOnce.Do(func() {
		go p.runTracker()
		go p.runFragments()
		if ctx != nil && ctx.Done() != nil {
			go func() {
				select {
				case <-ctx.Done():
					p.Close()
				case <-p.done:
				}
			}()
		}
	})
}

// NewBatch returns an empty batch (capacity about 1024) for Submit.
func (p *Pipeline) NewBatch() []Event {
	select {
	case b := <-p.freeBatch:
		return b
	default:
		return make([]Event, 0, batchSize)
	}
}

// Submit hands a batch over to the pipeline: the caller must not touch it
// afterwards. It blocks while the tracker is behind. Safe for concurrent
// use; events submitted after Close are counted as dropped.
func (p *Pipeline) Submit(batch []Event) {
	if len(batch) == 0 {
		p.recycle(batch)
		return
	}
	p.submitMu.RLock()
	defer p.submitMu.RUnlock()
	if p.closed {
		p.dropped.Add(uint64(len(batch)))
		return
	}
	p.in <- batch
}

// AddDropped counts n events an engine had to drop; the report says so.
func (p *Pipeline) AddDropped(n uint64) { p.dropped.Add(n) }

// SetProcess records what is known of a traced process, for the report.
func (p *Pipeline) SetProcess(pid int32, info ProcessInfo) {
	info.PID = pid
	p.procMu.Lock()
	p.procs[pid] = info
	p.procMu.Unlock()
}

// PIDs returns the processes recorded with SetProcess, cheaply (no report
// is built), for outputs that sample them.
func (p *Pipeline) PIDs() []int32 {
	p.procMu.Lock()
	defer p.procMu.Unlock()
	pids := make([]int32, 0, len(p.procs))
	for pid := range p.procs {
		pids = append(pids, pid)
	}
	return pids
}

// Close stops accepting events, drains every stage, closes the fragments
// still running as incomplete and returns the final report. Later calls
// return the same report.
func (p *Pipeline) Close() *Report {
	p.closeOnce.Do(func() {
		p.Start(context.Background())
		p.submitMu.Lock()
		p.closed = true
		close(p.in)
		p.submitMu.Unlock()
		<-p.done
		p.final = p.report(time.Now())
		p.warnLosses(p.final)
	})
	return p.final
}

// Snapshot returns the report so far. Each stage's part is consistent; a
// fragment between the stages may be in the method aggregates but not yet
// in its server request's.
func (p *Pipeline) Snapshot() *Report {
	return p.report(time.Now())
}

func (p *Pipeline) warnLosses(r *Report) {
	if r.DroppedEvents > 0 || r.UnmatchedExits > 0 || r.IncompleteFragments > 0 {
		p.log.WithFields(logrus.Fields{
			"dropped_events":       r.DroppedEvents,
			"unmatched_exits":      r.UnmatchedExits,
			"incomplete_fragments": r.IncompleteFragments,
		}).Warn("some calls could not be traced completely")
	}
}

func (p *Pipeline) runTracker() {
	for batch := range p.in {
		p.tr.mu.Lock()
		p.tr.process(batch)
		out := p.tr.out
		if len(out) > 0 {
			p.tr.out = p.getOut()
		}
		p.tr.mu.Unlock()
		p.recycle(batch)
		if len(out) > 0 {
			p.frags <- out
		}
	}
	p.tr.mu.Lock()
	p.tr.finish()
	out := p.tr.out
	p.tr.out = nil
	p.tr.mu.Unlock()
	if len(out) > 0 {
		p.frags <- out
	}
	close(p.frags)
}

func (p *Pipeline) runFragments() {
	for out := range p.frags {
		if sink := p.opts.Fragments; sink != nil {
			for _, f := range out {
				p.fs.mu.Lock()
				ff := p.fs.finished(p.fs.add(f), f)
				p.fs.mu.Unlock()
				sink.Fragment(ff)
			}
		} else {
			p.fs.mu.Lock()
			for _, f := range out {
				p.fs.add(f)
			}
			p.fs.mu.Unlock()
		}
		for i, f := range out {
			p.putFragment(f)
			out[i] = nil
		}
		p.putOut(out[:0])
	}
	close(p.done)
}

// recycle returns a batch to the free list, clearing it so it keeps no
// strings alive.
func (p *Pipeline) recycle(b []Event) {
	if cap(b) < batchSize {
		return
	}
	clear(b)
	select {
	case p.freeBatch <- b[:0]:
	default:
	}
}

func (p *Pipeline) getFragment() *fragment {
	select {
	case f := <-p.freeFrag:
		return f
	default:
		return &fragment{}
	}
}

func (p *Pipeline) putFragment(f *fragment) {
	f.reset()
	select {
	case p.freeFrag <- f:
	default:
	}
}

func (p *Pipeline) getOut() []*fragment {
	select {
	case o := <-p.freeOut:
		return o
	default:
		return make([]*fragment, 0, 64)
	}
}

func (p *Pipeline) putOut(o []*fragment) {
	select {
	case p.freeOut <- o:
	default:
	}
}
