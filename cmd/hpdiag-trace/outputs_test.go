package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/internal/otlptest"
)

// flaskPython returns Debian's python3.11 when it has Flask (python3-flask);
// without it the test fails under CI=true and is skipped elsewhere.
func flaskPython(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3.11"
	if err := exec.Command(py, "-c", "import flask").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s cannot import flask (%v): apt-get install -y python3-flask (.ci/run does it)", py, err)
		}
		t.Skipf("%s cannot import flask: apt-get install -y python3-flask", py)
	}
	return py
}

// eventually polls cond until it holds, failing after a generous deadline
// (a bound on a hang, not a timing assertion).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func httpGet(t *testing.T, url, user, pass string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	c := http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestFlaskMediatorOutage is issue 6's acceptance test. A Flask app runs
// under the tracer with [Mediator] on a loopback OTLP/HTTP receiver: 10
// requests; the receiver stops for 5 seconds while 10 more arrive; it comes
// back. The receiver ends up with all 20 server spans, named with the mapped
// route. Along the way: /metrics refuses missing and wrong credentials and
// answers Prometheus text to the right ones, /status shows nothing lost,
// the log file is written, and the HTML report, opened in headless
// Chromium, shows the server request names.
func TestFlaskMediatorOutage(t *testing.T) {
	py := flaskPython(t)
	rcv, err := otlptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Stop()
	dir := t.TempDir()
	appPort, probePort := freePort(t), freePort(t)
	enc, err := conf.EncodePassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(rcv.Addr())
	probeConf := fmt.Sprintf(`[Mediator]
hostname = %s
port = %s
reconnect_timeout = 1s
keep_alive_interval = 1s
buffer_dir = %s
[Logging]
file = %s
level = INFO
[Probe]
probe_id = flask-test
uri_replace_pattern = s#^/items/[0-9]+$#/items/{id}#
minimum_method_latency = 0
minimum_fragment_latency = 0
httpserver_port = %d
username = ops
password = %s
[SystemMetricsCollector]
enabled = true
sampling_rate = 1s
`, host, port, filepath.Join(dir, "buffer"), filepath.Join(dir, "log", "probe.log"), probePort, enc)
	if err := os.WriteFile(filepath.Join(dir, "probe.conf"), []byte(probeConf), 0o600); err != nil {
		t.Fatal(err)
	}
	app, _ := filepath.Abs("testdata/flask/app.py")
	points, _ := filepath.Abs("testdata/flask/flask.point")
	report := filepath.Join(dir, "report.html")
	cmd := exec.Command(tracerBin, "-d", dir, "-c", "probe.conf", "--mode", "shim", "-p", points,
		"--report", report, "--", py, app, fmt.Sprint(appPort))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OTEL_EXPORTER_OTLP_ENDPOINT=", "OTEL_SDK_DISABLED=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 10 * time.Second // the app may hold stderr a while after the tracer died
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	ended := false
	defer func() {
		if !ended {
			// Stop the app through its /quit, then the tracer by its pid.
			c := http.Client{Timeout: 5 * time.Second}
			if resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/quit", appPort)); err == nil {
				resp.Body.Close()
			}
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() || os.Getenv("HPDIAG_TEST_SHOW_STDERR") != "" {
			t.Logf("tracer stderr:\n%s", stderr.String())
		}
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", appPort)
	eventually(t, "the app to listen", func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", appPort))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	serverSpans := func() map[string]string { // url.path -> span name
		got := map[string]string{}
		for _, s := range rcv.Spans() {
			if s.Attrs["http.route"] == "/items/{id}" {
				got[s.Attrs["url.path"]] = s.Name
			}
		}
		return got
	}
	for i := range 10 {
		if code, body := httpGet(t, fmt.Sprintf("%s/items/%d", base, i), "", ""); code != 200 {
			t.Fatalf("GET /items/%d = %d %s", i, code, body)
		}
	}
	eventually(t, "the first 10 server spans", func() bool { return len(serverSpans()) == 10 })

	probe := fmt.Sprintf("http://127.0.0.1:%d/metrics", probePort)
	for _, c := range []struct{ user, pass string }{{"", ""}, {"ops", "wrong"}, {"root", "s3cret"}} {
		if code, _ := httpGet(t, probe, c.user, c.pass); code != 401 {
			t.Errorf("/metrics with %q:%q = %d, want 401", c.user, c.pass, code)
		}
	}
	code, metrics := httpGet(t, probe, "ops", "s3cret")
	if code != 200 || !strings.Contains(metrics, "# TYPE hpdiag_server_request_duration_seconds summary") ||
		!strings.Contains(metrics, `hpdiag_server_request_duration_seconds_count{name="/items/{id}",type="HTTP"} 10`) {
		t.Errorf("/metrics = %d:\n%s", code, metrics)
	}

	rcv.Stop()
	for i := 10; i < 20; i++ {
		if code, body := httpGet(t, fmt.Sprintf("%s/items/%d", base, i), "", ""); code != 200 {
			t.Fatalf("GET /items/%d = %d %s", i, code, body)
		}
	}
	time.Sleep(5 * time.Second) // the outage the issue describes
	if err := rcv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "all 20 server spans after the outage", func() bool { return len(serverSpans()) == 20 })
	for i := range 20 {
		if name := serverSpans()[fmt.Sprintf("/items/%d", i)]; name != "GET /items/{id}" {
			t.Errorf("span of /items/%d is named %q, want \"GET /items/{id}\"", i, name)
		}
	}
	eventually(t, "the metrics, heartbeat and system metrics", func() bool {
		seen := map[string]bool{}
		for _, n := range rcv.MetricNames() {
			seen[n] = true
		}
		return seen["http.server.request.duration"] && seen["hpdiag.probe.uptime"] &&
			seen["hpdiag.method.calls"] && seen["system.cpu.utilization"] && seen["process.memory.usage"]
	})
	code, status := httpGet(t, strings.Replace(probe, "/metrics", "/status", 1), "ops", "s3cret")
	var st struct {
		ProbeID  string `json:"probe_id"`
		PIDs     []int  `json:"pids"`
		Mediator struct {
			SpansOverflowed, SpansBuffered, SpansReplayed, Outages uint64
		} `json:"mediator"`
	}
	json.Unmarshal([]byte(status), &st)
	var med map[string]any
	var raw map[string]json.RawMessage
	json.Unmarshal([]byte(status), &raw)
	json.Unmarshal(raw["mediator"], &med)
	if code != 200 || st.ProbeID != "flask-test" || len(st.PIDs) != 1 || med["spans_overflowed"] != 0.0 ||
		med["spans_buffered"].(float64) == 0 || med["outages"].(float64) == 0 {
		t.Errorf("/status = %d %s", code, status)
	}

	httpGet(t, base+"/quit", "", "")
	select {
	case err := <-exited:
		ended = true
		if err != nil {
			t.Fatalf("tracer: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the tracer did not end after the app quit")
	}
	if !strings.Contains(stderr.String(), "Mediator http/protobuf "+rcv.Addr()) || !strings.Contains(stderr.String(), "overflowed 0, pending 0") {
		t.Errorf("the console summary lacks the mediator line:\n%s", stderr.String())
	}
	if log, err := os.ReadFile(filepath.Join(dir, "log", "probe.log")); err != nil || !strings.Contains(string(log), "mediator unreachable") {
		t.Errorf("log file: %v\n%s", err, log)
	}
	dom := renderHTML(t, report)
	if !strings.Contains(dom, `<td class="name sr-name">/items/{id}</td>`) {
		t.Errorf("the HTML report in Chromium does not show /items/{id}:\n%.3000s", dom)
	}
}

// renderHTML opens a page in Debian's headless Chromium and returns the DOM
// after its script ran.
func renderHTML(t *testing.T, file string) string {
	t.Helper()
	bin := "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is missing: apt-get install -y chromium (.ci/run does it)")
		}
		t.Skip("chromium is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+file).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}
