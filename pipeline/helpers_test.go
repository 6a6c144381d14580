package pipeline

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
)

// msNs converts milliseconds to the events' nanoseconds.
const msNs = int64(time.Millisecond)

// testConfig returns a configuration with the guide's defaults, changed by
// edit.
func testConfig(edit func(p *conf.Probe)) *conf.Config {
	c := &conf.Config{Probe: conf.Probe{
		ProbeID:                "test-probe",
		MaximumStackDepth:      25,
		MinimumMethodLatency:   51 * time.Millisecond,
		MinimumFragmentLatency: 51 * time.Millisecond,
		MaximumMethodCalls:     1000,
		MinimumSQLLatency:      1000 * time.Millisecond,
		SQLParsingMode:         3,
		HTTPClientShowURL:      true,
	}}
	if edit != nil {
		edit(&c.Probe)
	}
	return c
}

// world hands out methods by name: "name" or "name@layer"; details are
// given when a method is first named.
type world struct {
	methods map[string]*matcher.Method
}

func newWorld() *world { return &world{methods: make(map[string]*matcher.Method)} }

// m returns the method called name, in module "app", with a point of the
// given layer ("web" when empty) and detail.
func (w *world) m(name string) *matcher.Method { return w.mw(name, "", conf.Detail{}) }

func (w *world) mw(name, layer string, d conf.Detail) *matcher.Method {
	if m := w.methods[name]; m != nil {
		return m
	}
	if layer == "" {
		layer = "web"
	}
	pt := &conf.Point{Name: name, Layer: layer, LayerType: conf.LayerMethod, Detail: d}
	m := &matcher.Method{Module: "app", Name: name, Point: pt}
	w.methods[name] = m
	return m
}

// call describes a call to lay out as events: it lasts dur ms, its callees
// run one after the other from its start.
type call struct {
	m     *matcher.Method
	dur   float64 // ms
	kids  []call
	exc   bool
	value string
	attrs []Event // Attr events sent right after the Enter (Kind, AttrKey, Value used)
}

// script builds the events of one thread.
type script struct {
	pid int32
	tid uint64
	now int64
	evs []Event
}

// play appends the events of c starting now, and moves now to its end.
func (s *script) play(t testing.TB, c call) {
	t.Helper()
	start := s.now
	s.evs = append(s.evs, Event{Kind: Enter, PID: s.pid, TID: s.tid, Time: start, Method: c.m, Value: c.value})
	for _, a := range c.attrs {
		a.Kind, a.PID, a.TID, a.Time = Attr, s.pid, s.tid, start
		s.evs = append(s.evs, a)
	}
	for _, k := range c.kids {
		s.play(t, k)
	}
	end := start + int64(c.dur*float64(msNs))
	if end < s.now {
		t.Fatalf("call %s lasts %v ms, less than its callees", c.m.Name, c.dur)
	}
	s.now = end
	s.evs = append(s.evs, Event{Kind: Exit, PID: s.pid, TID: s.tid, Time: end, Method: c.m, Exception: c.exc})
}

// gap moves the script's clock on.
func (s *script) gap(ms float64) { s.now += int64(ms * float64(msNs)) }

// run feeds events through a pipeline and returns the final report.
func run(t testing.TB, opts Options, evs []Event) *Report {
	t.Helper()
	p := New(opts)
	p.Start(context.Background())
	submit(p, evs)
	return p.Close()
}

// submit sends events in batches of at most batchSize.
func submit(p *Pipeline, evs []Event) {
	for len(evs) > 0 {
		b := p.NewBatch()
		n := min(len(evs), cap(b))
		b = append(b, evs[:n]...)
		evs = evs[n:]
		p.Submit(b)
	}
}

// treeString renders a tree as "root(a(b) c)".
func treeString(n *TreeNode) string {
	if n == nil {
		return "<nil>"
	}
	if len(n.Children) == 0 {
		return n.Method
	}
	parts := make([]string, len(n.Children))
	for i, c := range n.Children {
		parts[i] = treeString(c)
	}
	return n.Method + "(" + strings.Join(parts, " ") + ")"
}

// methodCount returns the count of a method in a report, -1 if absent.
func methodCount(r *Report, name string) int {
	for _, m := range r.Methods {
		if m.Method == name {
			return int(m.Count)
		}
	}
	return -1
}

// onlyInstance returns the one kept instance.
func onlyInstance(t testing.TB, r *Report) *Instance {
	t.Helper()
	if len(r.Instances) != 1 {
		t.Fatalf("got %d instances, want 1", len(r.Instances))
	}
	return &r.Instances[0]
}

func near(a, b, tol float64) bool {
	d := a - b
	return d <= tol && d >= -tol
}
