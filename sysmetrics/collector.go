package sysmetrics

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/load"
	"github.com/shirou/gopsutil/v4/mem"
	psnet "github.com/shirou/gopsutil/v4/net"
	"github.com/shirou/gopsutil/v4/process"
	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// The metric groups [SystemMetrics] can name.
const (
	MetricCPU     = "cpu"
	MetricMemory  = "memory"
	MetricDisk    = "disk"
	MetricNetwork = "network"
	MetricLoad    = "load"
	MetricProcess = "process"
)

var allMetrics = []string{MetricCPU, MetricMemory, MetricDisk, MetricNetwork, MetricLoad, MetricProcess}

// maxSamples bounds the samples kept for the report; beyond it every other
// sample is dropped (and counted), so a long run keeps its whole span at a
// coarser step.
const maxSamples = 2048

// Options configure a Collector.
type Options struct {
	Rate time.Duration // sampling_rate
	// Metrics is the [SystemMetrics] namespace: "group = true|false" for
	// the groups cpu, memory, disk, network, load, process. Empty: all.
	Metrics    []conf.KeyValue
	ConfigFile string // for messages
	// PIDs returns the traced processes to sample.
	PIDs func() []int32
	Log  logrus.FieldLogger
}

// Collector samples the host and the traced processes.
type Collector struct {
	rate  time.Duration
	on    map[string]bool
	pids  func() []int32
	log   logrus.FieldLogger
	procs map[int32]*process.Process

	mu      sync.Mutex
	samples []pipeline.SystemSample
	dropped uint64

	cancel context.CancelFunc
	done   chan struct{}
}

// Select reads [SystemMetrics]: which groups to collect. An unknown group or
// a value that is not a boolean is an error naming file:line and the fix.
func Select(kvs []conf.KeyValue, file string) (map[string]bool, error) {
	on := map[string]bool{}
	if len(kvs) == 0 {
		for _, m := range allMetrics {
			on[m] = true
		}
		return on, nil
	}
	for _, kv := range kvs {
		key := strings.ToLower(strings.TrimSpace(kv.Key))
		known := false
		for _, m := range allMetrics {
			known = known || m == key
		}
		if !known {
			return nil, fmt.Errorf("%s:%d: [SystemMetrics] %s: unknown metric group; use %s", file, kv.Line, kv.Key, strings.Join(allMetrics, ", "))
		}
		v, ok := parseBool(kv.Value)
		if !ok {
			return nil, fmt.Errorf("%s:%d: [SystemMetrics] %s = %q: want true or false (yes/no, on/off, 1/0)", file, kv.Line, kv.Key, kv.Value)
		}
		on[key] = v
	}
	return on, nil
}

// New checks the options; Start samples.
func New(opts Options) (*Collector, error) {
	on, err := Select(opts.Metrics, opts.ConfigFile)
	if err != nil {
		return nil, err
	}
	if opts.Rate <= 0 {
		return nil, fmt.Errorf("%s: [SystemMetricsCollector] sampling_rate %s: must be positive", opts.ConfigFile, opts.Rate)
	}
	log := opts.Log
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	pids := opts.PIDs
	if pids == nil {
		pids = func() []int32 { return nil }
	}
	return &Collector{rate: opts.Rate, on: on, pids: pids, log: log, procs: map[int32]*process.Process{}}, nil
}

// SetPIDs sets the function listing the traced processes, before Start.
func (c *Collector) SetPIDs(pids func() []int32) { c.pids = pids }

// Start samples every sampling_rate until Close or ctx ends.
func (c *Collector) Start(ctx context.Context) {
	ctx, c.cancel = context.WithCancel(ctx)
	c.done = make(chan struct{})
	// CPU percentages compare with the previous call: prime them.
	_, _ = cpu.PercentWithContext(ctx, 0, false)
	go func() {
		defer close(c.done)
		t := time.NewTicker(c.rate)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.Sample(ctx)
			}
		}
	}()
}

// Close stops sampling, taking a last sample so even a short run has one.
func (c *Collector) Close() {
	if c.cancel != nil {
		c.cancel()
		<-c.done
	}
	c.Sample(context.Background())
}

// Metrics lists the groups collected.
func (c *Collector) Metrics() []string {
	var out []string
	for _, m := range allMetrics {
		if c.on[m] {
			out = append(out, m)
		}
	}
	return out
}

// Latest returns the last sample, or nil.
func (c *Collector) Latest() *pipeline.SystemSample {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.samples) == 0 {
		return nil
	}
	s := c.samples[len(c.samples)-1]
	s.Processes = append([]pipeline.ProcessSample(nil), s.Processes...)
	return &s
}

// Report returns every kept sample, for the report.
func (c *Collector) Report() *pipeline.SystemMetricsReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &pipeline.SystemMetricsReport{
		SamplingRateS:  c.rate.Seconds(),
		Metrics:        c.Metrics(),
		Samples:        append([]pipeline.SystemSample{}, c.samples...),
		DroppedSamples: c.dropped,
	}
}

// Sample reads every selected metric once and keeps the sample. What
// cannot be read stays zero (logged at debug level).
func (c *Collector) Sample(ctx context.Context) pipeline.SystemSample {
	s := pipeline.SystemSample{Time: time.Now(), Processes: []pipeline.ProcessSample{}}
	warn := func(what string, err error) {
		if err != nil {
			c.log.Debugf("system metrics: %s: %v", what, err)
		}
	}
	if c.on[MetricCPU] {
		p, err := cpu.PercentWithContext(ctx, 0, false)
		if err == nil && len(p) > 0 {
			s.CPUPercent = p[0]
		}
		warn("cpu", err)
	}
	if c.on[MetricMemory] {
		v, err := mem.VirtualMemoryWithContext(ctx)
		if err == nil {
			s.MemUsedPercent, s.MemUsedBytes, s.MemTotalBytes = v.UsedPercent, v.Used, v.Total
		}
		warn("memory", err)
	}
	if c.on[MetricLoad] {
		a, err := load.AvgWithContext(ctx)
		if err == nil {
			s.Load1, s.Load5, s.Load15 = a.Load1, a.Load5, a.Load15
		}
		warn("load", err)
	}
	if c.on[MetricDisk] {
		wd, _ := os.Getwd()
		u, err := disk.UsageWithContext(ctx, wd)
		if err == nil {
			s.DiskUsedPct = u.UsedPercent
		}
		warn("disk usage", err)
		io, err := disk.IOCountersWithContext(ctx)
		for _, d := range io {
			s.DiskReadBytes += d.ReadBytes
			s.DiskWriteBytes += d.WriteBytes
		}
		warn("disk io", err)
	}
	if c.on[MetricNetwork] {
		n, err := psnet.IOCountersWithContext(ctx, false)
		if err == nil && len(n) > 0 {
			s.NetRecvBytes, s.NetSentBytes = n[0].BytesRecv, n[0].BytesSent
		}
		warn("network", err)
	}
	if c.on[MetricProcess] {
		s.Processes = c.processes(ctx)
	}
	c.mu.Lock()
	c.samples = append(c.samples, s)
	if len(c.samples) > maxSamples {
		kept := c.samples[:0]
		for i, x := range c.samples {
			if i%2 == 0 || i == len(c.samples)-1 {
				kept = append(kept, x)
			} else {
				c.dropped++
			}
		}
		c.samples = kept
	}
	c.mu.Unlock()
	return s
}

// processes samples the traced processes that still run.
func (c *Collector) processes(ctx context.Context) []pipeline.ProcessSample {
	out := []pipeline.ProcessSample{}
	live := map[int32]bool{}
	for _, pid := range c.pids() {
		p := c.procs[pid]
		if p == nil {
			var err error
			if p, err = process.NewProcessWithContext(ctx, pid); err != nil {
				continue // gone
			}
			c.procs[pid] = p
			_, _ = p.PercentWithContext(ctx, 0) // prime the CPU delta
		}
		live[pid] = true
		ps := pipeline.ProcessSample{PID: pid}
		if v, err := p.PercentWithContext(ctx, 0); err == nil {
			ps.CPUPercent = v
		}
		if m, err := p.MemoryInfoWithContext(ctx); err == nil {
			ps.RSSBytes = m.RSS
		} else {
			continue // exited between the list and now
		}
		if n, err := p.NumThreadsWithContext(ctx); err == nil {
			ps.Threads = n
		}
		if n, err := p.NumFDsWithContext(ctx); err == nil {
			ps.OpenFiles = n
		}
		out = append(out, ps)
	}
	for pid := range c.procs {
		if !live[pid] {
			delete(c.procs, pid)
		}
	}
	return out
}

// parseBool reads a boolean as ConfigParser.getboolean does.
func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "yes", "true", "on":
		return true, true
	case "0", "no", "false", "off":
		return false, true
	}
	return false, false
}
