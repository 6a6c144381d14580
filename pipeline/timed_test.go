package pipeline

import (
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// Statements and outbound calls an engine timed itself (Event.Duration)
// are aggregated with their own latency, inside a call or not.
func TestTimedAttributes(t *testing.T) {
	w := newWorld()
	req := w.m("GET")
	ms := int64(msNs)
	evs := []Event{
		{Kind: Enter, PID: 1, TID: 1, Time: 0, Method: req},
		{Kind: Attr, AttrKey: AttrURI, PID: 1, TID: 1, Time: 1, Value: "/items/1"},
		{Kind: Attr, AttrKey: AttrSQL, PID: 1, TID: 1, Time: 2 * ms, Value: "SELECT a FROM t WHERE id = 1", Duration: 2 * ms},
		{Kind: Attr, AttrKey: AttrOutbound, PID: 1, TID: 1, Time: 3 * ms, Value: "http://127.0.0.1:81/x", Duration: 4 * ms, Exception: true},
		{Kind: Attr, AttrKey: AttrHTTPStatus, PID: 1, TID: 1, Time: 9 * ms, Value: "200"},
		{Kind: Exit, PID: 1, TID: 1, Time: 10 * ms, Method: req},
		// after the request: no open call, still counted
		{Kind: Attr, AttrKey: AttrSQL, PID: 1, TID: 1, Time: 11 * ms, Value: "SELECT a FROM t WHERE id = 2", Duration: 6 * ms},
	}
	r := run(t, Options{Config: testConfig(func(p *conf.Probe) { p.SQLParsingMode = SQLModeSimilar })}, evs)
	if len(r.SQL) != 1 || r.SQL[0].Count != 2 || !near(r.SQL[0].TotalMS, 8, 1e-9) {
		t.Errorf("sql = %+v, want one statement, count 2, 8 ms", r.SQL)
	}
	if len(r.Outbound) != 1 || r.Outbound[0].Count != 1 || r.Outbound[0].Errors != 1 || !near(r.Outbound[0].TotalMS, 4, 1e-9) {
		t.Errorf("outbound = %+v", r.Outbound)
	}
	if r.OrphanAttributes != 0 {
		t.Errorf("orphan_attributes = %d, want 0", r.OrphanAttributes)
	}
	if len(r.ServerRequests) != 1 || r.ServerRequests[0].Name != "/items/1" || r.ServerRequests[0].Count != 1 {
		t.Errorf("server_requests = %+v", r.ServerRequests)
	}
}
