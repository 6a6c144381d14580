package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/hpdiag/hpdiag-trace/loader"
	"github.com/hpdiag/hpdiag-trace/pyframes"
)

// interp is what the eBPF comparisons need to know of an interpreter.
type interp struct {
	python string
	lib    string // the file that holds _PyEval_EvalFrameDefault
	hook   string // offsetof(PyInterpreterState, eval_frame) on 3.11+, else ""
	usdt   bool   // the file has python:function__return (a dtrace build)
}

func findInterp(py string) (interp, error) {
	i, err := loader.FindForCommand(py, os.Environ())
	if err != nil {
		return interp{}, err
	}
	out := interp{python: py, lib: i.Path}
	if probes, err := i.USDT(); err == nil {
		for _, p := range probes {
			out.usdt = out.usdt || (p.Provider == "python" && p.Name == "function__return")
		}
	}
	if i.Version.AtLeast(3, 11) {
		l, err := pyframes.For(pyframes.Version{Major: i.Version.Major, Minor: i.Version.Minor})
		if err != nil {
			return interp{}, err
		}
		out.hook = strconv.Itoa(l.Interp.EvalFrame)
	}
	return out, nil
}

// floorScript is the floor: the same probes as E1, counting only.
func floorScript(lib string) string {
	return fmt.Sprintf(`uprobe:%[1]s:_PyEval_EvalFrameDefault /pid == cpid/ { @calls = count(); }
uretprobe:%[1]s:_PyEval_EvalFrameDefault /pid == cpid/ { @returns = count(); }`, lib)
}

// entryFloorScript is the floor of E1 when nothing is selected: the
// uprobe alone, counting.
func entryFloorScript(lib string) string {
	return fmt.Sprintf(`uprobe:%s:_PyEval_EvalFrameDefault /pid == cpid/ { @calls = count(); }`, lib)
}

// fibRow is one interpreter's fib timings, fastest of the runs.
type fibRow struct {
	plain, hooked, floor, entryFloor, session, pair, none time.Duration
	withE0                                                time.Duration // E1 session and E0, as by default
	usdt                                                  time.Duration // bpftrace on function__return; 0 without USDT
}

// reportEBPF prints E1 against the bpftrace floor on fib, per interpreter.
func reportEBPF(o options) error {
	if _, err := exec.LookPath("bpftrace"); err != nil {
		return fmt.Errorf("the eBPF comparison needs bpftrace (apt-get install bpftrace): %w", err)
	}
	calls := fibCalls(o.fibN)
	fmt.Printf("\nE1 (eBPF engine) on fib(%d), timed inside the process, fastest of %d runs.\n", o.fibN, o.runs)
	fmt.Println("floor: bpftrace counting on the same uprobe+uretprobe (with the eval_frame hook on 3.11+, as E1).")
	fmt.Println("cost = ns per call above plain; ratio = E1 cost / floor cost; USDT return probe: bpftrace counting")
	fmt.Println("python:function__return, where the interpreter has USDT probes (E1u's floor is two such probes per call).")
	fmt.Println("E1 columns: --no-requests; E1 session+E0: the default, whose system call tracepoints also run at each")
	fmt.Println("uretprobe trampoline (a system call on x86-64).")
	fmt.Println()
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "python\tplain ns/call\thook alone\tfloor\tE1 session\tratio\tE1 pair\tratio\tfloor, entry only\tE1 nothing selected\tratio\tE1 session+E0\tUSDT return probe\t")
	for _, py := range o.pythons {
		in, err := findInterp(py)
		if err != nil {
			return err
		}
		r, err := measureFib(o, in)
		if err != nil {
			return err
		}
		cost := func(d time.Duration) float64 { return perCall(d-r.plain, calls) }
		floor := cost(r.floor)
		usdt := "-"
		if r.usdt > 0 {
			usdt = fmt.Sprintf("%+.0f", cost(r.usdt))
		}
		entry := cost(r.entryFloor)
		fmt.Fprintf(w, "%s\t%.0f\t%+.0f\t%+.0f\t%+.0f\t%.2f\t%+.0f\t%.2f\t%+.0f\t%+.0f\t%.2f\t%+.0f\t%s\t\n", py, perCall(r.plain, calls),
			cost(r.hooked), floor, cost(r.session), cost(r.session)/floor, cost(r.pair), cost(r.pair)/floor,
			entry, cost(r.none), cost(r.none)/entry, cost(r.withE0), usdt)
	}
	return w.Flush()
}

func measureFib(o options, in interp) (fibRow, error) {
	fib := filepath.Join(o.dir, "fibtimed.py")
	n := fmt.Sprint(o.fibN)
	app := []string{in.python, fib, n}
	// E1 alone: E0's system call tracepoints are measured in their own
	// column (withE0) and on Flask.
	tracer := func(probes, point string) []string {
		return append([]string{o.tracer, "--mode", "ebpf", "--ebpf-probes", probes, "--no-requests", "-q", "-p", filepath.Join(o.dir, point), "--"}, app...)
	}
	defaults := append([]string{o.tracer, "--mode", "ebpf", "-q", "-p", filepath.Join(o.dir, "fib.point"), "--"}, app...)
	hookEnv := []string{}
	if in.hook != "" {
		hookEnv = []string{"HPDIAG_BENCH_EVAL_FRAME=" + in.hook}
	}
	var r fibRow
	cases := []struct {
		into *time.Duration
		argv []string
		env  []string
	}{
		{&r.plain, app, nil},
		{&r.hooked, app, hookEnv},
		{&r.floor, []string{"bpftrace", "-q", "-e", floorScript(in.lib), "-c", strings.Join(app, " ")}, hookEnv},
		{&r.entryFloor, []string{"bpftrace", "-q", "-e", entryFloorScript(in.lib), "-c", strings.Join(app, " ")}, hookEnv},
		{&r.session, tracer("session", "fib.point"), nil},
		{&r.pair, tracer("pair", "fib.point"), nil},
		{&r.none, tracer("session", "none.point"), nil},
		{&r.withE0, defaults, nil},
	}
	if in.usdt {
		// E1u's floor where its probes exist: one USDT probe per call,
		// counted (function__entry never fires on 3.11, see docs/engines.md).
		script := fmt.Sprintf("usdt:%s:python:function__return /pid == cpid/ { @calls = count(); }", in.lib)
		cases = append(cases, struct {
			into *time.Duration
			argv []string
			env  []string
		}{&r.usdt, []string{"bpftrace", "-q", "-e", script, "-c", strings.Join(app, " ")}, nil})
	}
	for i := 0; i < o.runs; i++ {
		for _, c := range cases {
			d, err := selfTimed(c.argv, c.env)
			if err != nil {
				return r, err
			}
			if i == 0 || d < *c.into {
				*c.into = d
			}
		}
	}
	return r, nil
}

var secondsLine = regexp.MustCompile(`(?m)^([0-9]+\.[0-9]+)$`)

// selfTimed runs a workload that prints its own duration in seconds.
func selfTimed(argv, env []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	var out, errs bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errs // bpftrace complains of the tracefs it does not need
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %w\n%s", argv, err, errs.String())
	}
	m := secondsLine.FindSubmatch(out.Bytes())
	if m == nil {
		return 0, fmt.Errorf("%v printed no duration: %q", argv, out.String())
	}
	secs, _ := strconv.ParseFloat(string(m[1]), 64)
	return time.Duration(secs * float64(time.Second)), nil
}

// countLine finds bpftrace's "@calls: N".
var countLine = regexp.MustCompile(`@calls: ([0-9]+)`)

// flaskCase is one way of running the Flask app under wrk.
type flaskCase struct {
	name   string
	env    []string
	attach func(pid int) (*watched, error) // nil: plain
}

// reportFlask runs the Flask app under wrk, plain and attached to by the
// floor and by E1, in the same run.
func reportFlask(o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("the Flask comparison needs wrk (apt-get install wrk): %w", err)
	}
	py := "/usr/bin/python3.11"
	if err := exec.Command(py, "-c", "import flask").Run(); err != nil {
		fmt.Printf("\nFlask: skipped, %s cannot import flask (apt-get install python3-flask)\n", py)
		return nil
	}
	in, err := findInterp(py)
	if err != nil {
		return err
	}
	hookEnv := []string{"HPDIAG_BENCH_EVAL_FRAME=" + in.hook}
	// The E1 cases leave the request layer out, to compare E1 alone with
	// the floor; "E0 only" is the request layer alone (no points file).
	tracer := func(probes string) func(int) (*watched, error) {
		return func(pid int) (*watched, error) {
			return attachWait(exec.Command(o.tracer, "--pid", fmt.Sprint(pid), "--ebpf-probes", probes, "--no-requests", "-p", filepath.Join(o.dir, "flask.point")), "attached to pid")
		}
	}
	requestsOnly := func(pid int) (*watched, error) {
		return attachWait(exec.Command(o.tracer, "--pid", fmt.Sprint(pid)), "attached to pid")
	}
	floor := func(pid int) (*watched, error) {
		script := strings.ReplaceAll(floorScript(in.lib), "pid == cpid", fmt.Sprintf("pid == %d", pid))
		return attachWait(exec.Command("bpftrace", "-e", script), "Attaching")
	}
	cases := []flaskCase{
		{name: "plain"},
		{name: "floor (bpftrace, every call)", env: hookEnv, attach: floor},
		{name: "E1 session", attach: tracer("session")},
		{name: "E1 pair", attach: tracer("pair")},
		{name: "E0 only (requests, SQL)", attach: requestsOnly},
	}
	rps := make([]float64, len(cases))
	var perRequest float64
	for i := 0; i < o.runs; i++ {
		for j, c := range cases {
			got, calls, err := runFlask(o, py, c)
			if err != nil {
				return err
			}
			rps[j] = max(rps[j], got)
			if calls > 0 {
				perRequest = calls
			}
		}
	}
	fmt.Printf("\nFlask 2 + sqlite (%s, Debian's python3-flask), wrk -t1 -c4 -d3s, best of %d runs; %.0f Python calls per request\n\n", py, o.runs, perRequest)
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "case\treq/s\tthroughput\tns per Python call\t")
	for j, c := range cases {
		cost := 0.0
		if perRequest > 0 && rps[j] > 0 {
			cost = (1/rps[j] - 1/rps[0]) / perRequest * 1e9
		}
		fmt.Fprintf(w, "%s\t%.0f\t%.1f%%\t%+.0f\t\n", c.name, rps[j], 100*rps[j]/rps[0], cost)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	e0 := rps[len(rps)-1]
	fmt.Printf("\nE0 alone keeps %.1f%% of the plain throughput (%.0f of %.0f req/s, this run); the budget is a loss of at most 3%%\n", 100*e0/rps[0], e0, rps[0])
	return nil
}

// runFlask starts the app, attaches, loads it with wrk, and stops both by
// pid. It returns requests per second and, for the floor, calls per request.
func runFlask(o options, py string, c flaskCase) (float64, float64, error) {
	port := freePort()
	app := exec.Command(py, filepath.Join(o.dir, "flaskapp.py"), fmt.Sprint(port))
	app.Env = append(os.Environ(), c.env...)
	app.Stderr = os.Stderr
	if err := app.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { app.Process.Kill(); app.Wait() }()
	url := fmt.Sprintf("http://127.0.0.1:%d/items/10", port)
	if err := waitHTTP(url); err != nil {
		return 0, 0, err
	}
	var tool *watched
	if c.attach != nil {
		var err error
		if tool, err = c.attach(app.Process.Pid); err != nil {
			return 0, 0, err
		}
	}
	out, err := exec.Command("wrk", "-t1", "-c4", "-d3s", url).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	calls := 0.0
	if tool != nil {
		if m := countLine.FindStringSubmatch(tool.stop()); m != nil {
			n, _ := strconv.ParseFloat(m[1], 64)
			calls = n / requestsServed(out)
		}
	}
	return parseRPS(out), calls, nil
}

// watched is a tool attached to the app, and what it printed.
type watched struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

// attachWait starts a tool and waits until it prints the line that says it
// attached (bpftrace on stdout, hpdiag-trace on stderr).
func attachWait(cmd *exec.Cmd, ready string) (*watched, error) {
	var r io.Reader
	var err error
	if strings.HasPrefix(ready, "Attaching") {
		cmd.Stderr = io.Discard // bpftrace complains of the tracefs it does not need
		r, err = cmd.StdoutPipe()
	} else {
		r, err = cmd.StderrPipe()
	}
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &watched{cmd: cmd, done: make(chan struct{})}
	attached := make(chan struct{})
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(r)
		once := false
		for sc.Scan() {
			w.mu.Lock()
			w.out.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
			if !once && strings.Contains(sc.Text(), ready) {
				once = true
				close(attached)
			}
		}
		if !once {
			close(attached)
		}
	}()
	select {
	case <-attached:
	case <-time.After(30 * time.Second):
		return w, fmt.Errorf("%v did not attach within 30s", cmd.Args)
	}
	return w, nil
}

// stop interrupts the tool and returns what it printed.
func (w *watched) stop() string {
	w.cmd.Process.Signal(os.Interrupt)
	<-w.done
	w.cmd.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.String()
}

var (
	rpsLine      = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	requestsLine = regexp.MustCompile(`([0-9]+) requests in`)
)

func parseRPS(wrk []byte) float64 {
	m := rpsLine.FindSubmatch(wrk)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

func requestsServed(wrk []byte) float64 {
	m := requestsLine.FindSubmatch(wrk)
	if m == nil {
		return 1
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return max(v, 1)
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 18080
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitHTTP waits until url answers.
func waitHTTP(url string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer within 20s", url)
}
