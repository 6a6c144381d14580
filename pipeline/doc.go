// Package pipeline turns engine events into the guide's data: server requests
// (fragments), call trees, layers, SQL statements, outbound calls and their
// aggregates.
//
// Every engine feeds the same pipeline with the same engine-neutral Event. The
// stages are connected by channels: events are folded into per-thread stacks,
// which yield fragments; fragments are trimmed (maximum_stack_depth,
// minimum_method_latency, minimum_fragment_latency, maximum_method_calls,
// method_trim, method_no_trim, no_layer_recurse), named (URI mapping), and
// aggregated; the aggregates become the report.
package pipeline
