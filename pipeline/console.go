package pipeline

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// consoleTop is how many rows each console table shows at most.
const consoleTop = 20

// WriteConsole writes the report as fixed-width tables for a terminal:
// server requests, then the top methods, SQL statements, outbound calls and
// layers by total time, then what was lost or trimmed.
func (r *Report) WriteConsole(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "hpdiag-trace report: probe %q, engine %s, python %s, pids %v\n",
		r.Probe.ID, orDash(r.Probe.Engine), orDash(r.Probe.Python), r.Probe.PIDs)
	fmt.Fprintf(b, "%s  duration %.0f ms  events %d  fragments %d\n\n",
		r.Ended.Format("2006-01-02 15:04:05"), r.DurationMS, r.Events, r.Fragments)

	fmt.Fprintf(b, "Server requests (%d)\n", len(r.ServerRequests))
	fmt.Fprintf(b, "%-40s %-6s %8s %6s %10s %10s %10s %10s %10s\n",
		"NAME", "TYPE", "COUNT", "ERRORS", "AVG ms", "P95 ms", "P99 ms", "MAX ms", "TOTAL ms")
	for _, s := range head(r.ServerRequests) {
		fmt.Fprintf(b, "%-40s %-6s %8d %6d %10.2f %10.2f %10.2f %10.2f %10.1f\n",
			cell(s.Name, 40), s.Type, s.Count, s.Errors, s.AvgMS, s.P95MS, s.P99MS, s.MaxMS, s.TotalMS)
	}

	fmt.Fprintf(b, "\nTop methods by total time (%d)\n", len(r.Methods))
	fmt.Fprintf(b, "%-48s %-16s %8s %6s %10s %10s %10s %10s\n",
		"METHOD", "LAYER", "COUNT", "ERRORS", "AVG ms", "P95 ms", "MAX ms", "TOTAL ms")
	for _, m := range head(r.Methods) {
		name := m.Module + "." + m.Method
		if m.Class != "" {
			name = m.Module + "." + m.Class + "." + m.Method
		}
		fmt.Fprintf(b, "%-48s %-16s %8d %6d %10.2f %10.2f %10.2f %10.1f\n",
			cell(name, 48), cell(m.Layer, 16), m.Count, m.Errors, m.AvgMS, m.P95MS, m.MaxMS, m.TotalMS)
	}

	if len(r.SQL) > 0 {
		fmt.Fprintf(b, "\nSQL statements (%d)\n", len(r.SQL))
		fmt.Fprintf(b, "%-56s %8s %6s %10s %10s %10s %s\n",
			"STATEMENT", "COUNT", "ERRORS", "AVG ms", "MAX ms", "TOTAL ms", "TRENDED")
		for _, s := range head(r.SQL) {
			fmt.Fprintf(b, "%-56s %8d %6d %10.2f %10.2f %10.1f %v\n",
				cell(s.Statement, 56), s.Count, s.Errors, s.AvgMS, s.MaxMS, s.TotalMS, s.Trended)
		}
	}
	if len(r.Outbound) > 0 {
		fmt.Fprintf(b, "\nOutbound calls (%d)\n", len(r.Outbound))
		fmt.Fprintf(b, "%-56s %8s %6s %10s %10s %10s\n", "TARGET", "COUNT", "ERRORS", "AVG ms", "MAX ms", "TOTAL ms")
		for _, o := range head(r.Outbound) {
			fmt.Fprintf(b, "%-56s %8d %6d %10.2f %10.2f %10.1f\n",
				cell(o.Target, 56), o.Count, o.Errors, o.AvgMS, o.MaxMS, o.TotalMS)
		}
	}
	if len(r.Layers) > 0 {
		fmt.Fprintf(b, "\nLayers by exclusive time (%d)\n", len(r.Layers))
		fmt.Fprintf(b, "%-32s %-16s %10s %14s %14s\n", "LAYER", "TYPE", "CALLS", "EXCLUSIVE ms", "PER FRAG ms")
		for _, l := range head(r.Layers) {
			fmt.Fprintf(b, "%-32s %-16s %10d %14.1f %14.2f\n",
				cell(l.Layer, 32), l.LayerType, l.Calls, l.ExclusiveMS, l.AvgMS)
		}
	}
	t := r.Trimmed
	fmt.Fprintf(b, "\nLost: dropped events %d, unmatched exits %d, unwound calls %d, incomplete fragments %d\n",
		r.DroppedEvents, r.UnmatchedExits, r.UnwoundCalls, r.IncompleteFragments)
	fmt.Fprintf(b, "Trimmed from trees: depth %d, latency %d, calls %d, method_trim %d, layer_recurse %d; fragments without tree %d\n",
		t.Depth, t.Latency, t.Calls, t.MethodTrim, t.LayerRecurse, t.Fragments)
	if m := r.Mediator; m != nil {
		fmt.Fprintf(b, "Mediator %s %s (%s): spans exported %d, buffered %d, replayed %d, overflowed %d, pending %d; outages %d\n",
			m.Protocol, m.Endpoint, m.ChannelType, m.SpansExported, m.SpansBuffered, m.SpansReplayed,
			m.SpansOverflowed, m.SpansPending, m.Outages)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("writing the console report: %w", err)
	}
	return nil
}

// head returns the first consoleTop rows.
func head[T any](rows []T) []T {
	return rows[:min(len(rows), consoleTop)]
}

// cell fits s into width columns, marking a cut with "…", and keeps the
// table aligned when s has control characters.
func cell(s string, width int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
	if s == "" {
		return "-"
	}
	runes := []rune(s)
	if len(runes) <= width {
		return s + strings.Repeat(" ", width-len(runes))
	}
	return string(runes[:width-1]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
