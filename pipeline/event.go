package pipeline

import "github.com/hpdiag/hpdiag-trace/matcher"

// Kind tells what an Event reports.
type Kind uint8

// The kinds of Event.
const (
	// Enter: a matched function or method was entered (or a generator resumed).
	Enter Kind = iota + 1
	// Exit: the innermost open call of Method on the thread left; Exception
	// says whether it left by an exception.
	Exit
	// Attr: a request attribute for the call currently open on the thread
	// (or, with no open call, for the next fragment of the thread).
	Attr
)

// AttrKey names a request attribute carried by an Attr event.
type AttrKey uint8

// The request attributes an engine can report.
const (
	AttrURI             AttrKey = iota + 1 // URI of an inbound HTTP request
	AttrHTTPStatus                         // HTTP status code, decimal
	AttrHTTPStatusDesc                     // HTTP status text
	AttrInboundColoring                    // coloring / traceparent of an inbound call
	AttrRemoteIP                           // caller address of an inbound call
	AttrSQL                                // SQL text executed by the open call
	AttrOutbound                           // target (URL) of an outbound call by the open call
	AttrServerPort                         // tcp_server_port
	AttrConsumerID                         // WS_consumer_id
	AttrHTTPMethod                         // request method of an inbound HTTP request
)

// Event is what every engine produces. It is a plain value: engines send
// events in batches and the pipeline never keeps a pointer to one.
type Event struct {
	Kind      Kind
	Exception bool    // Exit only: left by an exception
	AttrKey   AttrKey // Attr only
	PID       int32
	TID       uint64 // thread identity within PID, as the engine knows it
	Time      int64  // nanoseconds, monotonic; comparable within one PID
	Method    *matcher.Method
	// Value is the captured argument of an Enter (args:n / args:name, joined
	// when several) or the attribute value of an Attr.
	Value string
	// Duration, for an AttrSQL or AttrOutbound Attr, is the latency in
	// nanoseconds of a statement or outbound call an engine timed itself
	// (engine E0): when it is positive the attribute is aggregated at once,
	// with Exception as its failure, whether or not a call is open, instead
	// of taking the latency of the open call.
	Duration int64
}

// Sink is what an engine needs of the pipeline it feeds. *Pipeline is one.
type Sink interface {
	// NewBatch returns an empty batch to fill and Submit.
	NewBatch() []Event
	// Submit hands a batch over; the caller does not touch it afterwards.
	Submit([]Event)
	// AddDropped counts events the engine had to drop.
	AddDropped(n uint64)
	// SetProcess records a traced process.
	SetProcess(pid int32, info ProcessInfo)
}
