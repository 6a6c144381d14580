// Package pipeline turns engine events into the guide's data: server requests
// (fragments), call trees, layers, SQL statements, outbound calls and their
// aggregates.
//
// # Stages
//
// Every engine feeds the same pipeline with the same engine-neutral Event, in
// batches (NewBatch, Submit). Two small stages run connected by channels of
// batches, in the manner of OpenTelemetry eBPF Instrumentation:
//
//   - the tracker folds events into per-(pid, tid) stacks. At every Exit it
//     updates the method aggregate, the fragment's layer times and the SQL
//     and outbound aggregates, and decides whether the call keeps its node in
//     the fragment's node arena. When a thread's stack empties the fragment
//     goes to the next stage.
//   - the fragment stage names the fragment (URI mapping), updates the server
//     request and layer aggregates and keeps the slowest instance trees.
//
// Batches, fragments and their arenas are recycled through free lists, so the
// steady state allocates nothing per event. A producer faster than the
// tracker blocks in Submit.
//
// # Fragments
//
// A fragment (server request instance) is the outermost matched call of a
// thread, from its Enter to its Exit. It is of type HTTP, named after its URI
// mapped by URIMapper, when any call in it reported a URI (AttrURI, or the
// captured value of a call whose point has detail inbound); otherwise it is
// Pseudo, named module.Class.method after its root. It is inbound when an
// AttrInboundColoring arrived, and an error when its root left by an
// exception or an AttrHTTPStatus >= 500 arrived. The first URI reported wins.
// Attributes reported while no call is open belong to the thread's next
// fragment. An AttrSQL or AttrOutbound takes the latency of the call open
// on its thread, unless it carries its own (Event.Duration, from an engine
// that timed the statement or call itself, such as E0): then it is
// aggregated at once, open call or not.
//
// # Trimming
//
// Trimming shapes instance trees only; every aggregate counts every matched
// call. The readings of the guide's rules:
//
//   - maximum_stack_depth: depth is the position on the thread's stack of
//     matched calls, the root being 1; calls deeper than the limit get no
//     node. Calls left out for other reasons still count in the depth.
//   - minimum_method_latency: a call faster than it loses its node when it
//     leaves, unless its point has method_no_trim. Its callees that kept
//     their nodes move up to its caller.
//   - maximum_method_calls: the tree keeps its first N nodes in call order,
//     counted after the other rules (outbound calls included).
//   - method_trim: the call never has a node; its callees hang under its
//     caller.
//   - no_layer_recurse: while such a call is open, calls of the same layer
//     (however deep, even below a call of another layer) get no node; calls
//     of other layers do.
//   - minimum_fragment_latency: a fragment faster than it keeps no tree but
//     is counted in its server request's aggregate (there are no per-request
//     thresholds to override it).
//   - The root of a fragment is always kept, whatever the rules, so limits
//     below 1 act as 1.
//
// A node's exclusive time is its duration minus its reported children's:
// the time of trimmed callees stays in their reported ancestor.
//
// Layer times are computed from all calls: a call's exclusive time is its
// duration minus the durations of its direct matched callees, summed per
// layer and fragment, then over fragments.
//
// # Lost events
//
// An Exit with no open call of its method on its thread is ignored and
// counted (unmatched_exits). An Exit that matches a call below the top closes
// the calls above it at its time (their Exits were lost: unwound_calls).
// Fragments still open at Close are counted as incomplete_fragments and not
// reported; their open calls are not invented. Events an engine dropped
// (AddDropped) and events submitted after Close are counted as
// dropped_events.
//
// # Finished fragments
//
// Outputs that need each server request as it completes (the mediator's
// spans) set Options.Fragments: the fragment stage hands it an immutable
// FinishedFragment per fragment (name, attributes, the trimmed tree with
// wall-clock times), built only when a sink is set, so the hot path stays
// allocation-free without one. A point with detail inbound whose captured
// value starts with a request method ("GET /path", "GET, /path") gives the
// method (AttrHTTPMethod) and the URI.
//
// The report's probe id is Options.ProbeID, else Config.Probe.ProbeID; its
// engine is Options.Engine.
package pipeline
