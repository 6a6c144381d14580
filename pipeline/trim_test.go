package pipeline

import (
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

func TestTrimming(t *testing.T) {
	noTrim := conf.Detail{MethodNoTrim: true}
	tests := []struct {
		name   string
		probe  func(p *conf.Probe)
		root   func(w *world) call
		tree   string
		trim   Trimmed
		counts map[string]int
	}{
		{
			name:  `maximum_stack_depth: "if maximum_stack_depth is 3, and "/login.do" calls a() calls b() calls c(), only login.do, a, and b will be captured"`,
			probe: func(p *conf.Probe) { p.MaximumStackDepth = 3 },
			root: func(w *world) call {
				return call{m: w.m("login.do"), dur: 400, kids: []call{{m: w.m("a"), dur: 300, kids: []call{
					{m: w.m("b"), dur: 200, kids: []call{{m: w.m("c"), dur: 100}}}}}}}
			},
			tree:   "login.do(a(b))",
			trim:   Trimmed{Depth: 1},
			counts: map[string]int{"login.do": 1, "a": 1, "b": 1, "c": 1},
		},
		{
			name:  "maximum_stack_depth 1 keeps the fragment root only",
			probe: func(p *conf.Probe) { p.MaximumStackDepth = 1 },
			root: func(w *world) call {
				return call{m: w.m("root"), dur: 400, kids: []call{{m: w.m("a"), dur: 300}, {m: w.m("b"), dur: 60}}}
			},
			tree: "root",
			trim: Trimmed{Depth: 2},
		},
		{
			name: `minimum_method_latency: "never capture any data about regular methods that execute faster than this number of milliseconds"`,
			root: func(w *world) call {
				return call{m: w.m("root"), dur: 200, kids: []call{
					{m: w.m("fast"), dur: 10},
					{m: w.m("slow"), dur: 60, kids: []call{{m: w.m("inner"), dur: 5}}},
					{m: w.m("edge"), dur: 51}, // not faster than 51 ms: kept
				}}
			},
			tree:   "root(slow edge)",
			trim:   Trimmed{Latency: 2},
			counts: map[string]int{"root": 1, "fast": 1, "slow": 1, "inner": 1, "edge": 1},
		},
		{
			name: `method_no_trim: "no latency-based trimming should take place when a method instrumented by this point is executed"`,
			root: func(w *world) call {
				keep := w.mw("keep", "", noTrim)
				return call{m: w.m("root"), dur: 200, kids: []call{
					{m: keep, dur: 1},
					// a fast caller goes; its method_no_trim callee moves up to root
					{m: w.m("fast"), dur: 10, kids: []call{{m: keep, dur: 2}}},
				}}
			},
			tree: "root(keep keep)",
			trim: Trimmed{Latency: 1},
		},
		{
			name: "the fragment root is always kept, however fast",
			probe: func(p *conf.Probe) {
				p.MinimumFragmentLatency = 0
			},
			root: func(w *world) call {
				return call{m: w.m("root"), dur: 1, kids: []call{{m: w.m("a"), dur: 0.5}}}
			},
			tree: "root",
			trim: Trimmed{Latency: 1},
		},
		{
			name:  `maximum_method_calls: "never capture more than this number of methods per instance tree. This is regardless of latency and depth trimming ... this applies to all methods, including outbound calls"`,
			probe: func(p *conf.Probe) { p.MaximumMethodCalls = 3 },
			root: func(w *world) call {
				out := w.mw("send", "Sending", conf.Detail{Outbound: true})
				return call{m: w.m("root"), dur: 500, kids: []call{
					{m: out, dur: 60, value: "http://backend:8080/x"},
					{m: w.m("fast"), dur: 1}, // latency-trimmed: does not take a place
					{m: w.m("k2"), dur: 60, kids: []call{{m: w.m("k3"), dur: 55}}},
					{m: w.m("k4"), dur: 60},
				}}
			},
			tree: "root(send k2)",
			trim: Trimmed{Latency: 1, Calls: 2},
		},
		{
			name: `method_trim: "every invocation of the method instrumented by this point should be "trimmed", that is, not reported" (its callees are attached to its caller)`,
			root: func(w *world) call {
				tr := w.mw("dispatch", "", conf.Detail{MethodTrim: true})
				return call{m: w.m("root"), dur: 300, kids: []call{
					{m: tr, dur: 250, kids: []call{{m: w.m("x"), dur: 100}, {m: w.m("y"), dur: 100}}},
				}}
			},
			tree:   "root(x y)",
			trim:   Trimmed{MethodTrim: 1},
			counts: map[string]int{"dispatch": 1, "x": 1, "y": 1},
		},
		{
			name: `no_layer_recurse: "prohibits recording of any methods called from the method instrumented by this point, unless the callee belongs to a different layer"`,
			root: func(w *world) call {
				q := w.mw("query", "db", conf.Detail{NoLayerRecurse: true})
				return call{m: w.m("root"), dur: 500, kids: []call{
					{m: q, dur: 400, kids: []call{
						{m: w.mw("cursor", "db", conf.Detail{}), dur: 300, kids: []call{
							{m: w.mw("hook", "web", conf.Detail{}), dur: 200, kids: []call{
								{m: w.mw("fetch", "db", conf.Detail{}), dur: 100},
							}},
						}},
					}},
					{m: w.m("cursor"), dur: 60}, // outside the query: recorded
				}}
			},
			tree:   "root(query(hook) cursor)",
			trim:   Trimmed{LayerRecurse: 2},
			counts: map[string]int{"cursor": 2, "fetch": 1, "hook": 1},
		},
		{
			name: `minimum_fragment_latency: "If an entire server request takes less than this number of milliseconds, it will not be captured"`,
			root: func(w *world) call {
				return call{m: w.m("root"), dur: 50, kids: []call{{m: w.m("a"), dur: 40}}}
			},
			tree:   "<none>",
			trim:   Trimmed{Latency: 1, Fragments: 1},
			counts: map[string]int{"root": 1, "a": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			s := &script{pid: 7, tid: 1}
			s.play(t, tt.root(w))
			r := run(t, Options{Config: testConfig(tt.probe)}, s.evs)
			if len(r.ServerRequests) != 1 || r.ServerRequests[0].Count != 1 {
				t.Fatalf("server requests = %+v, want one counted once (fragments are always aggregated)", r.ServerRequests)
			}
			got := "<none>"
			if len(r.Instances) > 0 {
				got = treeString(onlyInstance(t, r).Tree)
			}
			if got != tt.tree {
				t.Errorf("tree = %s, want %s", got, tt.tree)
			}
			if r.Trimmed != tt.trim {
				t.Errorf("trimmed = %+v, want %+v", r.Trimmed, tt.trim)
			}
			for name, want := range tt.counts {
				if got := methodCount(r, name); got != want {
					t.Errorf("count of %s = %d, want %d (aggregates count every call)", name, got, want)
				}
			}
		})
	}
}

// "Trimmed nodes' time stays in their parent's": the exclusive time of a
// reported node is its duration minus its reported children's.
func TestTrimmedTimeStaysInParent(t *testing.T) {
	w := newWorld()
	s := &script{pid: 1, tid: 1}
	s.play(t, call{m: w.m("root"), dur: 200, kids: []call{
		{m: w.m("fast"), dur: 30},
		{m: w.m("slow"), dur: 100, kids: []call{{m: w.m("inner"), dur: 20}}},
	}})
	r := run(t, Options{Config: testConfig(nil)}, s.evs)
	tree := onlyInstance(t, r).Tree
	if treeString(tree) != "root(slow)" {
		t.Fatalf("tree = %s", treeString(tree))
	}
	if !near(tree.ExclusiveMS, 100, 1e-9) {
		t.Errorf("root exclusive = %v ms, want 100 (200 - slow's 100; fast's 30 stays in root)", tree.ExclusiveMS)
	}
	if slow := tree.Children[0]; !near(slow.ExclusiveMS, 100, 1e-9) || !near(slow.DurationMS, 100, 1e-9) {
		t.Errorf("slow = %v ms, exclusive %v ms, want 100 and 100", slow.DurationMS, slow.ExclusiveMS)
	}
}

// Aggregates count every matched call, whatever trimming does to the trees.
func TestAggregateCountsExactUnderTrimming(t *testing.T) {
	w := newWorld()
	var evs []Event
	const threads, fragments, loops = 3, 40, 25
	for th := range threads {
		s := &script{pid: 100, tid: uint64(th + 1)}
		for f := range fragments {
			kids := make([]call, loops)
			for i := range kids {
				kids[i] = call{m: w.m("leaf"), dur: float64(i % 3), kids: nil}
			}
			kids = append(kids, call{m: w.m("deep"), dur: 70, kids: []call{{m: w.m("deeper"), dur: 60}}})
			s.play(t, call{m: w.m("root"), dur: 100 + float64(f), kids: kids})
			s.gap(1)
		}
		evs = append(evs, s.evs...)
	}
	r := run(t, Options{Config: testConfig(func(p *conf.Probe) {
		p.MaximumStackDepth = 2
		p.MaximumMethodCalls = 5
	})}, evs)
	want := map[string]int{"root": threads * fragments, "leaf": threads * fragments * loops,
		"deep": threads * fragments, "deeper": threads * fragments}
	for name, n := range want {
		if got := methodCount(r, name); got != n {
			t.Errorf("count of %s = %d, want %d", name, got, n)
		}
	}
	if r.ServerRequests[0].Count != threads*fragments {
		t.Errorf("server request count = %d, want %d", r.ServerRequests[0].Count, threads*fragments)
	}
	if r.Trimmed.Depth != threads*fragments {
		t.Errorf("trimmed depth = %d, want %d (deeper, once per fragment)", r.Trimmed.Depth, threads*fragments)
	}
	if r.Trimmed.Latency != threads*fragments*loops {
		t.Errorf("trimmed latency = %d, want %d", r.Trimmed.Latency, threads*fragments*loops)
	}
	if len(r.Instances) != 5 {
		t.Errorf("kept %d instances, want the 5 slowest", len(r.Instances))
	}
	for _, in := range r.Instances {
		if in.DurationMS < 100+fragments-5 {
			t.Errorf("kept an instance of %v ms, not one of the slowest", in.DurationMS)
		}
	}
}

// The arena cap must not refuse a node that the final prefix cut would keep:
// open calls that are later latency-trimmed hold places only while open.
func TestMaxCallsCountsOnlySurvivors(t *testing.T) {
	w := newWorld()
	s := &script{pid: 1, tid: 1}
	k := w.mw("k", "", conf.Detail{MethodNoTrim: true})
	s.play(t, call{m: w.m("root"), dur: 200, kids: []call{
		{m: w.m("w1"), dur: 4, kids: []call{{m: w.m("w2"), dur: 3, kids: []call{
			{m: w.m("w3"), dur: 2, kids: []call{{m: k, dur: 1}}}}}}},
	}})
	r := run(t, Options{Config: testConfig(func(p *conf.Probe) {
		p.MaximumMethodCalls = 2 // k enters with 4 open nodes before it
		p.MaximumStackDepth = 5
	})}, s.evs)
	if got := treeString(onlyInstance(t, r).Tree); got != "root(k)" {
		t.Errorf("tree = %s, want root(k)", got)
	}
	if r.Trimmed != (Trimmed{Latency: 3}) {
		t.Errorf("trimmed = %+v, want latency 3", r.Trimmed)
	}
}

func TestMaxCallsPrefixInCallOrder(t *testing.T) {
	w := newWorld()
	s := &script{pid: 1, tid: 1}
	noTrim := conf.Detail{MethodNoTrim: true}
	// every fast caller is removed when it leaves; its method_no_trim callee
	// survives: the final tree keeps the first 3 survivors in call order.
	var kids []call
	for i := range 6 {
		name := string(rune('a' + i))
		kids = append(kids, call{m: w.m("wrap"), dur: 2, kids: []call{{m: w.mw(name, "", noTrim), dur: 1}}})
	}
	s.play(t, call{m: w.m("root"), dur: 100, kids: kids})
	r := run(t, Options{Config: testConfig(func(p *conf.Probe) {
		p.MaximumMethodCalls = 3
		p.MaximumStackDepth = 3
	})}, s.evs)
	if got := treeString(onlyInstance(t, r).Tree); got != "root(a b)" {
		t.Errorf("tree = %s, want root(a b)", got)
	}
	if r.Trimmed.Calls != 4 || r.Trimmed.Latency != 6 {
		t.Errorf("trimmed = %+v, want calls 4 (c..f), latency 6 (wrap)", r.Trimmed)
	}
}

func TestKeepInstancesOption(t *testing.T) {
	w := newWorld()
	s := &script{pid: 1, tid: 1}
	for i := range 12 {
		s.play(t, call{m: w.m("root"), dur: 60 + float64(i)})
	}
	for _, tc := range []struct {
		keep, want int
	}{{0, 5}, {2, 2}, {-1, 0}, {20, 12}} {
		r := run(t, Options{Config: testConfig(nil), KeepInstances: tc.keep}, s.evs)
		if len(r.Instances) != tc.want {
			t.Errorf("KeepInstances %d: kept %d, want %d", tc.keep, len(r.Instances), tc.want)
		}
		if tc.want > 0 && !near(r.Instances[0].DurationMS, 71, 1e-9) {
			t.Errorf("KeepInstances %d: first kept is %v ms, want the slowest (71)", tc.keep, r.Instances[0].DurationMS)
		}
	}
}
