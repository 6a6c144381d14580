package outputs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// liveRows is how many server requests the live table shows.
const liveRows = 10

// Live shows the run's progress during long runs: on a terminal a table of
// the top server requests redrawn in place every interval; otherwise one
// plain line per interval. Nothing is shown before the first interval
// ends, so short runs print nothing. It stops when ctx ends; stop waits
// for it and erases nothing (the final report follows).
func Live(ctx context.Context, w io.Writer, terminal bool, interval time.Duration, snapshot func() *pipeline.Report) (stop func()) {
	if interval <= 0 || w == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		drawn := 0 // lines of the last table, to redraw over
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			r := snapshot()
			if terminal {
				drawn = drawTable(w, r, drawn)
			} else {
				fmt.Fprintln(w, liveLine(r))
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// liveLine is the plain progress line.
func liveLine(r *pipeline.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "hpdiag-trace: %.0f s: %d events, %d server request instances", r.DurationMS/1000, r.Events, r.Fragments)
	if len(r.ServerRequests) > 0 {
		top := r.ServerRequests[0]
		fmt.Fprintf(&b, "; top %s: %d, avg %.2f ms, p95 %.2f ms", top.Name, top.Count, top.AvgMS, top.P95MS)
	}
	if r.DroppedEvents > 0 {
		fmt.Fprintf(&b, "; %d events dropped", r.DroppedEvents)
	}
	if m := r.Mediator; m != nil && !m.Connected {
		fmt.Fprintf(&b, "; mediator down, %d spans buffered", m.SpansPending)
	}
	return b.String()
}

// drawTable draws the table over the previous one (prev lines) and returns
// its own height.
func drawTable(w io.Writer, r *pipeline.Report, prev int) int {
	var b bytes.Buffer
	if prev > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\x1b[J", prev) // up over the last table, clear to the end
	}
	fmt.Fprintln(&b, liveLine(r))
	fmt.Fprintf(&b, "  %-40s %-6s %8s %6s %10s %10s\n", "SERVER REQUEST", "TYPE", "COUNT", "ERRORS", "AVG ms", "P95 ms")
	n := min(len(r.ServerRequests), liveRows)
	for _, s := range r.ServerRequests[:n] {
		name := s.Name
		if len([]rune(name)) > 40 {
			name = string([]rune(name)[:39]) + "…"
		}
		fmt.Fprintf(&b, "  %-40s %-6s %8d %6d %10.2f %10.2f\n", name, s.Type, s.Count, s.Errors, s.AvgMS, s.P95MS)
	}
	_, _ = w.Write(b.Bytes())
	return 2 + n
}
