package pipeline

import (
	"sync"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
)

// cut says why a call has no node in the instance tree.
type cut uint8

const (
	cutNone  cut = iota // captured
	cutDepth            // deeper than maximum_stack_depth
	cutTrim             // method_trim
	cutLayer            // inside a no_layer_recurse call of the same layer
	cutFull             // the arena was full (maximum_method_calls)
)

// frame is an open call on a thread's stack.
type frame struct {
	agg        *methodAgg
	start      int64
	children   int64 // sum of the durations of the direct callees that left
	node       int32 // arena index, -1 when not captured
	parentNode int32 // arena index of the nearest captured caller, -1 none
	cut        cut
	sql        string // SQL text executed by this call
	out        string // outbound target of this call
}

// process is what the tracker knows of a pid.
type process struct {
	pid   int32
	first int64 // time of its first event: instance starts are offsets from it
	wall  int64 // wall clock (Unix ns) when the tracker saw that event
}

// threadKey identifies a thread across processes.
type threadKey struct {
	pid int32
	tid uint64
}

// thread is the state of one traced thread.
type thread struct {
	key      threadKey
	proc     *process
	stack    []frame
	nlr      int       // open no_layer_recurse calls
	frag     *fragment // the running fragment, nil when the stack is empty
	pending  fragAttrs // attributes reported with no open call: for the next fragment
	hasAttrs bool      // pending holds something
	seen     uint64    // batch sequence of the last event, for the idle sweep
}

// tracker is the first stage: it folds events into per-thread stacks,
// updates the method, layer, SQL and outbound aggregates at every Exit and
// builds the (already trimmed) node arena of each fragment.
type tracker struct {
	mu  sync.Mutex
	lim *limits
	get func() *fragment // a fragment from the pool
	put func(*fragment)  // back to the pool

	threads map[threadKey]*thread
	last    *thread
	idle    []*thread // swept threads, for reuse
	procs   map[int32]*process
	batches uint64

	methods map[*matcher.Method]*methodAgg
	layers  map[layerKey]*layerInfo
	sqlRaw  map[string]*sqlAgg // raw statement -> aggregate, a bounded cache
	sqlKey  map[string]*sqlAgg
	outRaw  map[string]*outAgg // raw target -> aggregate, a bounded cache
	outKey  map[string]*outAgg

	events, unmatched, unwound, incomplete, orphans, invalid uint64
	trimmed                                                  trimCounts

	out []*fragment // fragments finished during the current batch
}

// rawCacheMax bounds the raw text caches in front of the SQL and outbound
// aggregates; with literals in statements (mode 3) raw texts never repeat.
const rawCacheMax = 4096

// sweepEvery is how often (in batches) threads idle that long are dropped;
// at most maxIdleThreads of them are kept for reuse.
const (
	sweepEvery     = 256
	maxIdleThreads = 1024
)

func newTracker(lim *limits, get func() *fragment, put func(*fragment)) *tracker {
	return &tracker{
		lim:     lim,
		get:     get,
		put:     put,
		threads: make(map[threadKey]*thread),
		procs:   make(map[int32]*process),
		methods: make(map[*matcher.Method]*methodAgg),
		layers:  make(map[layerKey]*layerInfo),
		sqlRaw:  make(map[string]*sqlAgg),
		sqlKey:  make(map[string]*sqlAgg),
		outRaw:  make(map[string]*outAgg),
		outKey:  make(map[string]*outAgg),
	}
}

// process folds one batch. The caller holds mu.
func (tr *tracker) process(batch []Event) {
	tr.batches++
	tr.events += uint64(len(batch))
	for i := range batch {
		ev := &batch[i]
		switch ev.Kind {
		case Enter:
			tr.enter(ev)
		case Exit:
			tr.exit(ev)
		case Attr:
			tr.attr(ev)
		default:
			tr.invalid++
		}
	}
	if tr.batches%sweepEvery == 0 {
		tr.sweep()
	}
}

// thread returns the state of a thread, creating it unless lookupOnly.
func (tr *tracker) thread(pid int32, tid uint64, time int64, lookupOnly bool) *thread {
	if t := tr.last; t != nil && t.key.tid == tid && t.key.pid == pid {
		t.seen = tr.batches
		return t
	}
	k := threadKey{pid, tid}
	t := tr.threads[k]
	if t == nil {
		if lookupOnly {
			return nil
		}
		t = tr.newThread(k, time)
	}
	t.seen = tr.batches
	tr.last = t
	return t
}

func (tr *tracker) newThread(k threadKey, time int64) *thread {
	p := tr.procs[k.pid]
	if p == nil {
		p = &process{pid: k.pid, first: time, wall: wallNow()}
		tr.procs[k.pid] = p
	}
	var t *thread
	if n := len(tr.idle); n > 0 {
		t, tr.idle = tr.idle[n-1], tr.idle[:n-1]
		*t = thread{stack: t.stack[:0]}
	} else {
		t = &thread{}
	}
	t.key, t.proc = k, p
	tr.threads[k] = t
	return t
}

// sweep forgets threads idle for sweepEvery batches with no open call, so
// short-lived threads do not accumulate; their state is reused. Attributes
// still pending for a next fragment that never came are dropped with them.
func (tr *tracker) sweep() {
	for k, t := range tr.threads {
		if len(t.stack) == 0 && tr.batches-t.seen >= sweepEvery {
			delete(tr.threads, k) // with any stale pending attributes
			if tr.last == t {
				tr.last = nil
			}
			if len(tr.idle) < maxIdleThreads {
				tr.idle = append(tr.idle, t)
			}
		}
	}
}

// method returns the aggregate of a method, creating it on its first call.
func (tr *tracker) method(m *matcher.Method) *methodAgg {
	if a := tr.methods[m]; a != nil {
		return a
	}
	a := &methodAgg{m: m, name: m.String(), flags: pointFlags(m.Point)}
	k := layerKey{typ: conf.LayerMethod}
	if m.Point != nil {
		k.name = m.Point.Layer
		if m.Point.LayerType != "" {
			k.typ = m.Point.LayerType
		}
	}
	a.layer = tr.layers[k]
	if a.layer == nil {
		a.layer = &layerInfo{id: len(tr.layers), name: k.name, typ: k.typ}
		tr.layers[k] = a.layer
	}
	tr.methods[m] = a
	return a
}
