package mediator

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// latencyBuckets are the semantic conventions' advised boundaries for
// http.server.request.duration, in seconds.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// instruments creates the probe's metrics. Request durations are recorded
// as fragments finish; method and SQL statistics, losses, system metrics
// and the heartbeat are observed at each export (every keep_alive_interval).
func (m *Mediator) instruments(opts Options) error {
	meter := m.mp.Meter("github.com/hpdiag/hpdiag-trace")
	var err error
	wrap := func(name string, e error) {
		if e != nil && err == nil {
			err = fmt.Errorf("mediator metric %s: %w", name, e)
		}
	}
	m.reqDur, err = meter.Float64Histogram("http.server.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP server requests."), metric.WithExplicitBucketBoundaries(latencyBuckets...))
	wrap("http.server.request.duration", err)
	var e error
	m.pseudoDur, e = meter.Float64Histogram("hpdiag.server_request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of Pseudo server requests (not HTTP)."), metric.WithExplicitBucketBoundaries(latencyBuckets...))
	wrap("hpdiag.server_request.duration", e)

	uptime, e := meter.Float64ObservableGauge("hpdiag.probe.uptime", metric.WithUnit("s"),
		metric.WithDescription("Seconds since the probe started: the heartbeat, sent every keep_alive_interval."))
	wrap("hpdiag.probe.uptime", e)
	overflow, e := meter.Int64ObservableCounter("hpdiag.mediator.spans.overflowed", metric.WithUnit("{span}"),
		metric.WithDescription("Spans lost because the on-disk buffer was full."))
	wrap("hpdiag.mediator.spans.overflowed", e)
	pending, e := meter.Int64ObservableGauge("hpdiag.mediator.spans.pending", metric.WithUnit("{span}"),
		metric.WithDescription("Spans waiting in the on-disk buffer."))
	wrap("hpdiag.mediator.spans.pending", e)
	obs := []metric.Observable{uptime, overflow, pending}

	var calls, errs, dropped metric.Int64ObservableCounter
	var total metric.Float64ObservableCounter
	if opts.Snapshot != nil {
		calls, e = meter.Int64ObservableCounter("hpdiag.method.calls", metric.WithUnit("{call}"),
			metric.WithDescription("Calls of each matched method (every call, trimmed or not)."))
		wrap("hpdiag.method.calls", e)
		errs, e = meter.Int64ObservableCounter("hpdiag.method.errors", metric.WithUnit("{call}"),
			metric.WithDescription("Calls of each matched method that raised."))
		wrap("hpdiag.method.errors", e)
		total, e = meter.Float64ObservableCounter("hpdiag.method.duration.total", metric.WithUnit("s"),
			metric.WithDescription("Total time in each matched method."))
		wrap("hpdiag.method.duration.total", e)
		dropped, e = meter.Int64ObservableCounter("hpdiag.probe.dropped_events", metric.WithUnit("{event}"),
			metric.WithDescription("Events the engines lost."))
		wrap("hpdiag.probe.dropped_events", e)
		obs = append(obs, calls, errs, total, dropped)
	}
	sys := m.systemInstruments(meter, opts.System != nil, wrap)
	obs = append(obs, sys.observables()...)
	if err != nil {
		return err
	}
	_, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveFloat64(uptime, time.Since(m.start).Seconds())
		st := m.Stats()
		o.ObserveInt64(overflow, int64(st.SpansOverflowed))
		o.ObserveInt64(pending, int64(st.SpansPending))
		if opts.Snapshot != nil {
			r := opts.Snapshot()
			o.ObserveInt64(dropped, int64(r.DroppedEvents))
			for _, ms := range r.Methods {
				fn := ms.Module + "." + ms.Method
				if ms.Class != "" {
					fn = ms.Module + "." + ms.Class + "." + ms.Method
				}
				set := metric.WithAttributes(semconv.CodeFunctionName(fn), attribute.String("hpdiag.layer", ms.Layer))
				o.ObserveInt64(calls, int64(ms.Count), set)
				o.ObserveInt64(errs, int64(ms.Errors), set)
				o.ObserveFloat64(total, ms.TotalMS/1000, set)
			}
		}
		if opts.System != nil {
			if s := opts.System(); s != nil {
				sys.observe(o, s)
			}
		}
		return nil
	}, obs...)
	if err != nil {
		return fmt.Errorf("mediator metrics: %w", err)
	}
	return nil
}

// record adds a finished fragment to the request duration histograms.
func (m *Mediator) record(f *pipeline.FinishedFragment) {
	secs := f.Duration.Seconds()
	if f.Type != "HTTP" {
		m.pseudoDur.Record(context.Background(), secs, metric.WithAttributes(
			attribute.String("hpdiag.server_request.name", f.Name), attribute.Bool("hpdiag.error", f.Error)))
		return
	}
	attrs := []attribute.KeyValue{semconv.HTTPRoute(f.Name)}
	method := f.HTTPMethod
	if method == "" {
		method = "_OTHER"
	}
	attrs = append(attrs, semconv.HTTPRequestMethodKey.String(method))
	if f.HTTPStatus > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(f.HTTPStatus))
	}
	if f.Error {
		errType := "exception"
		if f.HTTPStatus >= 500 {
			errType = strconv.Itoa(f.HTTPStatus)
		}
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
	}
	m.reqDur.Record(context.Background(), secs, metric.WithAttributes(attrs...))
}

// sysInstruments are the system metrics, named as in the semantic
// conventions for system and process metrics.
type sysInstruments struct {
	on                                        bool
	cpu, memUtil, fsUtil, procCPU             metric.Float64ObservableGauge
	load1, load5, load15                      metric.Float64ObservableGauge
	memUsage, procRSS, procThreads, procFiles metric.Int64ObservableGauge
	diskIO, netIO                             metric.Int64ObservableCounter
}

func (m *Mediator) systemInstruments(meter metric.Meter, on bool, wrap func(string, error)) *sysInstruments {
	s := &sysInstruments{on: on}
	if !on {
		return s
	}
	fg := func(name, unit, desc string) metric.Float64ObservableGauge {
		g, err := meter.Float64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(desc))
		wrap(name, err)
		return g
	}
	ig := func(name, unit, desc string) metric.Int64ObservableGauge {
		g, err := meter.Int64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(desc))
		wrap(name, err)
		return g
	}
	ic := func(name, unit, desc string) metric.Int64ObservableCounter {
		c, err := meter.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		wrap(name, err)
		return c
	}
	s.cpu = fg("system.cpu.utilization", "1", "Host CPU utilization, all CPUs.")
	s.memUtil = fg("system.memory.utilization", "1", "Fraction of host memory used.")
	s.memUsage = ig("system.memory.usage", "By", "Host memory used.")
	s.fsUtil = fg("system.filesystem.utilization", "1", "Fraction used of the file system of the working directory.")
	s.load1 = fg("system.cpu.load_average.1m", "{thread}", "Load average over 1 minute.")
	s.load5 = fg("system.cpu.load_average.5m", "{thread}", "Load average over 5 minutes.")
	s.load15 = fg("system.cpu.load_average.15m", "{thread}", "Load average over 15 minutes.")
	s.diskIO = ic("system.disk.io", "By", "Bytes read and written, all disks.")
	s.netIO = ic("system.network.io", "By", "Bytes received and sent, all interfaces.")
	s.procCPU = fg("process.cpu.utilization", "1", "CPU utilization of a traced process.")
	s.procRSS = ig("process.memory.usage", "By", "Resident memory of a traced process.")
	s.procThreads = ig("process.thread.count", "{thread}", "Threads of a traced process.")
	s.procFiles = ig("process.unix.file_descriptor.count", "{file_descriptor}", "Open files of a traced process.")
	return s
}

func (s *sysInstruments) observables() []metric.Observable {
	if !s.on {
		return nil
	}
	return []metric.Observable{s.cpu, s.memUtil, s.memUsage, s.fsUtil, s.load1, s.load5, s.load15,
		s.diskIO, s.netIO, s.procCPU, s.procRSS, s.procThreads, s.procFiles}
}

func (s *sysInstruments) observe(o metric.Observer, x *pipeline.SystemSample) {
	o.ObserveFloat64(s.cpu, x.CPUPercent/100)
	o.ObserveFloat64(s.memUtil, x.MemUsedPercent/100)
	o.ObserveInt64(s.memUsage, int64(x.MemUsedBytes))
	o.ObserveFloat64(s.fsUtil, x.DiskUsedPct/100)
	o.ObserveFloat64(s.load1, x.Load1)
	o.ObserveFloat64(s.load5, x.Load5)
	o.ObserveFloat64(s.load15, x.Load15)
	read := metric.WithAttributes(attribute.String("disk.io.direction", "read"))
	write := metric.WithAttributes(attribute.String("disk.io.direction", "write"))
	o.ObserveInt64(s.diskIO, int64(x.DiskReadBytes), read)
	o.ObserveInt64(s.diskIO, int64(x.DiskWriteBytes), write)
	o.ObserveInt64(s.netIO, int64(x.NetRecvBytes), metric.WithAttributes(attribute.String("network.io.direction", "receive")))
	o.ObserveInt64(s.netIO, int64(x.NetSentBytes), metric.WithAttributes(attribute.String("network.io.direction", "transmit")))
	for _, p := range x.Processes {
		pid := metric.WithAttributes(semconv.ProcessPID(int(p.PID)))
		o.ObserveFloat64(s.procCPU, p.CPUPercent/100, pid)
		o.ObserveInt64(s.procRSS, int64(p.RSSBytes), pid)
		o.ObserveInt64(s.procThreads, int64(p.Threads), pid)
		o.ObserveInt64(s.procFiles, int64(p.OpenFiles), pid)
	}
}
