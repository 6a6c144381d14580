// Package otlptest is an OTLP/HTTP receiver for tests: a net/http server on
// 127.0.0.1 that decodes trace and metric exports (protobuf) and can be
// stopped and restarted on the same port to play a mediator outage.
package otlptest

import (
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"

	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Span is a received span with its attributes as strings.
type Span struct {
	Name     string
	Kind     tracepb.Span_SpanKind
	TraceID  string
	SpanID   string
	ParentID string
	Attrs    map[string]string
	Resource map[string]string
}

// Receiver collects what OTLP exporters send to it.
type Receiver struct {
	addr string

	mu      sync.Mutex
	srv     *http.Server
	done    chan struct{}
	spans   []Span
	metrics []string // metric names, in arrival order, repeated per export
	exports int      // trace export requests taken
}

// Start listens on 127.0.0.1 on a free port.
func Start() (*Receiver, error) {
	r := &Receiver{addr: "127.0.0.1:0"}
	if err := r.Restart(); err != nil {
		return nil, err
	}
	return r, nil
}

// Addr is host:port of the receiver.
func (r *Receiver) Addr() string { return r.addr }

// Restart listens again on the same port after Stop.
func (r *Receiver) Restart() error {
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		return fmt.Errorf("otlptest: listen %s: %w", r.addr, err)
	}
	r.addr = ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", r.traces)
	mux.HandleFunc("/v1/metrics", r.metricsHandler)
	srv := &http.Server{Handler: mux}
	done := make(chan struct{})
	r.mu.Lock()
	r.srv, r.done = srv, done
	r.mu.Unlock()
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // http.ErrServerClosed after Stop
	}()
	return nil
}

// Stop closes the listener and every connection: exporters then get
// "connection refused" until Restart.
func (r *Receiver) Stop() {
	r.mu.Lock()
	srv, done := r.srv, r.done
	r.srv = nil
	r.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Close()
	<-done
}

// Spans returns the spans received so far.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// MetricNames returns the names of the metrics received so far.
func (r *Receiver) MetricNames() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.metrics...)
}

func body(req *http.Request) ([]byte, error) {
	var rd io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		z, err := gzip.NewReader(req.Body)
		if err != nil {
			return nil, err
		}
		defer z.Close()
		rd = z
	}
	return io.ReadAll(rd)
}

func (r *Receiver) traces(w http.ResponseWriter, req *http.Request) {
	data, err := body(req)
	var msg collectortrace.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(data, &msg)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.add(&msg)
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Write(out)
}

// add stores the spans of an export.
func (r *Receiver) add(msg *collectortrace.ExportTraceServiceRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exports++
	for _, rs := range msg.ResourceSpans {
		res := map[string]string{}
		for _, kv := range rs.GetResource().GetAttributes() {
			res[kv.Key] = valueString(kv.Value)
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				sp := Span{Name: s.Name, Kind: s.Kind, TraceID: fmt.Sprintf("%x", s.TraceId),
					SpanID: fmt.Sprintf("%x", s.SpanId), ParentID: fmt.Sprintf("%x", s.ParentSpanId),
					Attrs: map[string]string{}, Resource: res}
				for _, kv := range s.Attributes {
					sp.Attrs[kv.Key] = valueString(kv.Value)
				}
				r.spans = append(r.spans, sp)
			}
		}
	}
}

func (r *Receiver) metricsHandler(w http.ResponseWriter, req *http.Request) {
	data, err := body(req)
	var msg collectormetrics.ExportMetricsServiceRequest
	if err == nil {
		err = proto.Unmarshal(data, &msg)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	for _, rm := range msg.ResourceMetrics {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				r.metrics = append(r.metrics, m.Name)
			}
		}
	}
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&collectormetrics.ExportMetricsServiceResponse{})
	w.Write(out)
}
