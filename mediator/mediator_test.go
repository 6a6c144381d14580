package mediator

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/internal/otlptest"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// fragment is a finished HTTP fragment with a SQL call under its root.
func fragment(i int) *pipeline.FinishedFragment {
	return &pipeline.FinishedFragment{
		Name: "/items/{id}", Type: "HTTP", PID: 42, TID: 7,
		Start: time.Now(), Duration: 3 * time.Millisecond,
		URI: "/items/" + strconv.Itoa(i), HTTPMethod: "GET", HTTPStatus: 200,
		Nodes: []pipeline.FragmentNode{
			{Module: "flask.app", Class: "Flask", Method: "wsgi_app", Layer: "Flask", Parent: -1, Duration: 3 * time.Millisecond},
			{Module: "sqlite3", Method: "execute", Layer: "SQL", Parent: 0, Offset: time.Millisecond,
				Duration: time.Millisecond, SQL: true, Arg: "SELECT name FROM items WHERE id = ?"},
		},
	}
}

func testSettings(t *testing.T, addr, channel string) Settings {
	t.Helper()
	return settingsFor(t, t.TempDir(), addr, channel)
}

func benchSettings(b *testing.B, addr string) Settings {
	return settingsFor(b, b.TempDir(), addr, "threaded")
}

func settingsFor(t testing.TB, dir, addr, channel string) Settings {
	t.Helper()
	cfg := conf.Defaults()
	cfg.Mediator.ChannelType = channel
	cfg.Mediator.ReconnectTimeout = 100 * time.Millisecond
	cfg.Mediator.KeepAliveInterval = time.Hour
	cfg.Mediator.BufferDir = dir
	host, port, _ := cutHostPort(addr)
	cfg.Mediator.Hostname, cfg.Mediator.Port = host, port
	s, err := Resolve(cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func cutHostPort(addr string) (string, int, error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			p, err := strconv.Atoi(addr[i+1:])
			return addr[:i], p, err
		}
	}
	return addr, 0, fmt.Errorf("no port in %q", addr)
}

// waitFor polls cond for up to 20 s (a deadline, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// An outage of the endpoint loses nothing, in every channel type: what it
// could not take is buffered on disk and replayed in order.
func TestOutageNothingLost(t *testing.T) {
	for _, channel := range []string{"synchronous", "threaded", "multiprocess"} {
		t.Run(channel, func(t *testing.T) {
			rcv, err := otlptest.Start()
			if err != nil {
				t.Fatal(err)
			}
			defer rcv.Stop()
			set := testSettings(t, rcv.Addr(), channel)
			m, err := New(context.Background(), Options{Settings: set, ProbeID: "probe-1", Engine: "test"})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close(context.Background())
			serverSpans := func() (uris []string) {
				for _, s := range rcv.Spans() {
					if s.Attrs["http.route"] != "" {
						uris = append(uris, s.Attrs["url.path"])
					}
				}
				return uris
			}
			for i := range 10 {
				m.Fragment(fragment(i))
			}
			waitFor(t, "the first 10 server spans", func() bool { return len(serverSpans()) == 10 })
			rcv.Stop()
			for i := 10; i < 20; i++ {
				m.Fragment(fragment(i))
			}
			waitFor(t, "the outage to be seen", func() bool { return m.Stats().SpansBuffered >= 2 })
			if err := rcv.Restart(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the 20 server spans", func() bool { return len(serverSpans()) == 20 })
			if err := m.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			uris := serverSpans()
			for i, u := range uris {
				if u != "/items/"+strconv.Itoa(i) {
					t.Errorf("span %d is %s: out of order", i, u)
				}
			}
			st := m.Stats()
			if st.SpansOverflowed != 0 || st.SpansPending != 0 || st.SpansExported != 40 || st.SpansReplayed == 0 ||
				(channel != "multiprocess" && st.Outages == 0) {
				t.Errorf("stats %+v", st)
			}
			spans := rcv.Spans()
			var s otlptest.Span
			for _, sp := range spans {
				if sp.Attrs["url.path"] == "/items/0" {
					s = sp
				}
			}
			if s.Name != "GET /items/{id}" || s.Attrs["http.request.method"] != "GET" || s.Attrs["http.response.status_code"] != "200" ||
				s.Resource["service.name"] != "probe-1" {
				t.Errorf("server span %+v", s)
			}
			var sql *otlptest.Span
			for i := range spans {
				if spans[i].Attrs["db.system.name"] != "" && spans[i].TraceID == s.TraceID {
					sql = &spans[i]
				}
			}
			if sql == nil || sql.ParentID != s.SpanID || sql.Attrs["db.query.text"] != "SELECT name FROM items WHERE id = ?" ||
				sql.Attrs["db.system.name"] != "sqlite" || sql.Name != "SELECT" {
				t.Errorf("sql span %+v (server %s)", sql, s.SpanID)
			}
		})
	}
}

// The gRPC protocol (OTEL_EXPORTER_OTLP_PROTOCOL=grpc) exports the same spans.
func TestGRPCExport(t *testing.T) {
	rcv, err := otlptest.StartGRPC()
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Stop()
	set := testSettings(t, rcv.Addr(), "threaded")
	set.Protocol = ProtocolGRPC
	m, err := New(context.Background(), Options{Settings: set, ProbeID: "probe-g"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		m.Fragment(fragment(i))
	}
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rcv.Spans()); n != 6 {
		t.Errorf("received %d spans, want 6", n)
	}
	if st := m.Stats(); st.SpansExported != 6 || st.Protocol != ProtocolGRPC {
		t.Errorf("stats %+v", st)
	}
}

// What does not fit in buffer_size is counted as overflowed, never silent;
// the rest still arrives.
func TestOverflowCounted(t *testing.T) {
	rcv, err := otlptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Stop()
	set := testSettings(t, rcv.Addr(), "synchronous")
	set.BufferBytes = 1500 // a few batches of one fragment
	m, err := New(context.Background(), Options{Settings: set, ProbeID: "probe-o"})
	if err != nil {
		t.Fatal(err)
	}
	rcv.Stop()
	const n = 50
	for i := range n {
		m.Fragment(fragment(i))
	}
	st := m.Stats()
	if st.SpansOverflowed == 0 || st.SpansBuffered == 0 || st.SpansBuffered+st.SpansOverflowed != 2*n {
		t.Fatalf("stats during the outage %+v", st)
	}
	if err := rcv.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the buffer to drain", func() bool { return m.Stats().SpansPending == 0 })
	m.Close(context.Background())
	if got := uint64(len(rcv.Spans())); got != st.SpansBuffered {
		t.Errorf("received %d spans, want the %d buffered", got, st.SpansBuffered)
	}
}
