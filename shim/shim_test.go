package shim

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

const waitTimeout = 20 * time.Second

// TestTraceApp runs testdata/app.py on every supported interpreter, plain
// and under the shim, and checks what the shim reports and that the app
// cannot tell the difference.
func TestTraceApp(t *testing.T) {
	app, err := filepath.Abs("testdata/app.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, py := range supportedPythons(t) {
		py := py
		t.Run(pyName(py), func(t *testing.T) {
			t.Parallel()
			plain := run(t, os.Environ(), py, app)
			if plain.code != 7 {
				t.Fatalf("plain run: exit %d\n%s", plain.code, plain.stderr)
			}
			s, sink := startServer(t, testPoints(), nil)
			traced := run(t, s.Env(os.Environ()), py, app)
			st := s.Wait(waitTimeout)
			if traced.stdout != plain.stdout {
				t.Errorf("stdout differs under the shim:\n got %s\nwant %s", traced.stdout, plain.stdout)
			}
			if traced.stderr != plain.stderr || traced.code != plain.code {
				t.Errorf("stderr/exit differ under the shim:\n got %d %q\nwant %d %q", traced.code, traced.stderr, plain.code, plain.stderr)
			}
			if py == "/usr/bin/python3.11" && !strings.Contains(traced.stdout, `"sitecustomize": "/usr/lib/python3.11/sitecustomize.py"`) {
				t.Errorf("Debian's sitecustomize is not the one loaded:\n%s", traced.stdout)
			}
			events, procs := sink.snapshot()
			checkApp(t, py, app, int32(traced.pid), st, events, procs)
		})
	}
}

// checkApp checks the events of one traced run of testdata/app.py.
func checkApp(t *testing.T, py, app string, main int32, st Stats, events []pipeline.Event, procs map[int32]pipeline.ProcessInfo) {
	t.Helper()
	if !st.Connected || st.Processes != 4 || len(st.Refused) != 0 || len(st.Failures) != 0 || st.Dropped != 0 || st.Invalid != 0 || len(st.Running) != 0 {
		t.Errorf("stats = %+v, want 4 processes connected, nothing refused, failed, dropped or running", st)
	}
	if st.Events != uint64(len(events)) {
		t.Errorf("stats count %d events, the sink got %d", st.Events, len(events))
	}
	info := procs[main]
	if !strings.HasPrefix(info.Python, "3.") || info.Executable == "" || len(info.Argv) == 0 || info.Argv[0] != app || info.Parent != 0 {
		t.Errorf("process info of the app = %+v", info)
	}
	children := map[string]int32{}
	for pid, p := range procs {
		if pid == main {
			continue
		}
		if p.Parent != main {
			t.Errorf("process %d: parent %d, want %d", pid, p.Parent, main)
		}
		c := countByMethod(events, pid)
		switch {
		case c["app.run_fork"].enter > 0:
			children["fork"] = pid
		case c["app.mp_work"].enter > 0:
			children["multiprocessing"] = pid
		default:
			children["lost"] = pid
		}
	}
	if len(children) != 3 {
		t.Fatalf("fork children = %v, want a fork child, a multiprocessing child and a lost one", children)
	}
	if want := []Lost{{PID: children["lost"]}}; len(st.LostAtExit) != 1 || st.LostAtExit[0].PID != want[0].PID {
		t.Errorf("lost at exit = %+v, want only the os._exit child %d", st.LostAtExit, children["lost"])
	}
	wantMain := map[string]counts{
		"app.Shop.price":    {600, 600, 0},
		"app.Shop.checkout": {12, 12, 0},
		"app.charge":        {12, 12, 4},
		"app.numbers":       {4, 4, 0}, // a generator: 3 yields and the return
		"app.Shop.tax":      {1, 1, 0},
		"app.Shop.make":     {1, 1, 0},
		"app.describe":      {1, 1, 0},
		"app.nodoc":         {1, 1, 0},
		"app.shout":         {1, 1, 0},
		"app.run_fork":      {1, 1, 0},
		// Each activation of a generator is a call; the raise inside the
		// delegated-to generator leaves both by an exception.
		"app.inner": {2, 2, 1},
		"app.outer": {2, 2, 1},
	}
	if got := countByMethod(events, main); !reflect.DeepEqual(got, wantMain) {
		t.Errorf("events of the app:\n got %v\nwant %v", got, wantMain)
	}
	wantFork := map[string]counts{
		"app.run_fork":    {1, 1, 1}, // resumed at fork; left by SystemExit
		"app.forked_work": {1, 1, 0},
		"app.numbers":     {3, 3, 0},
	}
	if got := countByMethod(events, children["fork"]); !reflect.DeepEqual(got, wantFork) {
		t.Errorf("events of the fork child:\n got %v\nwant %v", got, wantFork)
	}
	wantMP := map[string]counts{
		"app.mp_work":     {1, 1, 0},
		"app.forked_work": {1, 1, 0},
		"app.numbers":     {4, 4, 0},
	}
	if got := countByMethod(events, children["multiprocessing"]); !reflect.DeepEqual(got, wantMP) {
		t.Errorf("events of the multiprocessing child:\n got %v\nwant %v", got, wantMP)
	}
	var prices []string
	for i := 0; i < 50; i++ {
		prices = append(prices, strconv.Itoa(i))
	}
	wantValues := map[string][]string{
		"app.Shop.price":    sorted(prices), // args:0 skips self
		"app.Shop.checkout": {"Shop<corner>"},
		"app.charge":        {"0", "1", "1000", "1001", "1002", "2", "2000", "2001", "2002", "3000", "3001", "3002"},
		"app.Shop.tax":      {"100, app"},             // static: args:0, then args:name = module (no doc)
		"app.Shop.make":     {"corner, Open a shop."}, // classmethod: args:0 skips cls; doc string
		"app.describe":      {"Describe a thing."},
		"app.nodoc":         {"app"},
		"app.numbers":       {"2", "3"},                                     // every activation of the generator
		"app.shout":         {strings.Repeat("\u00e9", DefaultMaxValueLen)}, // cut, in characters
	}
	for m, want := range wantValues {
		if got := valuesOf(events, m); !reflect.DeepEqual(got, want) {
			t.Errorf("values of %s = %q, want %q", m, got, want)
		}
	}
	for _, ev := range events {
		if ev.Method.Point == nil || ev.Method.Module != "app" {
			t.Fatalf("event %+v: want module app (the script's stem) and a point", ev)
		}
	}
	checkNesting(t, events, children["lost"])
}

// checkNesting checks that every thread's events nest: each Exit closes
// the innermost open call, and no call stays open (except in process skip,
// or calls open allows).
func checkNesting(t *testing.T, events []pipeline.Event, skip int32, open ...func(*matcher.Method) bool) {
	t.Helper()
	type thread struct {
		pid int32
		tid uint64
	}
	stacks := map[thread][]*matcher.Method{}
	last := map[thread]int64{}
	for i, ev := range events {
		th := thread{ev.PID, ev.TID}
		if ev.Time < last[th] {
			t.Fatalf("event %d goes back in time: %+v", i, ev)
		}
		last[th] = ev.Time
		switch ev.Kind {
		case pipeline.Enter:
			stacks[th] = append(stacks[th], ev.Method)
		case pipeline.Exit:
			st := stacks[th]
			if len(st) == 0 || st[len(st)-1] != ev.Method {
				t.Fatalf("event %d: Exit of %s does not close the innermost call (%v)", i, ev.Method, st)
			}
			stacks[th] = st[:len(st)-1]
		}
	}
	for th, st := range stacks {
		if th.pid == skip {
			continue
		}
		for _, m := range st {
			if len(open) == 0 || !open[0](m) {
				t.Errorf("pid %d thread %d: calls never left: %v", th.pid, th.tid, st)
				break
			}
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestRefuseOldInterpreters: 2.7, 3.6 and 3.7 are refused by name and
// exit 3 before their script runs.
func TestRefuseOldInterpreters(t *testing.T) {
	script, _ := filepath.Abs("testdata/refused.py")
	pythons := refusedPythons()
	if len(pythons) == 0 {
		t.Skip("no Python 2.7, 3.6 or 3.7 installed")
	}
	for _, py := range pythons {
		py := py
		t.Run(pyName(py), func(t *testing.T) {
			t.Parallel()
			s, sink := startServer(t, testPoints(), nil)
			r := run(t, s.Env(os.Environ()), py, script)
			st := s.Wait(waitTimeout)
			if r.code != 3 || r.stdout != "" || r.stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 3 and nothing written", r.code, r.stdout, r.stderr)
			}
			if !st.Connected || st.Processes != 0 || len(st.Refused) != 1 {
				t.Fatalf("stats = %+v, want one refusal", st)
			}
			ref := st.Refused[0]
			version := strings.SplitN(strings.TrimPrefix(py, "/root/.pyenv/versions/"), "/", 2)[0]
			if ref.PID != int32(r.pid) || ref.Python != version || !strings.Contains(ref.Reason, "Python "+version) ||
				!strings.Contains(ref.Reason, "3.8 or later") {
				t.Errorf("refusal = %+v, want pid %d naming Python %s and the fix", ref, r.pid, version)
			}
			if _, procs := sink.snapshot(); len(procs) != 0 {
				t.Errorf("refused process reported to the sink: %v", procs)
			}
		})
	}
}

// TestNotLoaded: an interpreter that ignores PYTHONPATH never connects,
// and Stats says so.
func TestNotLoaded(t *testing.T) {
	app, _ := filepath.Abs("testdata/app.py")
	py := supportedPythons(t)[0]
	for _, flag := range []string{"-I", "-E", "-S"} {
		flag := flag
		t.Run(flag, func(t *testing.T) {
			t.Parallel()
			s, _ := startServer(t, testPoints(), nil)
			r := run(t, s.Env(os.Environ()), py, flag, app, "nofork")
			st := s.Wait(waitTimeout)
			if r.code != 7 {
				t.Errorf("exit %d, want the app's 7\n%s", r.code, r.stderr)
			}
			if st.Connected || st.Processes != 0 {
				t.Errorf("stats = %+v, want nothing connected", st)
			}
		})
	}
}

// TestForkWarning: on 3.12+ the shim's thread must not make a
// single-threaded app's fork warn, nor hide the warning of a
// multi-threaded one.
func TestForkWarning(t *testing.T) {
	script, _ := filepath.Abs("testdata/forkwarn.py")
	pidRE := regexp.MustCompile(`pid=\d+`)
	ran := false
	for _, py := range supportedPythons(t) {
		if !strings.Contains(py, "3.12") && !strings.Contains(py, "3.13") {
			continue
		}
		ran = true
		py := py
		t.Run(pyName(py), func(t *testing.T) {
			t.Parallel()
			plain := run(t, os.Environ(), py, script)
			s, _ := startServer(t, testPoints(), nil)
			traced := run(t, s.Env(os.Environ()), py, script)
			s.Wait(waitTimeout)
			norm := func(r result) string {
				return fmt.Sprintf("%d\n%s\n%s", r.code, r.stdout, pidRE.ReplaceAllString(r.stderr, "pid=N"))
			}
			if norm(traced) != norm(plain) {
				t.Errorf("under the shim:\n%s\nplain:\n%s", norm(traced), norm(plain))
			}
			if !strings.Contains(plain.stderr, "multi-threaded") {
				t.Errorf("the plain run did not warn: %q", plain.stderr)
			}
		})
	}
	if !ran {
		t.Skip("no Python 3.12 or 3.13 installed")
	}
}

// TestTracerGone: when the tracer goes away while the app runs, tracing
// stops (noticed by the shipping thread, or by the next verdict question
// inside a callback) and the app runs on, its output unchanged.
func TestTracerGone(t *testing.T) {
	script, _ := filepath.Abs("testdata/longrun.py")
	cases := []struct {
		name     string
		interval time.Duration
	}{
		{"shipping", 10 * time.Millisecond},
		{"verdict", time.Hour}, // nothing shipped: the question about late() fails
	}
	for _, py := range supportedPythons(t) {
		for _, c := range cases {
			py, c := py, c
			t.Run(pyName(py)+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				s, sink := startServer(t, testPoints(), func(o *Options) { o.BatchInterval = c.interval })
				go func() {
					deadline := time.Now().Add(10 * time.Second)
					for time.Now().Before(deadline) {
						if ev, procs := sink.snapshot(); len(ev) > 0 || (c.interval == time.Hour && len(procs) > 0) {
							break
						}
						time.Sleep(5 * time.Millisecond)
					}
					s.Close()
				}()
				r := run(t, s.Env(os.Environ()), py, script, "0.3")
				if r.code != 0 || r.stdout != "done True late\n" || r.stderr != "" {
					t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
				}
				if ev, procs := sink.snapshot(); len(procs) != 1 || (c.interval != time.Hour && len(ev) == 0) {
					t.Errorf("%d events, processes %v before the tracer went away", len(ev), procs)
				}
			})
		}
	}
}

// TestShimCode: with points that select everything, the shim's own code is
// never reported, unless TraceShimThreads (instrument_pyprobe_threads).
func TestShimCode(t *testing.T) {
	script, _ := filepath.Abs("testdata/longrun.py")
	all := []*conf.Point{
		point("Functions", ".*", "", ".*"),
		point("Methods", ".*", ".*", ".*"),
	}
	pythons := supportedPythons(t)
	for _, traceShim := range []bool{false, true} {
		for _, py := range pythons {
			traceShim, py := traceShim, py
			t.Run(fmt.Sprintf("%s/shim=%v", pyName(py), traceShim), func(t *testing.T) {
				t.Parallel()
				s, sink := startServer(t, all, func(o *Options) { o.TraceShimThreads = traceShim })
				r := run(t, s.Env(os.Environ()), py, script, "0.2")
				st := s.Wait(waitTimeout)
				if r.code != 0 || r.stdout != "done True late\n" || r.stderr != "" {
					t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
				}
				if len(st.Failures) != 0 || len(st.LostAtExit) != 0 {
					t.Fatalf("stats = %+v", st)
				}
				events, _ := sink.snapshot()
				shimCode, app := 0, 0
				for _, ev := range events {
					switch {
					case strings.HasPrefix(ev.Method.Module, "_hpdiag_shim") || ev.Method.Module == "sitecustomize":
						shimCode++
					case ev.Method.String() == "longrun.step":
						app++
					}
				}
				if app == 0 {
					t.Error("the app's calls were not reported")
				}
				if traceShim != (shimCode > 0) {
					t.Errorf("%d events of the shim's own code with TraceShimThreads=%v", shimCode, traceShim)
				}
				// Tracing stops at exit inside the shim's own calls.
				checkNesting(t, events, 0, func(m *matcher.Method) bool {
					return traceShim && strings.HasPrefix(m.Module, "_hpdiag_shim")
				})
			})
		}
	}
}
