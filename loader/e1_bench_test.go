package loader

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// BenchmarkProgramPerCall measures, with the kernel's BPF statistics, the
// time the eval program itself spends per Python call of a fib whose every
// call is matched (or, for session-nothing-selected, none is): what the
// engine adds to the trap and return of a probe. One op is one Python call.
func BenchmarkProgramPerCall(b *testing.B) {
	py := "/usr/bin/python3.11"
	if _, err := os.Stat(py); err != nil {
		b.Skip("needs /usr/bin/python3.11")
	}
	stats, err := ebpf.EnableStats(uint32(unix.BPF_STATS_RUN_TIME))
	if err != nil {
		b.Skipf("BPF statistics: %v", err)
	}
	defer stats.Close()
	dir := b.TempDir()
	script := filepath.Join(dir, "fib.py")
	os.WriteFile(script, []byte("import sys\ndef fib(n):\n    return n if n < 2 else fib(n-1) + fib(n-2)\nfib(int(sys.argv[1]))\n"), 0o644)
	points := func(method string) []*conf.Point {
		path := filepath.Join(dir, method+".point")
		os.WriteFile(path, []byte("[F]\nmodule = ^fib$\nmethod = ^"+method+"$\nlayer = F\n"), 0o644)
		pts, err := conf.LoadPoints(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		return pts
	}
	fib, nothing := points("fib"), points("nothing")
	for _, mode := range []struct {
		name string
		opts E1Options
		pts  []*conf.Point
	}{
		{"session", E1Options{}, fib},
		{"pair", E1Options{NoSession: true}, fib},
		{"session-nothing-selected", E1Options{}, nothing},
	} {
		b.Run(mode.name, func(b *testing.B) {
			e1, err := LoadE1(mode.opts)
			if err != nil {
				b.Fatal(err)
			}
			defer e1.Close()
			pipe := pipeline.New(pipeline.Options{})
			pipe.Start(context.Background())
			defer pipe.Close()
			sess, _ := NewSession(e1, SessionOptions{Matcher: matcher.New(mode.pts, matcher.Options{}), Sink: pipe})
			go sess.Run(context.Background())
			interp, err := FindForCommand(py, os.Environ())
			if err != nil {
				b.Fatal(err)
			}
			t, err := sess.newTarget(interp)
			if err != nil {
				b.Fatal(err)
			}
			if err := e1.attach(t, 0); err != nil {
				b.Fatal(err)
			}
			n := fibN(b.N)
			cmd := exec.Command(py, script, strconv.Itoa(n))
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			// The process is traced from here on; its first calls may be
			// missed (this is not the gated launch): the stats count runs.
			sess.Trace(cmd.Process.Pid, interp)
			b.ResetTimer()
			cmd.Wait()
			b.StopTimer()
			sess.Stop(0)
			var run, cnt float64
			for _, p := range []*ebpf.Program{e1.objs.EvalSession, e1.objs.EvalEntry, e1.objs.EvalReturn, e1.objs.EvalEntryMulti, e1.objs.EvalReturnMulti} {
				if p == nil {
					continue
				}
				if s, err := p.Stats(); err == nil {
					run += float64(s.Runtime.Nanoseconds())
					cnt += float64(s.RunCount)
				}
			}
			calls := float64(fibCalls(n))
			b.ReportMetric(run/calls, "bpf-ns/call")
			b.ReportMetric(cnt/calls, "runs/call")
		})
	}
}

func fibN(ops int) int {
	n := 15
	for fibCalls(n) < ops && n < 30 {
		n++
	}
	return n
}

func fibCalls(n int) int {
	if n < 2 {
		return 1
	}
	return 1 + fibCalls(n-1) + fibCalls(n-2)
}
