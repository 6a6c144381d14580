package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hpdiag/hpdiag-trace/shim"
)

// hpdiagPath installs the hpdiag package into a new directory, for
// PYTHONPATH: what `setup` puts into site-packages, without an interpreter
// to change.
func hpdiagPath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := shim.InstallPackage(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runTracerEnv is runTracer with extra environment variables.
func runTracerEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(tracerBin, args...)
	cmd.Env = append(os.Environ(), env...)
	return runCmd(t, cmd, dir)
}

// TestPyprobeConfKeysAndFailingCustomCode: auto_instrument = false traces
// nothing before pyprobe.instrument(); error_on_duplicate_location raises
// ValueError in the app; custom code that raises, or does not exist, is
// logged by the tracer and the app's results are its own.
func TestPyprobeConfKeysAndFailingCustomCode(t *testing.T) {
	pkg := hpdiagPath(t)
	for _, py := range interpreters(t) {
		py := py
		t.Run(strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) {
			t.Parallel()
			report := filepath.Join(t.TempDir(), "r.json")
			r := runTracerEnv(t, "testdata/features", []string{"PYTHONPATH=" + pkg},
				"-d", ".", "-c", "features.conf", "-p", "features.point", "--report", report, "--", py, "features.py")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			want := "early\nearly\nboom 2 3\nduplicate: ValueError True\n"
			if r.stdout != want {
				t.Errorf("stdout %q, want %q", r.stdout, want)
			}
			for _, msg := range []string{
				"custom_fct_before raised KeyError: 'custom code bug'; the application was not affected",
				`File "custom_code/raises.py", line 2, in custom_fct_before`,
				"custom code missing_file: custom_code/missing_file.py does not exist",
			} {
				if !strings.Contains(r.stderr, msg) {
					t.Errorf("the tracer's log lacks %q:\n%s", msg, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "_hpdiag_shim") {
				t.Errorf("the log shows the shim's own frames:\n%s", r.stderr)
			}
			got := map[string]int{}
			for _, m := range readReport(t, report).Methods {
				got[m.Module+"."+m.Method] = m.Count
			}
			if got["features.early"] != 1 || got["features.boom"] != 2 || len(got) != 2 {
				t.Errorf("methods %v, want features.early 1 (after instrument() only) and features.boom 2", got)
			}
		})
	}
}

// TestHTTPColoring: with points/http_coloring.point, http.client requests
// carry X-Mercury-Diag-HTTP-Color and a W3C traceparent; the http.server
// reading them makes inbound HTTP server requests named by their URI, the
// 503 an error; the client calls are outbound calls to their URLs; a call
// made while serving a colored request carries its trace id.
func TestHTTPColoring(t *testing.T) {
	for _, py := range interpreters(t) {
		py := py
		t.Run(strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) {
			t.Parallel()
			report := filepath.Join(t.TempDir(), "r.json")
			r := runTracer(t, "testdata/features", "-p", "coloring.point", "--report", report, "--", py, "coloring.py")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			want := "/a 200 color traceparent\n/fail 503 color traceparent\n/chain same trace\n"
			if r.stdout != want {
				t.Errorf("stdout %q, want %q (the server did not get the coloring headers)\n%s", r.stdout, want, r.stderr)
			}
			data, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			var rep struct {
				ServerRequests []struct {
					Name    string `json:"name"`
					Type    string `json:"type"`
					Count   int    `json:"count"`
					Errors  int    `json:"errors"`
					Inbound bool   `json:"inbound"`
				} `json:"server_requests"`
				Outbound []struct {
					Target string `json:"target"`
					Count  int    `json:"count"`
				} `json:"outbound"`
			}
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			srs := map[string]string{}
			for _, sr := range rep.ServerRequests {
				srs[sr.Name] = sr.Type
				switch sr.Name {
				case "/a", "/fail":
					wantErr := 0
					if sr.Name == "/fail" {
						wantErr = 1
					}
					if sr.Type != "HTTP" || !sr.Inbound || sr.Count != 1 || sr.Errors != wantErr {
						t.Errorf("server request %+v, want HTTP, inbound, 1 request, %d errors", sr, wantErr)
					}
				}
			}
			if srs["/a"] == "" || srs["/fail"] == "" {
				t.Errorf("server requests %v, want /a and /fail", srs)
			}
			n := 0
			for _, o := range rep.Outbound {
				if strings.HasPrefix(o.Target, "http://127.0.0.1:") {
					n += o.Count
				}
			}
			if n != 4 {
				t.Errorf("outbound %+v, want 4 calls to http://127.0.0.1:PORT (/a, /fail, /chain and /leaf)", rep.Outbound)
			}
		})
	}
}

// TestRequestsColoring: requests (and the urllib3 under it) add the
// coloring headers too. It runs with the interpreters that have requests
// installed; with CI=true, none having it fails the test.
func TestRequestsColoring(t *testing.T) {
	var with []string
	for _, py := range interpreters(t) {
		if exec.Command(py, "-c", "import requests, urllib3").Run() == nil {
			with = append(with, py)
		} else {
			t.Logf("%s: no requests/urllib3 installed, not tested with it", py)
		}
	}
	if len(with) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no interpreter here has requests and urllib3, and CI=true")
		}
		t.Skip("no interpreter here has requests and urllib3")
	}
	for _, py := range with {
		report := filepath.Join(t.TempDir(), "r.json")
		r := runTracer(t, "testdata/features", "-p", "coloring.point", "--report", report, "--", py, "coloring_requests.py")
		if r.code != 0 || r.stdout != "/r 200 color traceparent\n" {
			t.Errorf("%s: exit %d stdout %q, want the coloring headers at the server\n%s", py, r.code, r.stdout, r.stderr)
		}
		got := map[string]int{}
		for _, m := range readReport(t, report).Methods {
			got[m.Module+"."+m.Class+"."+m.Method] = m.Count
		}
		if got["requests.sessions.Session.request"] != 1 || got["urllib3.connectionpool.HTTPConnectionPool.urlopen"] != 1 {
			t.Errorf("%s: methods %v, want requests' and urllib3's outbound points once each", py, got)
		}
	}
}

// TestWSGIColoring: hpdiag.wsgi_inbound on a WSGI callable reads the
// coloring from environ and names the request by its path and query.
func TestWSGIColoring(t *testing.T) {
	for _, py := range interpreters(t) {
		report := filepath.Join(t.TempDir(), "r.json")
		r := runTracer(t, "testdata/features", "-q", "-p", "wsgi.point", "--report", report, "--", py, "wsgi.py")
		if r.code != 0 || r.stdout != "colored\n" {
			t.Errorf("%s: exit %d stdout %q, want the coloring header in environ\n%s", py, r.code, r.stdout, r.stderr)
			continue
		}
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			ServerRequests []struct {
				Name    string `json:"name"`
				Type    string `json:"type"`
				Count   int    `json:"count"`
				Inbound bool   `json:"inbound"`
			} `json:"server_requests"`
		}
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, sr := range rep.ServerRequests {
			if sr.Name == "/w?x=1" {
				found = sr.Type == "HTTP" && sr.Inbound && sr.Count == 1
			}
		}
		if !found {
			t.Errorf("%s: server requests %+v, want /w?x=1: HTTP, inbound, once", py, rep.ServerRequests)
		}
	}
}

// TestInstrumentLoadedModules: pyprobe.init() on its own (the collector)
// leaves modules imported before it untraced unless instrument_loaded_modules.
func TestInstrumentLoadedModules(t *testing.T) {
	pkg := hpdiagPath(t)
	app, _ := filepath.Abs("testdata/features/loaded.py")
	etc, _ := filepath.Abs("testdata/features")
	py := interpreters(t)[0]
	for _, tt := range []struct {
		conf string
		want map[string]int
	}{
		{"loaded_off.conf", map[string]int{"late_mod.work": 1}},
		{"loaded_on.conf", map[string]int{"early_mod.work": 1, "late_mod.work": 1}},
	} {
		dir := t.TempDir()
		cmd := exec.Command(py, app, tt.conf)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONPATH="+pkg, "PYPROBE_CONFIG_DIR="+etc,
			"PYPROBE_BIN_DIR="+filepath.Dir(tracerBin), "TMPDIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != "10 200\n" {
			t.Fatalf("%s: %v\n%s", tt.conf, err, out)
		}
		got := map[string]int{}
		for _, m := range readReport(t, filepath.Join(dir, "loaded.json")).Methods {
			got[m.Module+"."+m.Method] = m.Count
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: methods %v, want %v", tt.conf, got, tt.want)
		}
		for k, n := range tt.want {
			if got[k] != n {
				t.Errorf("%s: methods %v, want %v", tt.conf, got, tt.want)
			}
		}
	}
}
