package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
)

// Layers: exclusive time per layer, from every call (trimmed or not).
func TestLayersExclusiveTime(t *testing.T) {
	w := newWorld()
	s := &script{pid: 1, tid: 1}
	for range 2 {
		s.play(t, call{m: w.mw("handle", "web", conf.Detail{}), dur: 100, kids: []call{
			{m: w.mw("query", "db", conf.Detail{}), dur: 30, kids: []call{{m: w.mw("execute", "db", conf.Detail{}), dur: 10}}},
			{m: w.mw("render", "web", conf.Detail{}), dur: 20},
		}})
	}
	// a fragment without the db layer
	s.play(t, call{m: w.m("handle"), dur: 40})
	r := run(t, Options{Config: testConfig(func(p *conf.Probe) {
		p.MinimumMethodLatency = 1e12 // trims every callee from the trees
	})}, s.evs)
	want := map[string]LayerStat{
		// web: handle 100-30-20 = 50, render 20; twice; plus 40
		"web": {Layer: "web", LayerType: "method", Calls: 5, ExclusiveMS: 2*70 + 40, Fragments: 3, AvgMS: 180.0 / 3},
		// db: query 30-10 = 20, execute 10; twice
		"db": {Layer: "db", LayerType: "method", Calls: 4, ExclusiveMS: 60, Fragments: 2, AvgMS: 30},
	}
	if len(r.Layers) != len(want) {
		t.Fatalf("layers = %+v", r.Layers)
	}
	for _, l := range r.Layers {
		wl := want[l.Layer]
		if l.Calls != wl.Calls || !near(l.ExclusiveMS, wl.ExclusiveMS, 1e-9) || l.Fragments != wl.Fragments ||
			!near(l.AvgMS, wl.AvgMS, 1e-9) || l.LayerType != wl.LayerType {
			t.Errorf("layer %s = %+v, want %+v", l.Layer, l, wl)
		}
	}
	if r.Layers[0].Layer != "web" {
		t.Errorf("layers not sorted by exclusive time: %+v", r.Layers)
	}
}

// "If any method reported an URI, the server request type is reported as
// 'HTTP'; otherwise it will show up as "Pseudo"" and "Server requests are
// reported as inbound ... if a coloring token has been reported by any method
// in the call stack".
func TestServerRequestNamingAndType(t *testing.T) {
	w := newWorld()
	inbound := w.mw("wsgi", "web", conf.Detail{Inbound: true})
	tests := []struct {
		name     string
		root     call
		pending  []Event // Attr events before the fragment
		wantName string
		wantType string
		inbound  bool
		errors   uint64
	}{
		{
			name:     "no URI: Pseudo, named after the root method",
			root:     call{m: w.m("job"), dur: 60},
			wantName: "app.job", wantType: "Pseudo",
		},
		{
			name: "a URI from a callee makes it HTTP",
			root: call{m: w.m("serve"), dur: 60, kids: []call{
				{m: w.m("route"), dur: 10, attrs: []Event{{AttrKey: AttrURI, Value: "/shop/cart"}}},
			}},
			wantName: "/shop/cart", wantType: "HTTP",
		},
		{
			name:     "the captured value of an inbound point is the URI",
			root:     call{m: inbound, dur: 60, value: "/login.do"},
			wantName: "/login.do", wantType: "HTTP",
		},
		{
			name: "a coloring makes it inbound",
			root: call{m: w.m("serve"), dur: 60, attrs: []Event{
				{AttrKey: AttrURI, Value: "/api"}, {AttrKey: AttrInboundColoring, Value: "00-abc-def-01"},
			}},
			wantName: "/api", wantType: "HTTP", inbound: true,
		},
		{
			name:     "HTTP status 500 is an error",
			root:     call{m: w.m("serve"), dur: 60, attrs: []Event{{AttrKey: AttrURI, Value: "/boom"}, {AttrKey: AttrHTTPStatus, Value: "500"}}},
			wantName: "/boom", wantType: "HTTP", errors: 1,
		},
		{
			name:     "HTTP status 404 is not",
			root:     call{m: w.m("serve"), dur: 60, attrs: []Event{{AttrKey: AttrURI, Value: "/nope"}, {AttrKey: AttrHTTPStatus, Value: "404"}}},
			wantName: "/nope", wantType: "HTTP",
		},
		{
			name:     "an exception leaving the root is an error",
			root:     call{m: w.m("job"), dur: 60, exc: true},
			wantName: "app.job", wantType: "Pseudo", errors: 1,
		},
		{
			name:     "attributes with no open call go to the next fragment",
			pending:  []Event{{Kind: Attr, AttrKey: AttrURI, Value: "/early"}},
			root:     call{m: w.m("serve"), dur: 60},
			wantName: "/early", wantType: "HTTP",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{pid: 3, tid: 9}
			for _, e := range tt.pending {
				e.PID, e.TID = s.pid, s.tid
				s.evs = append(s.evs, e)
			}
			s.play(t, tt.root)
			r := run(t, Options{Config: testConfig(nil)}, s.evs)
			if len(r.ServerRequests) != 1 {
				t.Fatalf("server requests = %+v", r.ServerRequests)
			}
			sr := r.ServerRequests[0]
			if sr.Name != tt.wantName || sr.Type != tt.wantType || sr.Inbound != tt.inbound || sr.Errors != tt.errors {
				t.Errorf("got %s %s inbound=%v errors=%d, want %s %s inbound=%v errors=%d",
					sr.Name, sr.Type, sr.Inbound, sr.Errors, tt.wantName, tt.wantType, tt.inbound, tt.errors)
			}
			if fmt.Sprint(sr.PIDs) != "[3]" {
				t.Errorf("pids = %v, want [3]", sr.PIDs)
			}
		})
	}
}

func TestURIMappingInPipeline(t *testing.T) {
	ops, err := conf.ParseURIReplacePattern(`s#;.*$##`, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld()
	s := &script{pid: 1, tid: 1}
	for _, uri := range []string{"/shop/cart/1;jsessionid=A", "/shop/cart/2;jsessionid=B", "/shop/list"} {
		s.play(t, call{m: w.m("serve"), dur: 60, attrs: []Event{{AttrKey: AttrURI, Value: uri}}})
	}
	r := run(t, Options{Config: testConfig(func(p *conf.Probe) {
		p.URIReplacePattern = ops
		p.URIPathSegments = 2
	})}, s.evs)
	got := map[string]uint64{}
	for _, sr := range r.ServerRequests {
		got[sr.Name] = sr.Count
	}
	if got["/shop/cart"] != 2 || got["/shop/list"] != 1 || len(got) != 2 {
		t.Errorf("server requests = %v, want /shop/cart:2 /shop/list:1", got)
	}
}

func TestSQLAggregation(t *testing.T) {
	stmt := func(id int) string { return fmt.Sprintf("SELECT name FROM users WHERE id = %d", id) }
	for _, tc := range []struct {
		mode      int
		statement string
		entries   int
	}{
		{1, "", 0},
		{2, "SELECT", 1},
		{3, "SELECT name FROM users WHERE id = ?", 1},
		{4, stmt(1), 3},
	} {
		t.Run(fmt.Sprintf("sql_parsing_mode %d", tc.mode), func(t *testing.T) {
			w := newWorld()
			exec := w.mw("execute", "db", conf.Detail{IsSQLStatement: true})
			s := &script{pid: 1, tid: 1}
			s.play(t, call{m: w.m("serve"), dur: 3000, kids: []call{
				{m: exec, dur: 100, value: stmt(1)},
				{m: exec, dur: 1200, value: stmt(2), exc: true},
				// a statement reported by an attribute takes the latency of its call
				{m: w.m("cursor"), dur: 200, attrs: []Event{{AttrKey: AttrSQL, Value: stmt(3)}}},
			}})
			r := run(t, Options{Config: testConfig(func(p *conf.Probe) { p.SQLParsingMode = tc.mode })}, s.evs)
			if len(r.SQL) != tc.entries {
				t.Fatalf("sql = %+v, want %d entries", r.SQL, tc.entries)
			}
			if tc.entries == 0 {
				return
			}
			var total uint64
			for _, q := range r.SQL {
				total += q.Count
			}
			if total != 3 {
				t.Errorf("statements counted %d times, want 3", total)
			}
			if tc.entries == 1 {
				q := r.SQL[0]
				if q.Statement != tc.statement || q.Count != 3 || q.Errors != 1 || !q.Trended ||
					!near(q.MaxMS, 1200, 1e-9) || !near(q.MinMS, 100, 1e-9) || !near(q.TotalMS, 1500, 1e-9) ||
					q.Category != "SELECT" {
					t.Errorf("sql = %+v", q)
				}
			}
			// Literals reach the report only in mode 4.
			var buf bytes.Buffer
			if err := r.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			leaks := strings.Contains(buf.String(), "id = 2")
			if leaks != (tc.mode == 4) {
				t.Errorf("mode %d: literal in the report = %v", tc.mode, leaks)
			}
		})
	}
}

func TestSQLTrendedOnlyOnceSlow(t *testing.T) {
	w := newWorld()
	exec := w.mw("execute", "db", conf.Detail{IsSQLStatement: true})
	s := &script{pid: 1, tid: 1}
	s.play(t, call{m: w.m("serve"), dur: 100, kids: []call{{m: exec, dur: 10, value: "SELECT 1"}}})
	r := run(t, Options{Config: testConfig(nil)}, s.evs)
	if len(r.SQL) != 1 || r.SQL[0].Trended {
		t.Errorf(`"If an SQL statement takes less than this amount of time, it will not be trended": %+v`, r.SQL)
	}
}

func TestOutbound(t *testing.T) {
	for _, tc := range []struct {
		showURL bool
		want    map[string]uint64
	}{
		{true, map[string]uint64{"http://api:8080/a?x=1": 1, "http://api:8080/b": 1, "https://pay.example/charge": 1}},
		{false, map[string]uint64{"http://api:8080": 2, "https://pay.example:443": 1}},
	} {
		t.Run(fmt.Sprintf("http_client_show_url=%v", tc.showURL), func(t *testing.T) {
			w := newWorld()
			send := w.mw("request", "Sending", conf.Detail{Outbound: true})
			s := &script{pid: 1, tid: 1}
			s.play(t, call{m: w.m("serve"), dur: 100, kids: []call{
				{m: send, dur: 10, value: "http://api:8080/a?x=1"},
				{m: send, dur: 20, value: "http://api:8080/b", exc: true},
				{m: w.m("client"), dur: 30, attrs: []Event{{AttrKey: AttrOutbound, Value: "https://user:pw@pay.example/charge"}}},
			}})
			r := run(t, Options{Config: testConfig(func(p *conf.Probe) { p.HTTPClientShowURL = tc.showURL })}, s.evs)
			got := map[string]uint64{}
			for _, o := range r.Outbound {
				got[o.Target] = o.Count
			}
			if tc.showURL {
				tc.want["https://user:pw@pay.example/charge"] = 1
				delete(tc.want, "https://pay.example/charge")
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("outbound = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestOutboundIdentity(t *testing.T) {
	for in, want := range map[string]string{
		"http://api:8080/a/b?x=1":       "http://api:8080",
		"HTTPS://User:Pw@Pay.Example/x": "https://pay.example:443",
		"http://[::1]/x":                "http://[::1]:80",
		"http://[::1]:81":               "http://[::1]:81",
		"grpc://svc:50051/M":            "grpc://svc:50051",
		"db-host:5432/mydb":             "db-host:5432",
	} {
		if got := OutboundIdentity(in); got != want {
			t.Errorf("OutboundIdentity(%q) = %q, want %q", in, got, want)
		}
	}
}

// Lost and unexpected events never crash or corrupt the stacks.
func TestUnmatchedExits(t *testing.T) {
	w := newWorld()
	a, b, c, x := w.m("a"), w.m("b"), w.m("c"), w.m("x")
	ev := func(k Kind, m *matcher.Method, ms int64) Event {
		return Event{Kind: k, PID: 5, TID: 1, Time: ms * msNs, Method: m}
	}
	evs := []Event{
		ev(Exit, a, 0), // empty stack: ignored
		ev(Enter, a, 1),
		ev(Enter, b, 2),
		ev(Enter, c, 3),
		ev(Exit, x, 4),   // not open: ignored
		ev(Exit, b, 100), // c lost its Exit: closed now
		ev(Exit, a, 200),
		{Kind: Exit, PID: 99, TID: 1, Time: 5, Method: a}, // a process never seen (forked mid-call)
		ev(Enter, a, 300), // still open at Close
		ev(Enter, b, 301),
		ev(Exit, b, 400),
	}
	r := run(t, Options{Config: testConfig(nil)}, evs)
	if r.UnmatchedExits != 3 || r.UnwoundCalls != 1 || r.IncompleteFragments != 1 {
		t.Errorf("unmatched %d unwound %d incomplete %d, want 3 1 1", r.UnmatchedExits, r.UnwoundCalls, r.IncompleteFragments)
	}
	if r.Fragments != 1 || len(r.ServerRequests) != 1 || r.ServerRequests[0].Count != 1 {
		t.Errorf("fragments %d, server requests %+v; want the one completed", r.Fragments, r.ServerRequests)
	}
	if got := treeString(onlyInstance(t, r).Tree); got != "a(b(c))" {
		t.Errorf("tree = %s, want a(b(c))", got)
	}
	// the open a at Close is not invented: a counted once, b twice
	if methodCount(r, "a") != 1 || methodCount(r, "b") != 2 || methodCount(r, "c") != 1 {
		t.Errorf("counts a=%d b=%d c=%d, want 1 2 1", methodCount(r, "a"), methodCount(r, "b"), methodCount(r, "c"))
	}
}

func TestDroppedAndAfterClose(t *testing.T) {
	p := New(Options{})
	p.Start(context.Background())
	p.AddDropped(7)
	r := p.Close()
	b := p.NewBatch()
	b = append(b, Event{Kind: Enter, PID: 1, TID: 1, Method: newWorld().m("a")})
	p.Submit(b)
	if r.DroppedEvents != 7 {
		t.Errorf("dropped = %d, want 7", r.DroppedEvents)
	}
	if got := p.Snapshot().DroppedEvents; got != 8 {
		t.Errorf("dropped after a submit past Close = %d, want 8", got)
	}
	if p.Close() != r {
		t.Error("a second Close must return the same report")
	}
}

// Many engines may submit at once (run with -race).
func TestConcurrentSubmit(t *testing.T) {
	w := newWorld()
	root, leaf := w.m("root"), w.m("leaf")
	const producers, threads, fragments = 4, 3, 200
	p := New(Options{Config: testConfig(nil), Engine: "test"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.Start(ctx)
	var wg sync.WaitGroup
	for g := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var evs []Event
			for th := range threads {
				s := &script{pid: int32(g + 1), tid: uint64(th)}
				for range fragments {
					s.play(t, call{m: root, dur: 60, kids: []call{{m: leaf, dur: 1}, {m: leaf, dur: 55}}})
				}
				evs = append(evs, s.evs...)
			}
			submit(p, evs)
		}()
	}
	snap := make(chan *Report)
	go func() { snap <- p.Snapshot() }() // concurrently with the stages
	wg.Wait()
	<-snap
	r := p.Close()
	n := producers * threads * fragments
	if r.Fragments != uint64(n) || methodCount(r, "leaf") != 2*n || methodCount(r, "root") != n {
		t.Errorf("fragments %d, root %d, leaf %d; want %d, %d, %d",
			r.Fragments, methodCount(r, "root"), methodCount(r, "leaf"), n, n, 2*n)
	}
	if fmt.Sprint(r.Probe.PIDs) != "[1 2 3 4]" || fmt.Sprint(r.ServerRequests[0].PIDs) != "[1 2 3 4]" {
		t.Errorf("pids = %v / %v", r.Probe.PIDs, r.ServerRequests[0].PIDs)
	}
}

func TestContextCancelCloses(t *testing.T) {
	p := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	p.Start(ctx)
	cancel()
	<-p.done
	if r := p.Close(); r == nil {
		t.Fatal("no report")
	}
}

func TestReportJSONShape(t *testing.T) {
	w := newWorld()
	s := &script{pid: 42, tid: 1}
	exec := w.mw("execute", "db", conf.Detail{IsSQLStatement: true})
	send := w.mw("send", "Sending", conf.Detail{Outbound: true})
	s.play(t, call{m: w.m("serve"), dur: 100, attrs: []Event{{AttrKey: AttrURI, Value: "/x"}}, kids: []call{
		{m: exec, dur: 60, value: "SELECT 1"}, {m: send, dur: 10, value: "http://h/"},
	}})
	p := New(Options{Config: testConfig(nil), Engine: "e1"})
	p.SetProcess(42, ProcessInfo{Python: "3.12.1", Executable: "/usr/bin/python3", Argv: []string{"python3", "app.py"}, Parent: 1})
	p.Start(context.Background())
	submit(p, s.evs)
	r := p.Close()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{
		"":                  {"probe", "started", "ended", "duration_ms", "server_requests", "methods", "sql", "outbound", "layers", "instances", "dropped_events", "unmatched_exits", "incomplete_fragments", "trimmed"},
		"probe":             {"id", "engine", "python", "pids", "processes"},
		"server_requests.0": {"name", "type", "count", "errors", "min_ms", "avg_ms", "max_ms", "p95_ms", "p99_ms", "inbound", "pids"},
		"methods.0":         {"module", "class", "method", "layer", "layer_type", "count", "errors", "total_ms", "min_ms", "avg_ms", "max_ms", "p95_ms", "pids"},
		"sql.0":             {"statement", "category", "count", "errors", "total_ms", "min_ms", "avg_ms", "max_ms", "p95_ms", "trended"},
		"outbound.0":        {"target", "count", "errors", "total_ms", "min_ms", "avg_ms", "max_ms"},
		"layers.0":          {"layer", "layer_type", "calls", "exclusive_ms"},
		"instances.0":       {"server_request", "pid", "tid", "start", "duration_ms", "error", "tree"},
		"instances.0.tree":  {"method", "module", "class", "layer", "duration_ms", "exclusive_ms", "error", "children"},
		"trimmed":           {"depth", "latency", "calls", "method_trim", "layer_recurse", "fragments"},
		"probe.processes.0": {"pid", "python", "executable", "argv", "parent"},
	}
	for path, want := range keys {
		obj := lookup(t, doc, path)
		for _, k := range want {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s: no key %q in %v", path, k, obj)
			}
		}
	}
	if r.Probe.ID != "test-probe" || r.Probe.Engine != "e1" || r.Probe.Python != "3.12.1" {
		t.Errorf("probe = %+v", r.Probe)
	}
	if len(r.Instances) != 1 || r.Instances[0].Tree.Children[0].Arg != "SELECT ?" {
		t.Errorf("the SQL argument of a tree node must follow sql_parsing_mode 3: %+v", r.Instances)
	}
}

// lookup walks a decoded JSON document along "a.0.b".
func lookup(t *testing.T, doc map[string]any, path string) map[string]any {
	t.Helper()
	var cur any = doc
	if path != "" {
		for _, part := range strings.Split(path, ".") {
			switch v := cur.(type) {
			case map[string]any:
				cur = v[part]
			case []any:
				var i int
				fmt.Sscan(part, &i)
				if i >= len(v) {
					t.Fatalf("%s: index %d out of %d", path, i, len(v))
				}
				cur = v[i]
			}
		}
	}
	obj, ok := cur.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, not an object", path, cur)
	}
	return obj
}

func TestWriteConsole(t *testing.T) {
	w := newWorld()
	s := &script{pid: 1, tid: 1}
	s.play(t, call{m: w.m("serve"), dur: 100, attrs: []Event{{AttrKey: AttrURI, Value: "/very/long/" + strings.Repeat("x", 80)}}})
	r := run(t, Options{Config: testConfig(nil)}, s.evs)
	var buf bytes.Buffer
	if err := r.WriteConsole(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Server requests (1)", "app.serve", "HTTP", "Top methods by total time"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	// fixed-width: the long name is cut, so the row is as wide as the header
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "NAME") {
			if len([]rune(lines[i+1])) != len([]rune(l)) {
				t.Errorf("row and header widths differ:\n%s\n%s", l, lines[i+1])
			}
		}
	}
}
