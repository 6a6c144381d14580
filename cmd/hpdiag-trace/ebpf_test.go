//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/loader"
	"github.com/hpdiag/hpdiag-trace/pyframes"
)

// requireEBPF skips a test where the eBPF engine cannot run, except in CI,
// where it must: there the test fails loudly instead.
func requireEBPF(t *testing.T) {
	t.Helper()
	if err := ebpfAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the eBPF engine must run in CI: %v", err)
		}
		t.Skipf("eBPF engine unavailable: %v", err)
	}
}

// TestShopUnderEBPF is issue 3's acceptance test in launch mode: exact
// counts and exceptions on every interpreter installed here.
func TestShopUnderEBPF(t *testing.T) {
	requireEBPF(t)
	for _, probes := range []string{"session", "pair"} {
		t.Run(probes, func(t *testing.T) {
			eachInterpreter(t, func(t *testing.T, py string) {
				checkShop(t, "ebpf", py, "--ebpf-probes", probes)
			})
		})
	}
}

// TestForkedChildrenUnderEBPF: the children an app forks are traced from
// their first instruction, into the same report, each under its own pid.
func TestForkedChildrenUnderEBPF(t *testing.T) {
	requireEBPF(t)
	shop, points := shopFiles(t)
	fork, _ := filepath.Abs("testdata/ebpf/forkshop.py")
	eachInterpreter(t, func(t *testing.T, py string) {
		dir := t.TempDir()
		traceEBPF(t, dir, "-p", points, "--report", "r.json", "--", py, fork, filepath.Dir(shop))
		rep := readReport(t, filepath.Join(dir, "r.json"))
		checkMethods(t, rep, shopWant(3))
		if len(rep.Probe.PIDs) != 3 {
			t.Errorf("pids = %v, want the parent and its 2 children", rep.Probe.PIDs)
		}
		for _, sr := range rep.ServerRequests {
			if len(sr.PIDs) != 3 {
				t.Errorf("server request %s: pids %v, want 3", sr.Name, sr.PIDs)
			}
		}
	})
}

// roundsApp is a running app (testdata/ebpf/rounds.py) that does work
// when told to.
type roundsApp struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	pyth string
}

func startRounds(t *testing.T, py string) *roundsApp {
	t.Helper()
	shop, _ := shopFiles(t)
	cmd := exec.Command(py, "testdata/ebpf/rounds.py", filepath.Dir(shop))
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	a := &roundsApp{cmd: cmd, in: in, out: bufio.NewScanner(out), pyth: py}
	a.expect(t, "ready")
	return a
}

func (a *roundsApp) expect(t *testing.T, prefix string) string {
	t.Helper()
	if !a.out.Scan() || !strings.HasPrefix(a.out.Text(), prefix) {
		t.Fatalf("app: got %q, want %q", a.out.Text(), prefix)
	}
	return a.out.Text()
}

// run has the app check out n baskets and returns how long it took.
func (a *roundsApp) run(t *testing.T, n int) time.Duration {
	t.Helper()
	fmt.Fprintf(a.in, "go %d\n", n)
	var secs float64
	fmt.Sscanf(a.expect(t, "done"), "done %f", &secs)
	return time.Duration(secs * float64(time.Second))
}

// roundsWant is what n baskets of rounds.py report.
func roundsWant(n int) map[string][2]int {
	declined := 0
	for b := 0; b < n; b++ {
		if b%4 == 1 {
			declined++
		}
	}
	return map[string][2]int{
		"shop.Shop.checkout":    {n, 0},
		"shop.Shop.price":       {n * 50, 0},
		"shop.Shop.store_order": {n, 0},
		"shop.charge_card":      {n, declined},
	}
}

// TestAttachToRunningProcess: --pid on a running, warmed-up process for a
// few seconds counts exactly what ran in that window; after detach the
// process has no probe and no hook left, and exits 0.
func TestAttachToRunningProcess(t *testing.T) {
	requireEBPF(t)
	_, points := shopFiles(t)
	eachInterpreter(t, func(t *testing.T, py string) {
		app := startRounds(t, py)
		before := app.run(t, 12)
		untraced := evalFrameHook(t, app.cmd.Process.Pid)
		dir := t.TempDir()
		tracer, stderr := attachTracer(t, "--pid", fmt.Sprint(app.cmd.Process.Pid), "--duration", "3s",
			"-p", points, "--report", filepath.Join(dir, "r.json"))
		hookedAt := evalFrameHook(t, app.cmd.Process.Pid)
		during := app.run(t, 12)
		if err := tracer.Wait(); err != nil {
			t.Fatalf("tracer: %v\n%s", err, stderr.String())
		}
		after := app.run(t, 12)
		t.Logf("12 baskets: %v before, %v traced, %v after detach", before, during, after)
		checkMethods(t, readReport(t, filepath.Join(dir, "r.json")), roundsWant(12))
		if v := evalFrameHook(t, app.cmd.Process.Pid); v != untraced {
			t.Errorf("eval_frame = %#x after detach, want %#x as before (hook left behind)", v, untraced)
		}
		if hasHook(py) && (untraced != 0 || hookedAt == 0) {
			t.Errorf("eval_frame: %#x before attaching, %#x while attached; want NULL, then set", untraced, hookedAt)
		}
		checkNoBreakpoint(t, app.cmd.Process.Pid)
		fmt.Fprintln(app.in, "exit")
		if err := app.cmd.Wait(); err != nil {
			t.Errorf("the app did not exit 0 after detach: %v", err)
		}
	})
}

// TestDetachInsideCall: a thread that waits inside a reported call when
// the tracer detaches still has its finished inner calls reported: the
// BPF programs batch a thread's calls until its outermost reported call
// returns, and the detach flushes the batches (bpf/threads.h). The first
// round lets the verdicts arrive, so the second is batched.
func TestDetachInsideCall(t *testing.T) {
	requireEBPF(t)
	for _, probes := range []string{"session", "pair"} {
		t.Run(probes, func(t *testing.T) { detachInsideCall(t, probes) })
	}
}

func detachInsideCall(t *testing.T, probes string) {
	dir, _ := filepath.Abs("testdata/ebpf")
	eachInterpreter(t, func(t *testing.T, py string) {
		app := exec.Command(py, filepath.Join(dir, "inside.py"))
		in, _ := app.StdinPipe()
		pipe, _ := app.StdoutPipe()
		if err := app.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { app.Process.Kill(); app.Wait() })
		out := bufio.NewScanner(pipe)
		expect := func(want string) {
			t.Helper()
			if !out.Scan() || out.Text() != want {
				t.Fatalf("app: got %q, want %q", out.Text(), want)
			}
		}
		expect("ready")
		report := filepath.Join(t.TempDir(), "r.json")
		tracer, stderr := attachTracer(t, "--pid", fmt.Sprint(app.Process.Pid), "--duration", "2s",
			"--ebpf-probes", probes, "-p", filepath.Join(dir, "inside.point"), "--report", report)
		fmt.Fprintln(in, "go")
		expect("inside")
		time.Sleep(300 * time.Millisecond)
		fmt.Fprintln(in, "again")
		expect("inside")
		if err := tracer.Wait(); err != nil {
			t.Fatalf("tracer: %v\n%s", err, stderr.String())
		}
		checkMethods(t, readReport(t, report), map[string][2]int{"inside.outer": {1, 0}, "inside.inner": {14, 0}})
		in.Close()
		if err := app.Wait(); err != nil {
			t.Errorf("the app did not exit 0 after detach: %v", err)
		}
	})
}

// TestTracerKilled: a tracer killed with SIGKILL leaves the app running,
// with no probe; what stays is the eval_frame hook (docs/engines.md).
func TestTracerKilled(t *testing.T) {
	requireEBPF(t)
	_, points := shopFiles(t)
	py := interpreters(t)[len(interpreters(t))-1]
	app := startRounds(t, py)
	tracer, _ := attachTracer(t, "--pid", fmt.Sprint(app.cmd.Process.Pid), "-p", points)
	app.run(t, 3)
	tracer.Process.Kill()
	tracer.Wait()
	app.run(t, 3)
	checkNoBreakpoint(t, app.cmd.Process.Pid)
	fmt.Fprintln(app.in, "exit")
	if err := app.cmd.Wait(); err != nil {
		t.Errorf("the app did not exit 0 after the tracer was killed: %v", err)
	}
}

// attachTracer starts hpdiag-trace with args (a --pid run) and returns once
// it says it has attached; its standard error collects in the buffer.
func attachTracer(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	tracer := exec.Command(tracerBin, args...)
	var stderr bytes.Buffer
	errPipe, _ := tracer.StderrPipe()
	if err := tracer.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tracer.Process.Kill() })
	attached := bufio.NewScanner(io.TeeReader(errPipe, &stderr))
	for attached.Scan() && !strings.Contains(attached.Text(), "attached to pid") {
	}
	go io.Copy(&stderr, errPipe)
	return tracer, &stderr
}

// hasHook says whether the engine writes eval_frame for this interpreter.
func hasHook(py string) bool {
	interp, err := loader.FindForCommand(py, os.Environ())
	return err == nil && interp.Version.AtLeast(3, 11)
}

// evalFrameHook reads the main interpreter's eval_frame in pid.
func evalFrameHook(t *testing.T, pid int) uint64 {
	t.Helper()
	interp, err := loader.FindInProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	l, err := pyframes.For(pyframes.Version{Major: interp.Version.Major, Minor: interp.Version.Minor})
	if err != nil {
		t.Fatal(err)
	}
	mem, err := loader.OpenProcMem(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	rt, err := interp.Addr("_PyRuntime")
	if err != nil {
		t.Fatal(err)
	}
	head, err := mem.ReadU64(rt + uint64(l.Runtime.InterpretersHead))
	if err != nil {
		t.Fatal(err)
	}
	v, err := mem.ReadU64(head + uint64(l.Interp.EvalFrame))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkNoBreakpoint checks that the evaluator's first byte in pid is the
// file's: a uprobe left behind would show as an int3 (0xcc).
func checkNoBreakpoint(t *testing.T, pid int) {
	t.Helper()
	interp, err := loader.FindInProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := interp.Addr(loader.EvalFrameSymbol)
	off, _ := interp.SymbolOffset(loader.EvalFrameSymbol)
	mem, err := loader.OpenProcMem(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	var live [1]byte
	if _, err := mem.ReadAt(live[:], int64(addr)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(interp.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var file [1]byte
	if _, err := f.ReadAt(file[:], int64(off)); err != nil {
		t.Fatal(err)
	}
	if live != file {
		if others := otherTracers(); len(others) > 0 {
			// Their probes on the same file put the breakpoint in every
			// process running it: the byte says nothing of ours.
			t.Logf("breakpoint present, but other tracers run (pids %v): not checked", others)
			return
		}
		t.Errorf("pid %d: %s starts with %#x in memory, %#x in %s: a probe was left behind", pid, loader.EvalFrameSymbol, live[0], file[0], interp.Path)
	}
}

// TestEBPFRefusals: what the engine cannot trace gets one clear line and
// exit 3, naming the version or the missing privilege.
func TestEBPFRefusals(t *testing.T) {
	requireEBPF(t)
	_, points := shopFiles(t)
	for _, v := range []string{"3.6", "3.7", "2.7"} {
		found, _ := filepath.Glob("/root/.pyenv/versions/" + v + ".*/bin/python" + v[:1])
		if len(found) == 0 {
			continue
		}
		r := runTracer(t, t.TempDir(), "--mode", "ebpf", "-p", points, "--", found[0], "-c", "pass")
		if r.code != exitNoTrace || !strings.Contains(r.stderr, "Python "+v) {
			t.Errorf("Python %s: exit %d, stderr %q; want exit 3 naming the version", v, r.code, r.stderr)
		}
	}
	sleeper := exec.Command("sleep", "30")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleeper.Process.Kill(); sleeper.Wait() }()
	r := runTracer(t, t.TempDir(), "--pid", fmt.Sprint(sleeper.Process.Pid), "-p", points)
	if r.code != exitNoTrace || !strings.Contains(r.stderr, "Python") {
		t.Errorf("--pid of sleep: exit %d, stderr %q; want exit 3 saying it is not Python", r.code, r.stderr)
	}
}

// TestEBPFWithoutPrivileges: without root or the capabilities, --mode
// ebpf names what is missing, and --mode auto falls back to the shim.
func TestEBPFWithoutPrivileges(t *testing.T) {
	requireEBPF(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv not installed")
	}
	py, dir, shop, points := nobodyShop(t)
	unpriv := func(args ...string) result {
		full := append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", tracerBin}, args...)
		return runCmd(t, exec.Command("setpriv", full...), dir)
	}
	r := unpriv("--mode", "ebpf", "-p", points, "--", py, shop, "1")
	if r.code != exitNoTrace || !strings.Contains(r.stderr, "CAP_BPF") || !strings.Contains(r.stderr, "--mode shim") {
		t.Errorf("--mode ebpf unprivileged: exit %d, stderr %q; want exit 3 naming CAP_BPF and --mode shim", r.code, r.stderr)
	}
	r = unpriv("--mode", "auto", "-p", points, "--report", filepath.Join(dir, "r.json"), "--", py, shop, "1")
	if r.code != 0 || !strings.Contains(r.stderr, "using the shim") {
		t.Errorf("--mode auto unprivileged: exit %d, stderr %q; want the shim, said", r.code, r.stderr)
	}
	if rep := readReport(t, filepath.Join(dir, "r.json")); rep.Probe.Engine != "shim" {
		t.Errorf("engine = %q, want shim", rep.Probe.Engine)
	}
}

// TestEBPFWithCapabilities: user nobody with CAP_BPF, CAP_PERFMON and
// CAP_SYS_PTRACE, and no other privilege, traces the Shop exactly.
func TestEBPFWithCapabilities(t *testing.T) {
	requireEBPF(t)
	py, dir, shop, points := nobodyShop(t)
	// The gated launch runs the tracer's own file again: one nobody can reach.
	tracer := filepath.Join(dir, "hpdiag-trace")
	copyFile(t, tracerBin, tracer)
	os.Chmod(tracer, 0o755)
	const caps = "+bpf,+perfmon,+sys_ptrace"
	for _, probes := range []string{"session", "pair"} {
		t.Run(probes, func(t *testing.T) {
			report := filepath.Join(dir, probes+".json")
			r := runCmd(t, exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
				"--inh-caps="+caps, "--ambient-caps="+caps, tracer, "--mode", "ebpf", "--ebpf-probes", probes,
				"-p", points, "--report", report, "--", py, shop, "6"), dir)
			if r.code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
			}
			rep := readReport(t, report)
			checkMethods(t, rep, shopWant(1))
			if rep.Probe.Engine != "ebpf" {
				t.Errorf("engine = %q, want ebpf", rep.Probe.Engine)
			}
		})
	}
}

// nobodyShop copies the Shop into a directory user nobody can use, and
// names an interpreter nobody may run.
func nobodyShop(t *testing.T) (py, dir, shop, points string) {
	t.Helper()
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv not installed")
	}
	py = "/usr/bin/python3.11"
	if _, err := os.Stat(py); err != nil {
		t.Skip("needs Debian's python3.11, which any user may run")
	}
	dir, err := os.MkdirTemp("", "unpriv")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	src, pts := shopFiles(t)
	shop, points = filepath.Join(dir, "shop.py"), filepath.Join(dir, "shop.point")
	copyFile(t, src, shop)
	copyFile(t, pts, points)
	return py, dir, shop, points
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEBPFNamesAndActivations: nested classes, static and class methods,
// decorators, closures, generators, coroutines and exceptions are named
// and counted as the shim does on 3.11+, on every interpreter (on 3.10 and
// older the qualified names are rebuilt from the source). A generator or
// coroutine counts once per activation, not at its creation.
func TestEBPFNamesAndActivations(t *testing.T) {
	requireEBPF(t)
	want := map[string][2]int{
		"agree.boom": {7, 3}, "agree.gather": {2, 0}, "agree.gen": {5, 0},
		"agree.helper": {21, 0}, "agree.main": {1, 0}, "agree.work": {10, 0},
		"agree.Outer.closure": {7, 0}, "agree.Outer.klass": {7, 0}, "agree.Outer.static": {7, 0},
		"agree.Outer.wrapped": {7, 0}, "agree.Outer.Inner.method": {7, 0},
	}
	app, _ := filepath.Abs("testdata/ebpf/agree.py")
	points, _ := filepath.Abs("testdata/ebpf/agree.point")
	eachInterpreter(t, func(t *testing.T, py string) {
		dir := t.TempDir()
		traceEBPF(t, dir, "-p", points, "--report", "r.json", "--", py, app)
		checkMethods(t, readReport(t, filepath.Join(dir, "r.json")), want)
	})
}

// TestUSDTEngine: engine E1u (--ebpf-probes usdt) times calls through the
// python:function__entry/return probes, enabling them through their
// semaphores. No interpreter here has probes that fire (Debian's 3.11 never
// fires function__entry; pyenv builds have none), so the test runs
// testdata/usdt/fakepython.c, a stand-in for a 3.10 dtrace build; the real
// interpreters must be refused with the reason.
func TestUSDTEngine(t *testing.T) {
	requireEBPF(t)
	dir := t.TempDir()
	fake := filepath.Join(dir, "python3.10")
	build := exec.Command("gcc", "-O1", "-o", fake, "testdata/usdt/fakepython.c")
	if out, err := build.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("building the USDT stand-in (needs gcc and systemtap-sdt-dev): %v\n%s", err, out)
		}
		t.Skipf("cannot build the USDT stand-in: %v\n%s", err, out)
	}
	app, _ := filepath.Abs("testdata/usdt/app.py")
	points, _ := filepath.Abs("testdata/usdt/app.point")
	r := runTracer(t, dir, "--mode", "ebpf", "--ebpf-probes", "usdt", "-p", points, "--report", "r.json", "--", fake, app, "5")
	if r.code != 0 || r.stdout != "fired 20\n" {
		t.Fatalf("exit %d, stdout %q (want the 20 probes fired: the semaphores set)\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	checkMethods(t, readReport(t, filepath.Join(dir, "r.json")), map[string][2]int{"app.work": {5, 0}, "app.Helper.inner": {5, 0}})

	for py, why := range map[string]string{
		"/usr/bin/python3.11":                       "gh-98894",
		"/root/.pyenv/versions/3.10.13/bin/python3": "without --with-dtrace",
		"/root/.pyenv/versions/3.12.1/bin/python3":  "PEP 669",
	} {
		if _, err := os.Stat(py); err != nil {
			continue
		}
		r := runTracer(t, dir, "--mode", "ebpf", "--ebpf-probes", "usdt", "-p", points, "--", py, "-c", "pass")
		if r.code != exitNoTrace || !strings.Contains(r.stderr, why) {
			t.Errorf("%s under usdt: exit %d, stderr %q; want exit 3 saying %q", py, r.code, r.stderr, why)
		}
	}
}

// TestResumeGuard: a gated launch may stop the app for a moment at start-up
// (the eval_frame hook); the guard continues it when the tracer goes away,
// even killed, and only the process it was started for.
func TestResumeGuard(t *testing.T) {
	app := exec.Command("sleep", "30")
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { app.Process.Kill(); app.Wait() }()
	if err := app.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitState(t, app.Process.Pid, 'T')
	start, err := loader.ProcessStartTime(app.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		start   uint64
		resumed bool
	}{{start + 1, false}, {start, true}} {
		guard := exec.Command(tracerBin, guardArg, fmt.Sprint(app.Process.Pid), fmt.Sprint(tc.start))
		in, _ := guard.StdinPipe()
		if err := guard.Start(); err != nil {
			t.Fatal(err)
		}
		in.Close() // as when the tracer exits
		if err := guard.Wait(); err != nil {
			t.Fatal(err)
		}
		want := byte('T')
		if tc.resumed {
			want = 'S'
		}
		waitState(t, app.Process.Pid, want)
	}
}

func waitState(t *testing.T, pid int, want byte) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := loader.ReadProcStat(pid)
		if err != nil {
			t.Fatal(err)
		}
		if st.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d: state %c, want %c", pid, st.State, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// otherTracers lists hpdiag-trace processes running that this test did not
// start (another test suite on the machine).
func otherTracers() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil || pid == os.Getpid() {
			continue
		}
		if st, err := loader.ReadProcStat(pid); err == nil && st.Comm == "hpdiag-trace" {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestEBPFArguments: args:n and args:name are read in the kernel at entry:
// the values of str, int, float, bool and None as str() gives them, the
// type's name for an instance; a method's args:n counts after self; a
// function's args:name is its docstring, else its module's name.
func TestEBPFArguments(t *testing.T) {
	requireEBPF(t)
	want := []string{"hello", "é€😀", "12345678901234567890", "-7", "0", "2.5", "1e+16", "True", "None", "Thing, 2, x",
		"What args:name gives for a function.", "args"}
	dir, _ := filepath.Abs("testdata/ebpf")
	eachInterpreter(t, func(t *testing.T, py string) {
		report := filepath.Join(t.TempDir(), "r.json")
		r := traceEBPF(t, dir, "-d", ".", "-p", "args.point", "--report", report, "--", py, "args.py")
		var rep struct {
			Instances []struct {
				Tree struct {
					Children []struct {
						Arg string `json:"arg"`
					} `json:"children"`
				} `json:"tree"`
			} `json:"instances"`
		}
		data, _ := os.ReadFile(report)
		if err := json.Unmarshal(data, &rep); err != nil || len(rep.Instances) != 1 {
			t.Fatalf("report: %v, %d instances\n%s", err, len(rep.Instances), data)
		}
		var got []string
		for _, c := range rep.Instances[0].Tree.Children {
			got = append(got, c.Arg)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("captured %q\nwant     %q\nstderr:\n%s", got, want, r.stderr)
		}
	})
}

// TestCodeAddressReuse: code objects freed and created again, at the same
// addresses, under other names: each call gets the verdict of its own code.
func TestCodeAddressReuse(t *testing.T) {
	requireEBPF(t)
	dir, _ := filepath.Abs("testdata/ebpf")
	eachInterpreter(t, func(t *testing.T, py string) {
		report := filepath.Join(t.TempDir(), "r.json")
		traceEBPF(t, dir, "-p", "reuse.point", "--report", report, "--", py, "reuse.py")
		rep := readReport(t, report)
		if len(rep.Methods) != 1 || rep.Methods[0].Method != "f0" || rep.Methods[0].Count != 100 {
			t.Errorf("methods %+v, want f0 100 times and nothing else", rep.Methods)
		}
	})
}

// TestForeignHookRefused: --pid refuses a process whose interpreter
// already has another PEP 523 hook (here the perf trampoline of 3.12+),
// leaves it alone, and the process goes on.
func TestForeignHookRefused(t *testing.T) {
	requireEBPF(t)
	_, points := shopFiles(t)
	for _, py := range interpreters(t) {
		if !strings.Contains(py, "/3.12") && !strings.Contains(py, "/3.13") {
			continue
		}
		py := py
		t.Run(strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) {
			app := exec.Command(py, "testdata/ebpf/perfhook.py")
			app.Env = append(os.Environ(), "PYTHONPERFSUPPORT=1")
			in, _ := app.StdinPipe()
			out, _ := app.StdoutPipe()
			if err := app.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				app.Process.Kill()
				app.Wait()
				os.Remove(fmt.Sprintf("/tmp/perf-%d.map", app.Process.Pid))
			}()
			bufio.NewScanner(out).Scan()
			before := evalFrameHook(t, app.Process.Pid)
			r := runTracer(t, t.TempDir(), "--pid", fmt.Sprint(app.Process.Pid), "--duration", "1s", "-p", points)
			if r.code != exitNoTrace || !strings.Contains(r.stderr, "already has a PEP 523 eval_frame hook") {
				t.Errorf("exit %d, stderr %q; want exit 3 naming the other hook", r.code, r.stderr)
			}
			if after := evalFrameHook(t, app.Process.Pid); after != before || before == 0 {
				t.Errorf("eval_frame %#x before, %#x after; want the other hook, untouched", before, after)
			}
			in.Close()
			if err := app.Wait(); err != nil {
				t.Errorf("the app did not exit 0: %v", err)
			}
		})
	}
}

// TestExecFromThread: a traced process that executes another Python
// program from a thread other than its main one (the thread takes the
// process's pid, its leader goes) stays traced, hook included.
func TestExecFromThread(t *testing.T) {
	requireEBPF(t)
	dir, _ := filepath.Abs("testdata/ebpf")
	eachInterpreter(t, func(t *testing.T, py string) {
		report := filepath.Join(t.TempDir(), "r.json")
		r := runTracer(t, dir, "--mode", "ebpf", "-p", "execthread.point", "--report", report, "--", py, "execthread.py")
		if r.code != 0 || r.stdout != "done\n" {
			t.Fatalf("exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		checkMethods(t, readReport(t, report), map[string][2]int{"execthread2.work": {10, 0}})
	})
}

// TestWrapperExec: a launched wrapper (a shell script, a pyenv shim) that
// runs helpers and then executes Python is followed through each exec;
// the interpreter is traced from its first instruction, exactly.
func TestWrapperExec(t *testing.T) {
	requireEBPF(t)
	shop, points := shopFiles(t)
	wrapper, _ := filepath.Abs("testdata/ebpf/wrapper.sh")
	eachInterpreter(t, func(t *testing.T, py string) {
		dir := t.TempDir()
		traceEBPF(t, dir, "-p", points, "--report", "r.json", "--", wrapper, py, shop, "6")
		checkMethods(t, readReport(t, filepath.Join(dir, "r.json")), shopWant(1))
	})
}

// eachInterpreter runs f as a subtest for every interpreter installed here.
func eachInterpreter(t *testing.T, f func(t *testing.T, py string)) {
	for _, py := range interpreters(t) {
		py := py
		t.Run(strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) { f(t, py) })
	}
}

// traceEBPF runs the tracer with the eBPF engine in dir, fails the test
// unless it exits 0, and logs its stderr if the test fails later.
func traceEBPF(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := runTracer(t, dir, append([]string{"--mode", "ebpf"}, args...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stderr:\n%s", r.stderr)
		}
	})
	return r
}
