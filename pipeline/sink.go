package pipeline

import (
	"strings"
	"time"
)

// FragmentSink receives every finished fragment, in the order the fragment
// stage finishes them, for outputs that need each server request as it
// completes (the mediator's spans). Fragment is called on the pipeline's
// fragment stage: it must return quickly (queue the work, do not export in
// it unless backpressure into the engines is wanted) and must not call back
// into the pipeline. The FinishedFragment is the sink's to keep: the
// pipeline never touches it again.
type FragmentSink interface {
	Fragment(f *FinishedFragment)
}

// FinishedFragment is an immutable copy of one finished server request
// instance: its name, attributes and kept call tree. It is built only when a
// sink is attached.
type FinishedFragment struct {
	Name string // the server request: mapped URI for HTTP, module.Class.method for Pseudo
	Type string // "HTTP" or "Pseudo"
	PID  int32
	TID  uint64
	// Start is the wall-clock start: the engine's monotonic time anchored on
	// the wall clock when the tracker saw the process's first event.
	Start    time.Time
	Duration time.Duration
	Error    bool

	URI        string // as reported, before mapping ("" if none)
	HTTPMethod string // request method, upper case ("" if unknown)
	HTTPStatus int    // 0 if unknown
	StatusDesc string
	Inbound    bool
	RemoteIP   string
	ServerPort string
	ConsumerID string

	// Nodes is the trimmed call tree in pre-order; Nodes[0] is the root.
	Nodes []FragmentNode
}

// FragmentNode is one captured call of a FinishedFragment.
type FragmentNode struct {
	Module, Class, Method string
	Layer, LayerType      string
	// Parent indexes Nodes; -1 for the root.
	Parent int32
	// Offset is the call's start after the fragment's start.
	Offset   time.Duration
	Duration time.Duration
	Error    bool
	// SQL says Arg is a statement, normalized by sql_parsing_mode.
	SQL bool
	// Outbound says Arg is the target of an outbound call.
	Outbound bool
	Arg      string
}

// finished copies f for the sink. The caller holds fs.mu.
func (fs *fragStage) finished(k srKey, f *fragment) *FinishedFragment {
	ff := &FinishedFragment{
		Name:       k.name,
		Type:       srType(k.http),
		PID:        f.pid,
		TID:        f.tid,
		Start:      time.Unix(0, f.wall),
		Duration:   time.Duration(max(f.end-f.start, 0)),
		Error:      f.err,
		HTTPMethod: f.attrs.method,
		HTTPStatus: f.attrs.status,
		StatusDesc: f.attrs.statusDesc,
		Inbound:    f.attrs.inbound,
		RemoteIP:   f.attrs.remoteIP,
		ServerPort: f.attrs.serverPort,
		ConsumerID: f.attrs.consumerID,
		Nodes:      make([]FragmentNode, len(f.nodes)),
	}
	if f.attrs.hasURI {
		ff.URI = f.attrs.uri
	}
	for i := range f.nodes {
		nd := &f.nodes[i]
		m := nd.agg.m
		ff.Nodes[i] = FragmentNode{
			Module:    m.Module,
			Class:     m.Class,
			Method:    m.Name,
			Layer:     nd.agg.layer.name,
			LayerType: string(nd.agg.layer.typ),
			Parent:    nd.parent,
			Offset:    time.Duration(nd.start - f.start),
			Duration:  time.Duration(max(nd.end-nd.start, 0)),
			Error:     nd.err,
			SQL:       nd.sql,
			Outbound:  nd.agg.has(flagOutbound),
			Arg:       fs.arg(nd),
		}
	}
	return ff
}

// httpMethods are the request methods splitRequestLine recognizes.
var httpMethods = [...]string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE"}

// splitRequestLine reads a captured inbound value that starts with a
// request method, "GET /path" or "GET, /path" (a point capturing the method
// and the path, args:1,5 on werkzeug's Request), into the method and the
// URI. Other values are a URI alone.
func splitRequestLine(v string) (method, uri string) {
	sp := strings.IndexByte(v, ' ')
	if sp <= 0 {
		return "", v
	}
	m := strings.TrimSuffix(v[:sp], ",")
	for _, known := range httpMethods {
		if m == known {
			return m, strings.TrimLeft(v[sp:], " ")
		}
	}
	return "", v
}

// wallNow is the wall clock in Unix ns, read once per new process.
func wallNow() int64 { return time.Now().UnixNano() }
