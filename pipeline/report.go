package pipeline

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Report is what the pipeline found: the aggregates, the slowest instance
// trees and the counters of what was lost or left out. Times are in
// milliseconds unless a name says otherwise.
type Report struct {
	Probe          ProbeReport     `json:"probe"`
	Started        time.Time       `json:"started"`
	Ended          time.Time       `json:"ended"`
	DurationMS     float64         `json:"duration_ms"`
	ServerRequests []ServerRequest `json:"server_requests"`
	Methods        []MethodStat    `json:"methods"`
	SQL            []SQLStat       `json:"sql"`
	Outbound       []OutboundStat  `json:"outbound"`
	Layers         []LayerStat     `json:"layers"`
	Instances      []Instance      `json:"instances"`

	Events    uint64 `json:"events"`    // events received
	Fragments uint64 `json:"fragments"` // server request instances finished
	// DroppedEvents are events an engine lost (AddDropped) plus events
	// submitted after Close.
	DroppedEvents uint64 `json:"dropped_events"`
	// UnmatchedExits are Exits with no open call of their method on their
	// thread: ignored.
	UnmatchedExits uint64 `json:"unmatched_exits"`
	// UnwoundCalls are open calls closed by the Exit of a caller because
	// their own Exit was lost.
	UnwoundCalls uint64 `json:"unwound_calls"`
	// IncompleteFragments were still running at Close: not reported.
	IncompleteFragments uint64 `json:"incomplete_fragments"`
	// OrphanAttributes are SQL or outbound attributes that came with no open
	// call to take a latency from: ignored.
	OrphanAttributes uint64 `json:"orphan_attributes"`
	// InvalidEvents have an unknown Kind or an Enter without a Method.
	InvalidEvents uint64  `json:"invalid_events"`
	Trimmed       Trimmed `json:"trimmed"`

	// Mediator and SystemMetrics are filled by those outputs when they run.
	Mediator      *MediatorReport      `json:"mediator,omitempty"`
	SystemMetrics *SystemMetricsReport `json:"system_metrics,omitempty"`
}

// ProbeReport identifies the probe and the processes traced.
type ProbeReport struct {
	ID        string        `json:"id"`
	Engine    string        `json:"engine"`
	Python    string        `json:"python"` // versions of the processes, comma separated
	PIDs      []int32       `json:"pids"`
	Processes []ProcessInfo `json:"processes"`
}

// ProcessInfo describes a traced process (SetProcess).
type ProcessInfo struct {
	PID        int32    `json:"pid"`
	Python     string   `json:"python"` // interpreter version, e.g. "3.12.1"
	Executable string   `json:"executable"`
	Argv       []string `json:"argv"`
	Parent     int32    `json:"parent"` // parent pid, 0 if unknown
}

// Latency is what every aggregate says about its calls: how many, how many
// failed, and their latency (percentiles from a log-bucketed histogram, ~2%
// relative error).
type Latency struct {
	Count   uint64  `json:"count"`
	Errors  uint64  `json:"errors"`
	TotalMS float64 `json:"total_ms"`
	MinMS   float64 `json:"min_ms"`
	AvgMS   float64 `json:"avg_ms"`
	MaxMS   float64 `json:"max_ms"`
	P95MS   float64 `json:"p95_ms"`
	P99MS   float64 `json:"p99_ms"`
}

// ServerRequest aggregates the instances of one server request.
type ServerRequest struct {
	Name string `json:"name"`
	Type string `json:"type"` // "HTTP" or "Pseudo"
	Latency
	Inbound bool    `json:"inbound"` // a coloring arrived for one of them
	PIDs    []int32 `json:"pids"`
}

// MethodStat aggregates every call of one matched method, trimmed or not.
type MethodStat struct {
	Module    string `json:"module"`
	Class     string `json:"class"`
	Method    string `json:"method"`
	Layer     string `json:"layer"`
	LayerType string `json:"layer_type"`
	Latency
	PIDs []int32 `json:"pids"`
}

// SQLStat aggregates the statements sharing one key of sql_parsing_mode.
type SQLStat struct {
	Statement string `json:"statement"`
	Category  string `json:"category,omitempty"`
	Latency
	// Trended: one instance took at least minimum_sql_latency.
	Trended bool `json:"trended"`
}

// OutboundStat aggregates the outbound calls to one target.
type OutboundStat struct {
	Target string `json:"target"`
	Latency
}

// LayerStat is a layer's exclusive time over all fragments.
type LayerStat struct {
	Layer       string  `json:"layer"`
	LayerType   string  `json:"layer_type"`
	Calls       uint64  `json:"calls"`
	ExclusiveMS float64 `json:"exclusive_ms"`
	// Fragments counts the fragments with a call of the layer;
	// AvgMS is ExclusiveMS per such fragment.
	Fragments uint64  `json:"fragments"`
	AvgMS     float64 `json:"avg_ms"`
}

// Instance is one kept server request instance with its trimmed call tree.
type Instance struct {
	ServerRequest string `json:"server_request"`
	Type          string `json:"type"`
	PID           int32  `json:"pid"`
	TID           uint64 `json:"tid"`
	// Start is in ns since the first event seen from PID (engine clocks
	// are monotonic, not wall clocks).
	Start      int64     `json:"start"`
	DurationMS float64   `json:"duration_ms"`
	Error      bool      `json:"error"`
	URI        string    `json:"uri,omitempty"` // as reported, before mapping
	HTTPStatus int       `json:"http_status,omitempty"`
	Inbound    bool      `json:"inbound,omitempty"`
	RemoteIP   string    `json:"remote_ip,omitempty"`
	Tree       *TreeNode `json:"tree"`
}

// TreeNode is a captured call. ExclusiveMS is DurationMS minus the durations
// of the reported children: the time of trimmed callees stays in it.
type TreeNode struct {
	Method      string      `json:"method"`
	Module      string      `json:"module"`
	Class       string      `json:"class"`
	Layer       string      `json:"layer"`
	DurationMS  float64     `json:"duration_ms"`
	ExclusiveMS float64     `json:"exclusive_ms"`
	Error       bool        `json:"error"`
	Arg         string      `json:"arg"`
	Children    []*TreeNode `json:"children"`
}

// Trimmed counts the calls and fragments left out of instance trees, by
// rule. Aggregates still count all of them.
type Trimmed struct {
	Depth        uint64 `json:"depth"`         // maximum_stack_depth
	Latency      uint64 `json:"latency"`       // minimum_method_latency
	Calls        uint64 `json:"calls"`         // maximum_method_calls
	MethodTrim   uint64 `json:"method_trim"`   // detail method_trim
	LayerRecurse uint64 `json:"layer_recurse"` // detail no_layer_recurse
	Fragments    uint64 `json:"fragments"`     // minimum_fragment_latency: no tree kept
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing the JSON report: %w", err)
	}
	return nil
}
