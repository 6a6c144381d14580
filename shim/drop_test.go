package shim

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// gatedSink holds every Submit until the gate opens: a tracer that cannot
// keep up.
type gatedSink struct {
	*recSink
	gate chan struct{}
}

func (g gatedSink) Submit(b []pipeline.Event) {
	<-g.gate
	g.recSink.Submit(b)
}

// TestDropsAreCounted: when the tracer cannot keep up, the shim's queue
// stays bounded: records past it are dropped and counted, and every record
// is either delivered or counted.
func TestDropsAreCounted(t *testing.T) {
	script, _ := filepath.Abs("testdata/many.py")
	const calls = 800_000 // 38 MB of records: more than the socket buffers hold
	var pythons []string
	for _, py := range supportedPythons(t) {
		if strings.Contains(py, "/3.11") || strings.Contains(py, "/3.13") { // one per engine
			pythons = append(pythons, py)
		}
	}
	for _, py := range pythons {
		py := py
		t.Run(pyName(py), func(t *testing.T) {
			t.Parallel()
			sink := gatedSink{newRecSink(), make(chan struct{})}
			s, _ := startServer(t, testPoints(), func(o *Options) {
				o.Sink = sink
				o.MaxQueued = 1000
			})
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, py, script, strconv.Itoa(calls))
			cmd.Env = s.Env(os.Environ())
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if cmd.ProcessState == nil {
					_ = cmd.Process.Kill()
				}
			})
			line, _ := bufio.NewReader(out).ReadString('\n')
			close(sink.gate)
			if err := cmd.Wait(); err != nil || line != "recorded\n" {
				t.Fatalf("app: %v, said %q", err, line)
			}
			st := s.Wait(waitTimeout)
			events, _ := sink.snapshot()
			sink.mu.Lock()
			dropped := sink.dropped
			sink.mu.Unlock()
			if dropped == 0 || st.Dropped != dropped {
				t.Errorf("dropped %d (stats %d), want some", dropped, st.Dropped)
			}
			if got := uint64(len(events)) + dropped; got != 2*calls {
				t.Errorf("delivered %d + dropped %d = %d, want every one of %d records", len(events), dropped, got, 2*calls)
			}
			if st.Events != uint64(len(events)) || len(st.LostAtExit) != 0 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}
