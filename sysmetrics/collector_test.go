package sysmetrics

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
)

func TestSelect(t *testing.T) {
	tests := []struct {
		name string
		kvs  []conf.KeyValue
		want []string
		err  string
	}{
		{"empty: all", nil, allMetrics, ""},
		{"some off", []conf.KeyValue{{Key: "disk", Value: "false", Line: 3}, {Key: "Network", Value: "no", Line: 4}}, nil, ""},
		{"unknown", []conf.KeyValue{{Key: "gpu", Value: "true", Line: 7}}, nil, "probe.conf:7: [SystemMetrics] gpu: unknown metric group"},
		{"not a bool", []conf.KeyValue{{Key: "cpu", Value: "often", Line: 8}}, nil, "probe.conf:8: [SystemMetrics] cpu = \"often\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			on, err := Select(tt.kvs, "probe.conf")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range tt.want {
				if !on[m] {
					t.Errorf("%s not selected", m)
				}
			}
			if tt.name == "some off" && (on["disk"] || on["network"]) {
				t.Errorf("selected %v", on)
			}
		})
	}
}

func TestSampleHostAndProcess(t *testing.T) {
	pid := int32(os.Getpid())
	c, err := New(Options{Rate: time.Hour, PIDs: func() []int32 { return []int32{pid, 1 << 30} }})
	if err != nil {
		t.Fatal(err)
	}
	c.Start(context.Background())
	c.Close() // takes one sample
	s := c.Latest()
	if s == nil {
		t.Fatal("no sample")
	}
	if s.MemTotalBytes == 0 || s.MemUsedPercent <= 0 {
		t.Errorf("host sample %+v", s)
	}
	if len(s.Processes) != 1 {
		t.Fatalf("processes %+v, want this test's only (the other pid does not exist)", s.Processes)
	}
	p := s.Processes[0]
	if p.PID != pid || p.RSSBytes == 0 || p.Threads < 1 || p.OpenFiles < 3 {
		t.Errorf("process sample %+v", p)
	}
	r := c.Report()
	if len(r.Samples) != 1 || len(r.Metrics) != len(allMetrics) || r.SamplingRateS != 3600 {
		t.Errorf("report %+v", r)
	}
}

func TestSamplesBounded(t *testing.T) {
	c, err := New(Options{Rate: time.Hour, Metrics: []conf.KeyValue{{Key: "cpu", Value: "false"}, {Key: "disk", Value: "false"},
		{Key: "network", Value: "false"}, {Key: "process", Value: "false"}, {Key: "load", Value: "false"}}})
	if err != nil {
		t.Fatal(err)
	}
	for range maxSamples + 10 {
		c.Sample(context.Background())
	}
	r := c.Report()
	if len(r.Samples) > maxSamples || r.DroppedSamples == 0 || uint64(len(r.Samples))+r.DroppedSamples != maxSamples+10 {
		t.Errorf("%d samples, %d dropped", len(r.Samples), r.DroppedSamples)
	}
}
