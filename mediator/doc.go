// Package mediator owns the export to the guide's mediator, which for
// hpdiag-trace is any OpenTelemetry (OTLP) endpoint: an OpenTelemetry
// Collector, Jaeger, Tempo.
//
// Each finished fragment (pipeline.FragmentSink) becomes a trace: the server
// request is a span named "{method} {route}" following the OpenTelemetry
// semantic conventions for HTTP servers, its captured calls are internal
// spans, SQL and outbound calls are client spans. Request counts and latency
// histograms, method statistics, system metrics and a heartbeat are OTLP
// metrics, exported every keep_alive_interval.
//
// What the endpoint cannot take (it is down, refuses, times out) goes to a
// bounded on-disk buffer, in OTLP protobuf, and is replayed in order every
// reconnect_timeout until it is accepted; what would exceed the bound is
// counted as overflowed and reported. The buffer outlives the run: the next
// run replays what is left.
package mediator
