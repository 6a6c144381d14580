package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
)

// benchApp is a web application's matched methods: an inbound WSGI entry,
// middleware, views, an ORM issuing SQL, templates and an HTTP client.
type benchApp struct {
	wsgi, middleware, view, orm, execute, render, helper, client *matcher.Method
	uris, sqls, targets                                          []string
}

func newBenchApp() *benchApp {
	w := newWorld()
	a := &benchApp{
		wsgi:       w.mw("wsgi", "WSGI", conf.Detail{Inbound: true}),
		middleware: w.mw("middleware", "Django", conf.Detail{}),
		view:       w.mw("view", "Django", conf.Detail{}),
		orm:        w.mw("orm", "ORM", conf.Detail{NoLayerRecurse: true}),
		execute:    w.mw("execute", "SQL", conf.Detail{IsSQLStatement: true}),
		render:     w.mw("render", "Templates", conf.Detail{}),
		helper:     w.mw("helper", "Templates", conf.Detail{MethodTrim: true}),
		client:     w.mw("client", "Sending", conf.Detail{Outbound: true}),
	}
	for i := range 50 {
		a.uris = append(a.uris, fmt.Sprintf("/api/items/%d/detail", i))
	}
	for i := range 10 {
		a.sqls = append(a.sqls, fmt.Sprintf("SELECT id, name, price FROM item_%d WHERE id = %d AND state IN (1, 2)", i%4, i))
	}
	a.targets = []string{"http://inventory:8080/stock", "https://payments.example/charge"}
	return a
}

// fragment returns the call tree of one request: about 25 calls, 50 events.
func (a *benchApp) fragment(rng *rand.Rand) call {
	us := func(lo, hi float64) float64 { return (lo + rng.Float64()*(hi-lo)) / 1000 } // µs -> ms
	var viewKids []call
	for range 3 {
		viewKids = append(viewKids, call{m: a.orm, dur: us(300, 900), kids: []call{
			{m: a.execute, dur: us(100, 250), value: a.sqls[rng.IntN(len(a.sqls))]},
		}})
	}
	var helpers []call
	for range 8 {
		helpers = append(helpers, call{m: a.helper, dur: us(5, 20)})
	}
	viewKids = append(viewKids,
		call{m: a.render, dur: us(400, 2000), kids: helpers},
		call{m: a.client, dur: us(500, 60000), value: a.targets[rng.IntN(len(a.targets))]},
	)
	view := call{m: a.view, dur: 0, kids: viewKids}
	for _, k := range viewKids {
		view.dur += k.dur
	}
	view.dur += us(50, 200)
	mw := call{m: a.middleware, dur: view.dur + us(20, 80), kids: []call{view}}
	return call{m: a.wsgi, dur: mw.dur + us(20, 80), value: a.uris[rng.IntN(len(a.uris))],
		attrs: []Event{{AttrKey: AttrHTTPStatus, Value: "200"}}, kids: []call{mw}}
}

// benchStream is one pass of several threads' requests, interleaved in
// chunks as per-CPU buffers deliver them, and how long the pass lasts.
func benchStream(tb testing.TB, threads, perThread int) ([]Event, int64) {
	app := newBenchApp()
	rng := rand.New(rand.NewPCG(7, 11))
	per := make([][]Event, threads)
	var span int64
	for th := range threads {
		s := &script{pid: 4242, tid: uint64(100 + th)}
		for range perThread {
			s.play(tb, app.fragment(rng))
			s.gap(0.05)
		}
		per[th] = s.evs
		span = max(span, s.now)
	}
	const chunk = 48
	var out []Event
	for left := true; left; {
		left = false
		for th := range per {
			n := min(chunk, len(per[th]))
			out = append(out, per[th][:n]...)
			per[th] = per[th][n:]
			left = left || len(per[th]) > 0
		}
	}
	return out, span + 1
}

// BenchmarkPipeline measures the whole pipeline on one stream: events/s and
// allocations per event in steady state (run with -cpu 1 for one core).
func BenchmarkPipeline(b *testing.B) {
	stream, span := benchStream(b, 8, 64)
	p := New(Options{Config: testConfig(func(pr *conf.Probe) {
		ops, err := conf.ParseURIReplacePattern(`s#/detail$##`, nil)
		if err != nil {
			b.Fatal(err)
		}
		pr.URIReplacePattern = ops
		pr.URIPathSegments = 3
		pr.MinimumMethodLatency = 0 // keep every call: the most work for the trees
		pr.MinimumFragmentLatency = 0
	})})
	p.Start(context.Background())
	var off int64
	feed := func(n int) {
		for pos := 0; n > 0; {
			batch := p.NewBatch()
			for len(batch) < cap(batch) && n > 0 {
				if pos == len(stream) {
					pos, off = 0, off+span
				}
				e := stream[pos]
				e.Time += off
				batch = append(batch, e)
				pos++
				n--
			}
			p.Submit(batch)
		}
	}
	feed(3 * len(stream)) // warm up: aggregates, caches, pools
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	off += span
	feed(b.N)
	r := p.Close()
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N), "allocs/event")
	if want := uint64(b.N + 3*len(stream)); r.UnmatchedExits != 0 || r.Events != want || r.Fragments < want/60 {
		b.Fatalf("the stream is broken: %d unmatched exits, %d events (want %d), %d fragments",
			r.UnmatchedExits, r.Events, want, r.Fragments)
	}
}

// The benchmark's stream must exercise what it claims to: every rule and
// aggregate of the pipeline.
func TestBenchStreamSane(t *testing.T) {
	stream, _ := benchStream(t, 4, 16)
	ops, err := conf.ParseURIReplacePattern(`s#/detail$##`, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, Options{Config: testConfig(func(p *conf.Probe) {
		p.URIReplacePattern = ops
		p.URIPathSegments = 3
		p.MinimumMethodLatency = 0
		p.MinimumFragmentLatency = 0
	})}, stream)
	const frags = 4 * 16
	if r.Fragments != frags || methodCount(r, "execute") != 3*frags || methodCount(r, "helper") != 8*frags {
		t.Errorf("fragments %d, execute %d, helper %d", r.Fragments, methodCount(r, "execute"), methodCount(r, "helper"))
	}
	if len(r.SQL) == 0 || len(r.Outbound) != 2 || len(r.Layers) != 6 {
		t.Errorf("sql %d, outbound %d, layers %d", len(r.SQL), len(r.Outbound), len(r.Layers))
	}
	if r.Trimmed.MethodTrim != 8*frags || r.Trimmed.LayerRecurse != 0 {
		t.Errorf("trimmed %+v", r.Trimmed)
	}
	for _, sr := range r.ServerRequests {
		if sr.Type != "HTTP" || len(sr.Name) > len("/api/items/49") {
			t.Errorf("server request %+v: not mapped", sr)
		}
	}
	if got := treeString(r.Instances[0].Tree); got != "wsgi(middleware(view(orm(execute) orm(execute) orm(execute) render client)))" {
		t.Errorf("tree = %s", got)
	}
}

// nopSink takes fragments and drops them.
type nopSink struct{ n int }

func (s *nopSink) Fragment(*FinishedFragment) { s.n++ }

// BenchmarkPipelineSink is BenchmarkPipeline's stream with a fragment sink
// attached: the cost of copying each finished fragment for the mediator.
func BenchmarkPipelineSink(b *testing.B) {
	stream, span := benchStream(b, 8, 64)
	sink := &nopSink{}
	p := New(Options{Config: testConfig(func(pr *conf.Probe) {
		pr.MinimumMethodLatency = 0
		pr.MinimumFragmentLatency = 0
	}), Fragments: sink})
	p.Start(context.Background())
	var off int64
	pos := 0
	feed := func(n int) {
		for n > 0 {
			batch := p.NewBatch()
			for len(batch) < cap(batch) && n > 0 {
				if pos == len(stream) {
					pos, off = 0, off+span
				}
				e := stream[pos]
				e.Time += off
				batch = append(batch, e)
				pos++
				n--
			}
			p.Submit(batch)
		}
	}
	feed(len(stream))
	b.ReportAllocs()
	b.ResetTimer()
	feed(b.N)
	p.Close()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(sink.n)/b.Elapsed().Seconds(), "fragments/s")
}
