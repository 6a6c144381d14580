package probehttp

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// WritePrometheus writes a report in the Prometheus text exposition format
// (version 0.0.4): server requests as summaries (p95, p99), methods, SQL
// and outbound calls as counters, losses, mediator and system metrics.
func WritePrometheus(w io.Writer, r *pipeline.Report, uptime time.Duration) error {
	p := &promWriter{b: bufio.NewWriter(w)}
	p.family("hpdiag_uptime_seconds", "gauge", "Seconds since the probe started.")
	p.sample("hpdiag_uptime_seconds", nil, uptime.Seconds())
	p.family("hpdiag_events_total", "counter", "Events received from the engines.")
	p.sample("hpdiag_events_total", nil, float64(r.Events))
	p.family("hpdiag_fragments_total", "counter", "Server request instances finished.")
	p.sample("hpdiag_fragments_total", nil, float64(r.Fragments))
	p.family("hpdiag_dropped_events_total", "counter", "Events the engines lost.")
	p.sample("hpdiag_dropped_events_total", nil, float64(r.DroppedEvents))

	p.family("hpdiag_server_request_duration_seconds", "summary", "Latency of server requests.")
	for _, s := range r.ServerRequests {
		l := []string{"name", s.Name, "type", s.Type}
		p.sample("hpdiag_server_request_duration_seconds", append(l, "quantile", "0.95"), s.P95MS/1000)
		p.sample("hpdiag_server_request_duration_seconds", append(l, "quantile", "0.99"), s.P99MS/1000)
		p.sample("hpdiag_server_request_duration_seconds_sum", l, s.TotalMS/1000)
		p.sample("hpdiag_server_request_duration_seconds_count", l, float64(s.Count))
	}
	p.family("hpdiag_server_request_errors_total", "counter", "Server requests that failed.")
	for _, s := range r.ServerRequests {
		p.sample("hpdiag_server_request_errors_total", []string{"name", s.Name, "type", s.Type}, float64(s.Errors))
	}
	p.family("hpdiag_method_calls_total", "counter", "Calls of each matched method.")
	for _, m := range r.Methods {
		p.sample("hpdiag_method_calls_total", methodLabels(m), float64(m.Count))
	}
	p.family("hpdiag_method_errors_total", "counter", "Calls of each matched method that raised.")
	for _, m := range r.Methods {
		p.sample("hpdiag_method_errors_total", methodLabels(m), float64(m.Errors))
	}
	p.family("hpdiag_method_duration_seconds_total", "counter", "Total time in each matched method.")
	for _, m := range r.Methods {
		p.sample("hpdiag_method_duration_seconds_total", methodLabels(m), m.TotalMS/1000)
	}
	p.family("hpdiag_sql_calls_total", "counter", "Executions of each SQL statement (as sql_parsing_mode keys them).")
	for _, s := range r.SQL {
		p.sample("hpdiag_sql_calls_total", []string{"statement", s.Statement}, float64(s.Count))
	}
	p.family("hpdiag_sql_duration_seconds_total", "counter", "Total time of each SQL statement.")
	for _, s := range r.SQL {
		p.sample("hpdiag_sql_duration_seconds_total", []string{"statement", s.Statement}, s.TotalMS/1000)
	}
	p.family("hpdiag_outbound_calls_total", "counter", "Outbound calls to each target.")
	for _, o := range r.Outbound {
		p.sample("hpdiag_outbound_calls_total", []string{"target", o.Target}, float64(o.Count))
	}
	p.family("hpdiag_layer_exclusive_seconds_total", "counter", "Exclusive time of each layer.")
	for _, l := range r.Layers {
		p.sample("hpdiag_layer_exclusive_seconds_total", []string{"layer", l.Layer, "layer_type", l.LayerType}, l.ExclusiveMS/1000)
	}
	if m := r.Mediator; m != nil {
		p.family("hpdiag_mediator_up", "gauge", "1 when the mediator took the last batch.")
		up := 0.0
		if m.Connected {
			up = 1
		}
		p.sample("hpdiag_mediator_up", nil, up)
		for _, c := range []struct {
			name, help string
			v          uint64
		}{
			{"hpdiag_mediator_spans_exported_total", "Spans the mediator accepted.", m.SpansExported},
			{"hpdiag_mediator_spans_buffered_total", "Spans written to the on-disk buffer.", m.SpansBuffered},
			{"hpdiag_mediator_spans_overflowed_total", "Spans lost: the on-disk buffer was full.", m.SpansOverflowed},
		} {
			p.family(c.name, "counter", c.help)
			p.sample(c.name, nil, float64(c.v))
		}
		p.family("hpdiag_mediator_spans_pending", "gauge", "Spans waiting in the on-disk buffer.")
		p.sample("hpdiag_mediator_spans_pending", nil, float64(m.SpansPending))
	}
	if sm := r.SystemMetrics; sm != nil && len(sm.Samples) > 0 {
		writeSystem(p, &sm.Samples[len(sm.Samples)-1])
	}
	return p.b.Flush()
}

func writeSystem(p *promWriter, s *pipeline.SystemSample) {
	for _, g := range []struct {
		name, help string
		v          float64
	}{
		{"hpdiag_system_cpu_percent", "Host CPU use, all CPUs.", s.CPUPercent},
		{"hpdiag_system_memory_used_percent", "Host memory used.", s.MemUsedPercent},
		{"hpdiag_system_memory_used_bytes", "Host memory used.", float64(s.MemUsedBytes)},
		{"hpdiag_system_load1", "Load average, 1 minute.", s.Load1},
		{"hpdiag_system_load5", "Load average, 5 minutes.", s.Load5},
		{"hpdiag_system_load15", "Load average, 15 minutes.", s.Load15},
		{"hpdiag_system_disk_used_percent", "File system of the working directory, used.", s.DiskUsedPct},
		{"hpdiag_system_disk_read_bytes", "Bytes read, all disks.", float64(s.DiskReadBytes)},
		{"hpdiag_system_disk_written_bytes", "Bytes written, all disks.", float64(s.DiskWriteBytes)},
		{"hpdiag_system_network_received_bytes", "Bytes received, all interfaces.", float64(s.NetRecvBytes)},
		{"hpdiag_system_network_sent_bytes", "Bytes sent, all interfaces.", float64(s.NetSentBytes)},
	} {
		p.family(g.name, "gauge", g.help)
		p.sample(g.name, nil, g.v)
	}
	for _, f := range []struct {
		name, help string
		v          func(pipeline.ProcessSample) float64
	}{
		{"hpdiag_process_cpu_percent", "CPU use of a traced process.", func(x pipeline.ProcessSample) float64 { return x.CPUPercent }},
		{"hpdiag_process_rss_bytes", "Resident memory of a traced process.", func(x pipeline.ProcessSample) float64 { return float64(x.RSSBytes) }},
		{"hpdiag_process_threads", "Threads of a traced process.", func(x pipeline.ProcessSample) float64 { return float64(x.Threads) }},
		{"hpdiag_process_open_files", "Open files of a traced process.", func(x pipeline.ProcessSample) float64 { return float64(x.OpenFiles) }},
	} {
		p.family(f.name, "gauge", f.help)
		for _, ps := range s.Processes {
			p.sample(f.name, []string{"pid", strconv.Itoa(int(ps.PID))}, f.v(ps))
		}
	}
}

func methodLabels(m pipeline.MethodStat) []string {
	return []string{"module", m.Module, "class", m.Class, "method", m.Method, "layer", m.Layer}
}

// promWriter writes families and samples; label values are escaped as the
// format requires.
type promWriter struct {
	b *bufio.Writer
}

func (p *promWriter) family(name, typ, help string) {
	fmt.Fprintf(p.b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// sample writes name{k="v",...} value; labels alternate keys and values.
func (p *promWriter) sample(name string, labels []string, v float64) {
	p.b.WriteString(name)
	if len(labels) > 0 {
		p.b.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				p.b.WriteByte(',')
			}
			p.b.WriteString(labels[i])
			p.b.WriteString(`="`)
			p.b.WriteString(labelEscaper.Replace(labels[i+1]))
			p.b.WriteByte('"')
		}
		p.b.WriteByte('}')
	}
	p.b.WriteByte(' ')
	p.b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	p.b.WriteByte('\n')
}
