package loader

import (
	"net/netip"
	"testing"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// record is one E0 record as the session sees it.
type record struct {
	typ        uint8
	tid        uint32
	fd         uint64
	ts, start  uint64
	data       string
	local, rem string // EV_ACCEPT, EV_CONNECT
}

func playRecords(t *testing.T, recs []record) []pipeline.Event {
	t.Helper()
	var evs []pipeline.Event
	r := newRequests(func(ev pipeline.Event) { evs = append(evs, ev) })
	for _, rc := range recs {
		h := hdr{typ: rc.typ, tgid: 7, tid: rc.tid, ts: rc.ts, code: rc.fd}
		rec := netRec{start: rc.start, ret: int64(len(rc.data)), fd: uint32(rc.fd), data: []byte(rc.data)}
		if rc.local != "" {
			rec.local, rec.remote = netip.MustParseAddrPort(rc.local), netip.MustParseAddrPort(rc.rem)
		}
		r.net(h, &rec)
	}
	return evs
}

// summary renders events compactly: kind, tid, method or attribute, value.
func summary(evs []pipeline.Event) []string {
	var out []string
	for _, e := range evs {
		s := ""
		switch e.Kind {
		case pipeline.Enter:
			s = "enter " + e.Method.String()
		case pipeline.Exit:
			s = "exit " + e.Method.String()
			if e.Exception {
				s += " !"
			}
		case pipeline.Attr:
			s = "attr " + attrName[e.AttrKey] + "=" + e.Value
		}
		out = append(out, s)
	}
	return out
}

var attrName = map[pipeline.AttrKey]string{
	pipeline.AttrURI: "uri", pipeline.AttrHTTPStatus: "status", pipeline.AttrHTTPStatusDesc: "reason",
	pipeline.AttrInboundColoring: "coloring", pipeline.AttrRemoteIP: "remote", pipeline.AttrSQL: "sql",
	pipeline.AttrOutbound: "outbound", pipeline.AttrServerPort: "port",
}

func TestRequestsServer(t *testing.T) {
	accept := record{typ: evAccept, fd: 5, local: "127.0.0.1:8080", rem: "127.0.0.1:40000"}
	get := "GET /a?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"
	ok := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	tests := []struct {
		name string
		recs []record
		want []string
	}{
		{"keep-alive on two threads", []record{
			accept,
			{typ: evRead, tid: 2, fd: 5, ts: 10, data: get},
			{typ: evWrite, tid: 2, fd: 5, ts: 20, data: ok},
			{typ: evRead, tid: 3, fd: 5, ts: 30, data: "POST /b HTTP/1.1\r\nContent-Length: 3\r\ntraceparent: 00-t-s-01\r\n\r\nabc"},
			{typ: evWrite, tid: 3, fd: 5, ts: 40, data: "HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n"},
			{typ: evClose, fd: 5, ts: 50},
		}, []string{
			"enter http.GET", "attr uri=/a", "attr remote=127.0.0.1", "attr port=8080",
			"attr status=200", "attr reason=OK", "exit http.GET",
			"enter http.POST", "attr uri=/b", "attr remote=127.0.0.1", "attr port=8080", "attr coloring=00-t-s-01",
			"attr status=503", "attr reason=Unavailable", "exit http.POST",
		}},
		{"split request, closed unanswered", []record{
			accept,
			{typ: evRead, tid: 2, fd: 5, ts: 10, data: get[:7]},
			{typ: evRead, tid: 2, fd: 5, ts: 11, data: get[7:]},
			{typ: evClose, fd: 5, ts: 50},
		}, []string{"enter http.GET", "attr uri=/a", "attr remote=127.0.0.1", "attr port=8080", "exit http.GET !"}},
		{"socket not seen opened", []record{{typ: evRead, tid: 2, fd: 9, data: get}}, nil},
		{"not HTTP", []record{accept, {typ: evRead, tid: 2, fd: 5, data: "\x16\x03\x01hello"}, {typ: evRead, tid: 2, fd: 5, data: get}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(playRecords(t, tt.recs))
			if len(got) != len(tt.want) {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("event %d: got %q\nwant %q", i, got, tt.want)
				}
			}
		})
	}
}

// A request whose caller is a traced client connection is linked to it;
// the client's call is an outbound attribute with its latency.
func TestRequestsLinkedAndOutbound(t *testing.T) {
	evs := playRecords(t, []record{
		{typ: evConnect, tid: 1, fd: 3, local: "127.0.0.1:40000", rem: "127.0.0.1:8080"},
		{typ: evAccept, tid: 9, fd: 5, local: "127.0.0.1:8080", rem: "127.0.0.1:40000"},
		{typ: evWrite, tid: 1, fd: 3, start: 100, ts: 101, data: "GET /x HTTP/1.1\r\nHost: svc:8080\r\n\r\n"},
		{typ: evRead, tid: 9, fd: 5, ts: 110, data: "GET /x HTTP/1.1\r\nHost: svc:8080\r\n\r\n"},
		{typ: evWrite, tid: 9, fd: 5, start: 120, ts: 121, data: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
		{typ: evRead, tid: 1, fd: 3, ts: 130, data: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
	})
	got := summary(evs)
	want := []string{
		"enter http.GET", "attr uri=/x", "attr remote=127.0.0.1", "attr port=8080",
		"attr coloring=tcp 127.0.0.1:40000 > 127.0.0.1:8080",
		"attr status=200", "attr reason=OK", "exit http.GET",
		"attr outbound=http://svc:8080/x",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q\nwant %q", got, want)
		}
	}
	last := evs[len(evs)-1]
	if last.TID != 1 || last.Duration != 30 || last.Time != 130 {
		t.Errorf("outbound event %+v: want tid 1, duration 30 (write start to response), time 130", last)
	}
	if exit := evs[7]; exit.Time != 120 || exit.TID != 9 {
		t.Errorf("exit %+v: want at the response's start (120) on the reading thread", exit)
	}
}

func TestDecodeOffsets(t *testing.T) {
	if netDataOffset != 96 || sqlDataOffset != 120 {
		t.Errorf("record layouts changed: ev_net data at %d, ev_sql data at %d", netDataOffset, sqlDataOffset)
	}
}
