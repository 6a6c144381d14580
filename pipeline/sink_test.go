package pipeline

import (
	"sync"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// recordSink keeps what it receives.
type recordSink struct {
	mu    sync.Mutex
	frags []*FinishedFragment
}

func (s *recordSink) Fragment(f *FinishedFragment) {
	s.mu.Lock()
	s.frags = append(s.frags, f)
	s.mu.Unlock()
}

func TestFragmentSink(t *testing.T) {
	w := newWorld()
	wsgi := w.mw("wsgi", "WSGI", conf.Detail{Inbound: true})
	sql := w.mw("execute", "SQL", conf.Detail{IsSQLStatement: true})
	ops, err := conf.ParseURIReplacePattern(`s#/items/[0-9]+#/items/{id}#`, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(func(p *conf.Probe) {
		p.URIReplacePattern = ops
		p.MinimumMethodLatency = 0
	})
	tests := []struct {
		value, name, method, uri string
	}{
		{"/items/7", "/items/{id}", "", "/items/7"},
		{"GET /items/8", "/items/{id}", "GET", "/items/8"},
		{"POST, /items/9", "/items/{id}", "POST", "/items/9"},
		{"get /x", "get /x", "", "get /x"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			sink := &recordSink{}
			s := &script{pid: 10, tid: 1}
			s.play(t, call{m: wsgi, dur: 5, value: tt.value,
				attrs: []Event{{AttrKey: AttrHTTPStatus, Value: "201"}},
				kids:  []call{{m: sql, dur: 2, value: "SELECT * FROM t WHERE id = 42"}}})
			before := time.Now()
			r := run(t, Options{Config: cfg, Fragments: sink}, s.evs)
			if len(sink.frags) != 1 || r.Fragments != 1 {
				t.Fatalf("sink got %d fragments, report %d", len(sink.frags), r.Fragments)
			}
			f := sink.frags[0]
			if f.Name != tt.name || f.Type != "HTTP" || f.HTTPMethod != tt.method || f.URI != tt.uri || f.HTTPStatus != 201 {
				t.Errorf("fragment %+v", f)
			}
			if f.Duration != 5*time.Millisecond || f.Start.Before(before.Add(-time.Second)) {
				t.Errorf("duration %v, start %v", f.Duration, f.Start)
			}
			if len(f.Nodes) != 2 || f.Nodes[0].Parent != -1 || f.Nodes[1].Parent != 0 || !f.Nodes[1].SQL ||
				f.Nodes[1].Arg != "SELECT * FROM t WHERE id = ?" || f.Nodes[1].Duration != 2*time.Millisecond {
				t.Errorf("nodes %+v", f.Nodes)
			}
		})
	}
}
