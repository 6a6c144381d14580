package loader

import (
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/netproto"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// requests turns E0's records into pipeline events: an inbound HTTP
// request is an Enter of a synthetic method (module "http", named after
// the request method) on the thread that read it, with its URI, caller
// and server port as attributes, and its response the status and the
// Exit; outbound HTTP calls and SQL statements are timed attributes
// (pipeline.Event.Duration) of the thread that made them.
type requests struct {
	emit    func(pipeline.Event)
	conns   map[connKey]*conn
	methods map[string]*matcher.Method
	// clients are the client ends of connections of traced processes, by
	// 4-tuple (local, remote): a request whose caller is one of them is
	// linked to it.
	clients map[[2]netip.AddrPort]connKey
	stmts   map[stmtKey]*sqliteStmt
	pqNames map[pqKey]string
	libpq   map[uint32]bool // pids with libpq mapped (its SQL comes from uprobes)

	// Counters for the tracer's last words.
	requests, outbound, statements, links uint64
}

type connKey struct {
	tgid uint32
	id   uint64 // the fd, or the SSL pointer with tls
	tls  bool
}

type role uint8

const (
	roleUnknown role = iota
	roleServer
	roleClient
)

type proto uint8

const (
	protoUnknown proto = iota
	protoHTTP
	protoPG
	protoMySQL
	protoOther // not parsed: ignored from then on
)

// conn is what E0 knows of one connection end in a traced process.
type conn struct {
	key           connKey
	role          role
	proto         proto
	local, remote netip.AddrPort
	in, out       netproto.HTTPStream // what the process reads and writes
	served        []served            // server: requests awaiting their response
	calls         []call              // client: requests awaiting their response
	pg            *netproto.PGConn
	my            *netproto.MySQLConn
	sqlTID        uint32
}

type served struct {
	tid    uint32
	method *matcher.Method
	head   bool // a HEAD request: its response has no body
}

type call struct {
	tid    uint32
	target string
	start  int64
	head   bool
}

type stmtKey struct {
	tgid uint32
	stmt uint64
}

// sqliteStmt is a prepared SQLite statement; an execution runs from its
// first sqlite3_step to its sqlite3_reset or sqlite3_finalize.
type sqliteStmt struct {
	text    string
	running bool
	start   int64
	tid     uint32
}

type pqKey struct {
	tgid uint32
	conn uint64
	name string
}

func newRequests(emit func(pipeline.Event)) *requests {
	return &requests{
		emit:    emit,
		conns:   map[connKey]*conn{},
		methods: map[string]*matcher.Method{},
		clients: map[[2]netip.AddrPort]connKey{},
		stmts:   map[stmtKey]*sqliteStmt{},
		pqNames: map[pqKey]string{},
		libpq:   map[uint32]bool{},
	}
}

// handle takes one E0 record.
func (r *requests) handle(h hdr, b []byte) {
	switch h.typ {
	case evAccept, evConnect, evRead, evWrite, evClose:
		rec, ok := decodeNet(b)
		if ok {
			r.net(h, &rec)
		}
	case evSQLitePrepare, evSQLiteStep, evSQLiteReset, evPQExec, evPQPrepare, evPQExecPrepared:
		rec, ok := decodeSQL(b)
		if ok {
			r.sql(h, &rec)
		}
	}
}

func (r *requests) net(h hdr, rec *netRec) {
	key := connKey{tgid: h.tgid, id: h.code, tls: h.flags&netFlagTLS != 0}
	switch h.typ {
	case evAccept, evConnect:
		r.closeConn(key, int64(h.ts), true)
		c := &conn{key: key, local: rec.local, remote: rec.remote, role: roleServer}
		if h.typ == evConnect {
			c.role = roleClient
			r.clients[[2]netip.AddrPort{rec.local, rec.remote}] = key
		}
		r.conns[key] = c
		return
	case evClose:
		r.closeConn(key, int64(h.ts), true)
		return
	}
	c := r.conns[key]
	if c == nil {
		if !key.tls {
			return // a socket E0 did not see open
		}
		c = &conn{key: key}
		r.conns[key] = c
	}
	if c.proto == protoUnknown {
		r.identify(c, h, rec)
	}
	read := h.typ == evRead
	switch c.proto {
	case protoHTTP:
		r.http(c, h, rec, read)
	case protoPG:
		if read {
			c.pg.Server(rec.data, rec.ret, int64(h.ts), r.wireDone(h.tgid, c))
		} else {
			c.sqlTID = h.tid
			c.pg.Client(rec.data, rec.ret, int64(rec.start))
		}
	case protoMySQL:
		if read {
			c.my.Server(rec.data, rec.ret, int64(h.ts), r.wireDone(h.tgid, c))
		} else {
			c.sqlTID = h.tid
			c.my.Client(rec.data, rec.ret, int64(rec.start))
		}
	}
}

// identify tells the protocol (and, on TLS, the role) from a
// connection's first bytes.
func (r *requests) identify(c *conn, h hdr, rec *netRec) {
	read := h.typ == evRead
	d := rec.data
	switch {
	case netproto.LooksLikeRequest(d) && (c.role == roleUnknown || (c.role == roleServer) == read):
		c.proto = protoHTTP
		if c.role == roleUnknown {
			c.role = roleClient
			if read {
				c.role = roleServer
			}
		}
		c.in.Responses = c.role == roleClient
		c.out.Responses = c.role == roleServer
		c.in.NoBody = func() bool { return len(c.calls) > 0 && c.calls[0].head }
		c.out.NoBody = func() bool { return len(c.served) > 0 && c.served[0].head }
	case c.role == roleClient && !read && netproto.IsPGStartup(d):
		c.proto = protoOther
		if !r.hasLibpq(h.tgid) {
			c.proto, c.pg = protoPG, &netproto.PGConn{}
		}
	case c.role == roleClient && read && netproto.IsMySQLGreeting(d):
		c.proto, c.my = protoMySQL, &netproto.MySQLConn{}
	default:
		c.proto = protoOther
	}
}

// hasLibpq tells whether pid has libpq mapped: its statements are then
// seen by the uprobes, not read off the wire a second time.
func (r *requests) hasLibpq(pid uint32) bool {
	if v, ok := r.libpq[pid]; ok {
		return v
	}
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(int(pid)) + "/maps")
	v := strings.Contains(string(b), "/libpq.so")
	r.libpq[pid] = v
	return v
}

func (r *requests) http(c *conn, h hdr, rec *netRec, read bool) {
	s := &c.out
	if read {
		s = &c.in
	}
	s.Feed(rec.data, rec.ret, func(m *netproto.Head) {
		switch {
		case m.Request && c.role == roleServer:
			r.inbound(c, h, m)
		case m.Request:
			r.outboundCall(c, h, rec, m)
		case c.role == roleServer:
			r.response(c, h, rec, m)
		default:
			r.outboundDone(c, h, m)
		}
	})
}

// method returns the synthetic method of an HTTP request method.
func (r *requests) method(name string) *matcher.Method {
	m := r.methods[name]
	if m == nil {
		m = &matcher.Method{Module: "http", Name: name}
		r.methods[name] = m
	}
	return m
}

func (r *requests) inbound(c *conn, h hdr, m *netproto.Head) {
	meth := r.method(m.Method)
	pid, tid, t := int32(h.tgid), uint64(h.tid), int64(h.ts)
	r.emit(pipeline.Event{Kind: pipeline.Enter, PID: pid, TID: tid, Time: t, Method: meth})
	attr := func(k pipeline.AttrKey, v string) {
		r.emit(pipeline.Event{Kind: pipeline.Attr, AttrKey: k, PID: pid, TID: tid, Time: t, Value: v})
	}
	// The path names the request; the query may hold literals.
	path, _, _ := strings.Cut(m.Target, "?")
	attr(pipeline.AttrURI, path)
	if c.remote.IsValid() {
		attr(pipeline.AttrRemoteIP, c.remote.Addr().String())
		attr(pipeline.AttrServerPort, strconv.Itoa(int(c.local.Port())))
	}
	switch {
	case m.Traceparent != "":
		attr(pipeline.AttrInboundColoring, m.Traceparent)
	case m.Color != "":
		attr(pipeline.AttrInboundColoring, m.Color)
	default:
		// The caller is a traced process: link by the 4-tuple.
		if _, ok := r.clients[[2]netip.AddrPort{c.remote, c.local}]; ok && c.remote.IsValid() {
			r.links++
			attr(pipeline.AttrInboundColoring, "tcp "+c.remote.String()+" > "+c.local.String())
		}
	}
	c.served = append(c.served, served{tid: h.tid, method: meth, head: m.Method == "HEAD"})
	r.requests++
}

func (r *requests) response(c *conn, h hdr, rec *netRec, m *netproto.Head) {
	if len(c.served) == 0 {
		return
	}
	sv := c.served[0]
	c.served = c.served[1:]
	pid, tid, t := int32(h.tgid), uint64(sv.tid), int64(rec.start)
	r.emit(pipeline.Event{Kind: pipeline.Attr, AttrKey: pipeline.AttrHTTPStatus, PID: pid, TID: tid, Time: t, Value: strconv.Itoa(m.Status)})
	if m.Reason != "" {
		r.emit(pipeline.Event{Kind: pipeline.Attr, AttrKey: pipeline.AttrHTTPStatusDesc, PID: pid, TID: tid, Time: t, Value: m.Reason})
	}
	r.emit(pipeline.Event{Kind: pipeline.Exit, PID: pid, TID: tid, Time: t, Method: sv.method})
}

func (r *requests) outboundCall(c *conn, h hdr, rec *netRec, m *netproto.Head) {
	scheme := "http://"
	if c.key.tls {
		scheme = "https://"
	}
	host := m.Host
	if host == "" && c.remote.IsValid() {
		host = c.remote.String()
	}
	target := m.Target
	if strings.Contains(target, "://") {
		target = "" // absolute form (a proxy request): the URL is the target
		host, scheme = m.Target, ""
	}
	c.calls = append(c.calls, call{tid: h.tid, target: scheme + host + target, start: int64(rec.start), head: m.Method == "HEAD"})
}

func (r *requests) outboundDone(c *conn, h hdr, m *netproto.Head) {
	if len(c.calls) == 0 || m.Status < 200 {
		return
	}
	cl := c.calls[0]
	c.calls = c.calls[1:]
	r.outbound++
	r.emit(pipeline.Event{
		Kind: pipeline.Attr, AttrKey: pipeline.AttrOutbound,
		PID: int32(h.tgid), TID: uint64(cl.tid), Time: int64(h.ts),
		Value: cl.target, Duration: max(int64(h.ts)-cl.start, 1), Exception: m.Status >= 500,
	})
}

// closeConn forgets a connection; with ended, requests it still served
// end there, as failed (no response was seen).
func (r *requests) closeConn(key connKey, t int64, ended bool) {
	c := r.conns[key]
	if c == nil {
		return
	}
	for _, sv := range c.served {
		if !ended {
			break
		}
		r.emit(pipeline.Event{Kind: pipeline.Exit, Exception: true, PID: int32(key.tgid), TID: uint64(sv.tid), Time: t, Method: sv.method})
	}
	if c.role == roleClient {
		delete(r.clients, [2]netip.AddrPort{c.local, c.remote})
	}
	delete(r.conns, key)
}

// wireDone reports statements read off the wire.
func (r *requests) wireDone(tgid uint32, c *conn) func(netproto.Statement) {
	return func(st netproto.Statement) {
		r.statement(tgid, c.sqlTID, st.Text, st.End, st.End-st.Start, st.Failed)
	}
}

func (r *requests) statement(tgid, tid uint32, text string, end, dur int64, failed bool) {
	if strings.TrimSpace(text) == "" {
		return
	}
	r.statements++
	r.emit(pipeline.Event{
		Kind: pipeline.Attr, AttrKey: pipeline.AttrSQL,
		PID: int32(tgid), TID: uint64(tid), Time: end,
		Value: text, Duration: max(dur, 1), Exception: failed,
	})
}

// sql takes the records of the libsqlite3 and libpq uprobes.
func (r *requests) sql(h hdr, rec *sqlRec) {
	t := int64(h.ts)
	switch h.typ {
	case evSQLitePrepare:
		r.stmts[stmtKey{h.tgid, h.code}] = &sqliteStmt{text: rec.text}
	case evSQLiteStep:
		st := r.stmts[stmtKey{h.tgid, h.code}]
		if st == nil || st.running {
			return
		}
		st.running, st.start, st.tid = true, t, h.tid
	case evSQLiteReset:
		st := r.stmts[stmtKey{h.tgid, h.code}]
		if st != nil && st.running {
			st.running = false
			r.statement(h.tgid, st.tid, st.text, t, t-st.start, false)
		}
	case evPQExec:
		r.statement(h.tgid, h.tid, rec.text, t, t-int64(rec.start), false)
	case evPQPrepare:
		r.pqNames[pqKey{h.tgid, h.code, rec.name}] = rec.text
	case evPQExecPrepared:
		r.statement(h.tgid, h.tid, r.pqNames[pqKey{h.tgid, h.code, rec.name}], t, t-int64(rec.start), false)
	}
}

// gone forgets what E0 knew of an exited process.
func (r *requests) gone(tgid uint32) {
	for k := range r.conns {
		if k.tgid == tgid {
			r.closeConn(k, 0, false) // its fragments stay incomplete
		}
	}
	for k := range r.stmts {
		if k.tgid == tgid {
			delete(r.stmts, k)
		}
	}
	for k := range r.pqNames {
		if k.tgid == tgid {
			delete(r.pqNames, k)
		}
	}
	delete(r.libpq, tgid)
}
