//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// requireModule fails (in CI) or skips a test when python3 cannot import
// a module it needs: Debian's python3-flask, python3-django, ...
func requireModule(t *testing.T, py string, modules ...string) {
	t.Helper()
	for _, m := range modules {
		if err := exec.Command(py, "-c", "import "+m).Run(); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s cannot import %s (install Debian's package, see .ci/run): %v", py, m, err)
			}
			t.Skipf("%s cannot import %s: %v", py, m, err)
		}
	}
}

// tracedApp is an app launched under the tracer.
type tracedApp struct {
	cmd  *exec.Cmd
	log  string // the tracer's and the app's output
	done chan struct{}
	err  error // of Wait, once done is closed
}

// startTraced launches the tracer with args in dir; Cleanup kills it (and
// so the app) if the test did not wait for it.
func startTraced(t *testing.T, dir string, args ...string) *tracedApp {
	t.Helper()
	a := &tracedApp{cmd: exec.Command(tracerBin, args...), done: make(chan struct{})}
	a.cmd.Dir = dir
	a.log = filepath.Join(dir, "tracer.log")
	f, err := os.Create(a.log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a.cmd.Stdout, a.cmd.Stderr = f, f
	// Its own process group: the app outlives a killed tracer, so the
	// cleanup stops both by the group's id.
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.err = a.cmd.Wait(); close(a.done) }()
	t.Cleanup(func() {
		select {
		case <-a.done:
		default:
			syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
			<-a.done
		}
		syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL) // what the app left
		if t.Failed() {
			b, _ := os.ReadFile(a.log)
			t.Logf("tracer output:\n%s", b)
		}
	})
	return a
}

// wait waits for the tracer to exit after the app did.
func (a *tracedApp) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-a.done:
		if a.err != nil {
			t.Fatalf("tracer: %v", a.err)
		}
	case <-time.After(d):
		t.Fatalf("the tracer did not exit within %s", d)
	}
}

// get fetches a URL, retrying while the server is not listening yet.
func get(t *testing.T, url string, retry time.Duration) (int, string) {
	t.Helper()
	deadline := time.Now().Add(retry)
	for {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func writeConf(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "probe.conf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// withPoints runs a test of the request layer alone (no points file) and
// with the out-of-the-box points file of its framework, whose calls then
// nest in the requests.
func withPoints(t *testing.T, file string, test func(t *testing.T, args []string)) {
	t.Run("requests only", func(t *testing.T) { test(t, nil) })
	t.Run(file, func(t *testing.T) { test(t, []string{"-p", mustAbs(t, filepath.Join("../../points", file))}) })
}

// methodCount returns the count of module.Class.method in a report.
func methodCountOf(rep *pipeline.Report, module, class, method string) uint64 {
	for _, m := range rep.Methods {
		if m.Module == module && m.Class == class && m.Method == method {
			return m.Count
		}
	}
	return 0
}

// TestFlaskRequestsUnderEBPF is issue 4's acceptance test: Debian's Flask
// with sqlite3 under the request layer, alone and with flask.point.
func TestFlaskRequestsUnderEBPF(t *testing.T) {
	requireEBPF(t)
	py := "/usr/bin/python3"
	requireModule(t, py, "flask")
	withPoints(t, "flask.point", func(t *testing.T, points []string) { checkFlask(t, py, points) })
}

func checkFlask(t *testing.T, py string, points []string) {
	dir := t.TempDir()
	cfg := writeConf(t, dir, "[Probe]\nuri_replace_pattern = s#/items/[0-9]+#/items/<n>#\n")
	app, _ := filepath.Abs("testdata/requests/flaskapp.py")
	port, backend := freePort(t), freePort(t)
	args := append([]string{"--mode", "ebpf", "-c", cfg, "--report", "r.json"}, points...)
	a := startTraced(t, dir, append(args, "--", py, app, fmt.Sprint(port), fmt.Sprint(backend))...)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 1; i <= 5; i++ {
		if code, body := get(t, fmt.Sprintf("%s/items/%d", base, i), 30*time.Second); code != 200 || body != fmt.Sprintf("item%d", i) {
			t.Fatalf("/items/%d: %d %q", i, code, body)
		}
	}
	if code, _ := get(t, base+"/boom", 0); code != 500 {
		t.Fatalf("/boom: %d, want 500", code)
	}
	if code, body := get(t, base+"/relay", 0); code != 200 || body != "relayed 42" {
		t.Fatalf("/relay: %d %q", code, body)
	}
	get(t, base+"/quit", 0)
	a.wait(t, 30*time.Second)
	rep := readFullReport(t, filepath.Join(dir, "r.json"))

	srs := map[string]pipeline.ServerRequest{}
	for _, sr := range rep.ServerRequests {
		srs[sr.Name] = sr
	}
	for _, w := range []struct {
		name          string
		count, errors uint64
	}{{"/items/<n>", 5, 0}, {"/boom", 1, 1}, {"/relay", 1, 0}, {"/stock", 1, 0}} {
		sr, ok := srs[w.name]
		if !ok || sr.Type != "HTTP" || sr.Count != w.count || sr.Errors != w.errors {
			t.Errorf("server request %s = %+v (present %v), want HTTP, count %d, errors %d", w.name, sr, ok, w.count, w.errors)
		}
	}
	if sr := srs["/stock"]; !sr.Inbound {
		t.Errorf("/stock was called by a traced process: want it inbound (linked by the 4-tuple)")
	}
	var sel bool
	for _, q := range rep.SQL {
		if q.Statement == "SELECT name FROM items WHERE id = ?" {
			sel = q.Count == 5
			if !sel {
				t.Errorf("sql %q: count %d, want 5", q.Statement, q.Count)
			}
		}
	}
	if !sel {
		t.Errorf("sql = %+v, want the normalized select with count 5", rep.SQL)
	}
	// http_client_show_url is true by default: the URL is the target.
	want := fmt.Sprintf("http://127.0.0.1:%d/stock?x=1", backend)
	var out bool
	for _, o := range rep.Outbound {
		if o.Target == want && o.Count == 1 {
			out = true
		}
	}
	if !out {
		t.Errorf("outbound = %+v, want a call to %s", rep.Outbound, want)
	}
	if len(points) > 0 {
		// 8 requests to the app, 2 to the backend (/ready, /stock)
		if n := methodCountOf(rep, "flask.app", "Flask", "wsgi_app"); n != 10 {
			t.Errorf("flask.app.Flask.wsgi_app: count %d, want 10", n)
		}
	}
}

// readFullReport decodes a JSON report with the pipeline's own types.
func readFullReport(t *testing.T, path string) *pipeline.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the report: %v", err)
	}
	var r pipeline.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("decoding the report %s: %v\n%s", path, err, data)
	}
	return &r
}

// TestGunicornWorkersUnderEBPF: under gunicorn -w 2, concurrent requests
// served by both workers are one server request listing both pids.
func TestGunicornWorkersUnderEBPF(t *testing.T) {
	requireEBPF(t)
	requireModule(t, "/usr/bin/python3", "gunicorn")
	withPoints(t, "wsgi.point", checkGunicorn)
}

func checkGunicorn(t *testing.T, points []string) {
	dir := t.TempDir()
	cfg := writeConf(t, dir, "[Probe]\nuri_replace_pattern = s#/work/[0-9]+#/work/<n>#\n")
	port := freePort(t)
	args := append([]string{"--mode", "ebpf", "-c", cfg, "--report", "r.json"}, points...)
	a := startTraced(t, dir, append(args, "--",
		"/usr/bin/python3", "-m", "gunicorn", "-w", "2", "-b", fmt.Sprintf("127.0.0.1:%d", port),
		"--chdir", mustAbs(t, "testdata/requests"), "wsgiapp:app")...)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	_, master := get(t, base+"/master", 30*time.Second)
	pids := map[string]int{}
	sent := 0
	for round := 0; round < 20 && len(pids) < 2; round++ {
		res := make(chan string, 8)
		for i := 0; i < 8; i++ {
			go func(i int) {
				// not get: t.Fatal must not run outside the test's goroutine
				resp, err := http.Get(fmt.Sprintf("%s/work/%d", base, i))
				if err != nil {
					res <- "error: " + err.Error()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				res <- string(b)
			}(i)
		}
		for i := 0; i < 8; i++ {
			pids[<-res]++
		}
		sent += 8
	}
	if len(pids) < 2 {
		t.Fatalf("one worker served every request: %v", pids)
	}
	var mpid int
	fmt.Sscan(master, &mpid)
	if err := syscall.Kill(mpid, syscall.SIGTERM); err != nil {
		t.Fatalf("stopping gunicorn (pid %s): %v", master, err)
	}
	a.wait(t, 60*time.Second)
	rep := readFullReport(t, filepath.Join(dir, "r.json"))
	for _, sr := range rep.ServerRequests {
		if sr.Name != "/work/<n>" {
			continue
		}
		if sr.Count != uint64(sent) || len(sr.PIDs) != 2 {
			t.Errorf("/work/<n>: count %d, pids %v; want %d requests by the 2 workers %v", sr.Count, sr.PIDs, sent, pids)
		}
		if n := methodCountOf(rep, "gunicorn.workers.sync", "SyncWorker", "handle_request"); len(points) > 0 && n != uint64(sent+1) {
			t.Errorf("gunicorn.workers.sync.SyncWorker.handle_request: count %d, want %d", n, sent+1)
		}
		return
	}
	t.Errorf("server_requests = %+v, want /work/<n>", rep.ServerRequests)
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRequestsAttachUnderEBPF: --pid with no points file runs the request
// layer alone on a running server, until SIGINT.
func TestRequestsAttachUnderEBPF(t *testing.T) {
	requireEBPF(t)
	port := freePort(t)
	app := exec.Command("/usr/bin/python3", mustAbs(t, "testdata/requests/serve.py"), fmt.Sprint(port))
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	get(t, base+"/n/0", 30*time.Second) // before the tracer: not counted
	dir := t.TempDir()
	cfg := writeConf(t, dir, "[Probe]\nuri_replace_pattern = s#/n/[0-9]+#/n/<k>#\n")
	a := startTraced(t, dir, "--pid", fmt.Sprint(app.Process.Pid), "-c", cfg, "--report", "r.json")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if b, _ := os.ReadFile(a.log); strings.Contains(string(b), "attached to pid") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the tracer did not attach")
		}
	}
	for i := 1; i <= 3; i++ {
		if code, body := get(t, fmt.Sprintf("%s/n/%d", base, i), 0); code != 200 || body != "42" {
			t.Fatalf("/n/%d: %d %q", i, code, body)
		}
	}
	a.cmd.Process.Signal(syscall.SIGINT)
	a.wait(t, 30*time.Second)
	rep := readFullReport(t, filepath.Join(dir, "r.json"))
	if len(rep.ServerRequests) != 1 || rep.ServerRequests[0].Name != "/n/<k>" || rep.ServerRequests[0].Count != 3 {
		t.Errorf("server_requests = %+v, want /n/<k> 3 times", rep.ServerRequests)
	}
	if len(rep.SQL) != 1 || rep.SQL[0].Count != 3 {
		t.Errorf("sql = %+v, want one statement 3 times", rep.SQL)
	}
}
