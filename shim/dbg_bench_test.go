package shim

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

type nullSink struct{}

func (nullSink) NewBatch() []pipeline.Event             { return make([]pipeline.Event, 0, 1024) }
func (nullSink) Submit([]pipeline.Event)                {}
func (nullSink) AddDropped(uint64)                      {}
func (nullSink) SetProcess(int32, pipeline.ProcessInfo) {}

func timeRun(env []string, argv ...string) time.Duration {
	best := time.Hour
	for i := 0; i < 5; i++ {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			panic(fmt.Sprint(err, string(out)))
		}
		if d := time.Since(start); d < best {
			best = d
		}
	}
	return best
}

func TestDbgBench(t *testing.T) {
	if os.Getenv("DBG_BENCH") == "" {
		t.Skip()
	}
	fib := "/work/main/bench/workloads/fib.py"
	empty := "/work/main/bench/workloads/empty.py"
	const calls = 242785
	sel := []*conf.Point{point("Fib", "^fib$", "", "^fib$")}
	none := []*conf.Point{point("None", "^fib$", "", "^no_such_function$")}
	for _, py := range []string{"/root/.pyenv/versions/3.8.18/bin/python3", "/root/.pyenv/versions/3.10.13/bin/python3", "/root/.pyenv/versions/3.11.7/bin/python3", "/root/.pyenv/versions/3.12.1/bin/python3", "/root/.pyenv/versions/3.13.0/bin/python3"} {
		plainE := timeRun(os.Environ(), py, empty)
		plainF := timeRun(os.Environ(), py, fib, "25")
		res := []string{}
		for _, c := range []struct {
			name   string
			points []*conf.Point
			filter bool
		}{{"selected", sel, true}, {"none", none, true}, {"none-nofilter", none, false}} {
			opts := Options{Matcher: matcher.New(c.points, matcher.Options{}), Sink: nullSink{}}
			if c.filter {
				opts.Points = c.points
			}
			s, err := Start(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			env := s.Env(os.Environ())
			e := timeRun(env, py, empty)
			f := timeRun(env, py, fib, "25")
			s.Close()
			res = append(res, fmt.Sprintf("%s: %.0f ns/call (startup %v)", c.name, float64((f-e).Nanoseconds())/calls, e-plainE))
		}
		t.Logf("%s plain %.0f ns/call | %v", py, float64((plainF-plainE).Nanoseconds())/calls, res)
	}
}
