package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pyprobeWant are the exact counts of testdata/pyprobe/app.py: a class_point
// with method "^fib$|rfib" (fib 7, rfib 177+19, rfib_seq 1), a method_point
// with args (fib_seq2), a func_point under a memoizing decorator (mfib, once
// per n), a PointList point (helpers.compute), and the points file's
// handlers.handle whose custom code rewrites its arguments.
var pyprobeWant = map[string][2]int{
	"fibo.Fibo.fib":      {7, 0},
	"fibo.Fibo.rfib":     {196, 0},
	"fibo.Fibo.rfib_seq": {1, 0},
	"fibo.Fibo.fib_seq2": {1, 0},
	"fibo.mfib":          {13, 0},
	"helpers.compute":    {3, 0},
	"handlers.handle":    {3, 0},
}

// pyprobeOutput is what the app prints when custom code rewrote handle()'s
// arguments: the status became an int, the keyword tag was added.
var pyprobeOutput = []string{
	"handle ('/order/1;jsessionid=a', 200, 'int', 'rewritten')",
	"handle ('/order/22;jsessionid=b', 503, 'int', 'rewritten')",
	"handle ('/order/333', 200, 'int', 'rewritten')",
	"fib_seq2 [0, 1, 1, 2, 3, 5]",
	"mfib 144",
}

// TestPyprobeAppInVenv is issue 5's acceptance test. For every interpreter:
// a venv, `hpdiag-trace setup` installing hpdiag into it, the guide-style app
// run under hpdiag-trace (launch) and on its own (pyprobe.init() starts the
// collector), exact counts both ways, the custom code's URI named through
// uri_replace_pattern and its 503 an error, and after `setup --remove`
// hpdiag no longer importable.
func TestPyprobeAppInVenv(t *testing.T) {
	app, _ := filepath.Abs("testdata/pyprobe/app.py")
	etc, _ := filepath.Abs("testdata/pyprobe/etc")
	for _, py := range interpreters(t) {
		py := py
		t.Run(strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			venv := filepath.Join(dir, "venv")
			if out, err := exec.Command(py, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
				t.Fatalf("%s -m venv: %v\n%s", py, err, out)
			}
			vpy := filepath.Join(venv, "bin", "python")
			home := filepath.Join(dir, "home")
			r := runTracer(t, dir, "setup", "--python", vpy, "--home", home, "--yes")
			if r.code != 0 {
				t.Fatalf("setup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, f := range []string{"etc/probe.conf", "etc/http_coloring.point", "etc/custom_code", "bin/hpdiag-trace", "log", "backups/installed_files"} {
				if _, err := os.Stat(filepath.Join(home, f)); err != nil {
					t.Errorf("setup did not create %s: %v", f, err)
				}
			}

			// Launched by hpdiag-trace: pyprobe.init() is a no-op.
			r = runTracer(t, dir, "-d", etc, "-c", "app_probe.conf", "-p", "app.point", "--report", "r.json", "--", vpy, app)
			if r.code != 0 {
				t.Fatalf("launch: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			checkPyprobeRun(t, "launch", r.stdout, filepath.Join(dir, "r.json"))
			if strings.Contains(r.stderr, "raised") || strings.Contains(r.stderr, "Warning") {
				t.Errorf("launch: custom code or pyprobe complained:\n%s", r.stderr)
			}

			// On its own: pyprobe.init() starts home/bin/hpdiag-trace collect.
			cwd := filepath.Join(dir, "alone")
			if err := os.Mkdir(cwd, 0o755); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir() // where the collector's log goes (no log dir beside etc)
			cmd := exec.Command(vpy, app)
			cmd.Dir = cwd
			cmd.Env = append(os.Environ(), "PYPROBE_CONFIG_DIR="+etc, "PYPROBE_BIN_DIR="+filepath.Join(home, "bin"), "TMPDIR="+tmp)
			var appErr strings.Builder
			cmd.Stderr = &appErr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("collector run: %v\n%s\n%s", err, out, appErr.String())
			}
			if appErr.Len() != 0 {
				t.Errorf("the app's stderr is not its own under pyprobe.init(): %q", appErr.String())
			}
			checkPyprobeRun(t, "collector", string(out), filepath.Join(cwd, "report.json"))
			logs, _ := filepath.Glob(filepath.Join(tmp, "hpdiag-collector-*.log"))
			if len(logs) != 1 {
				t.Fatalf("collector logs %v, want one", logs)
			}
			if data, _ := os.ReadFile(logs[0]); !strings.Contains(string(data), "report: report.json") || strings.Contains(string(data), "warning") {
				t.Errorf("collector log %s:\n%s", logs[0], data)
			}

			r = runTracer(t, dir, "setup", "--remove", "--home", home, "--yes")
			if r.code != 0 {
				t.Fatalf("setup --remove: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if out, err := exec.Command(vpy, "-c", "import hpdiag").CombinedOutput(); err == nil {
				t.Errorf("hpdiag still importable after setup --remove:\n%s", out)
			}
			if left, _ := filepath.Glob(filepath.Join(venv, "lib", "python*", "site-packages", "hpdiag")); len(left) != 0 {
				t.Errorf("setup --remove left %v", left)
			}
			if _, err := os.Stat(home); !os.IsNotExist(err) {
				t.Errorf("home %s still there after --remove (%v)", home, err)
			}
			if renamed, _ := filepath.Glob(home + ".2*-*"); len(renamed) != 1 {
				t.Errorf("home renamed to %v, want one home.<date>-<time>", renamed)
			}
		})
	}
}

// checkPyprobeRun checks one run of the pyprobe app: its output and its report.
func checkPyprobeRun(t *testing.T, how, stdout, report string) {
	t.Helper()
	for _, line := range pyprobeOutput {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("%s: the app did not print %q:\n%s", how, line, stdout)
		}
	}
	rep := readReport(t, report)
	got := map[string][2]int{}
	layers := map[string]string{}
	for _, m := range rep.Methods {
		name := m.Module + "." + m.Method
		if m.Class != "" {
			name = m.Module + "." + m.Class + "." + m.Method
		}
		got[name] = [2]int{m.Count, m.Errors}
		layers[name] = m.Layer
	}
	for name, w := range pyprobeWant {
		if got[name] != w {
			t.Errorf("%s: %s count, errors = %v, want %v", how, name, got[name], w)
		}
	}
	if len(got) != len(pyprobeWant) {
		t.Errorf("%s: methods %v, want exactly %v", how, got, pyprobeWant)
	}
	for name, layer := range map[string]string{"fibo.Fibo.rfib": "fiboLayer", "fibo.Fibo.fib_seq2": "fibolayer", "helpers.compute": "Helpers", "handlers.handle": "Web"} {
		if layers[name] != layer {
			t.Errorf("%s: %s layer %q, want %q", how, name, layers[name], layer)
		}
	}
	found := false
	for _, sr := range rep.ServerRequests {
		if sr.Name == "/order/{id}" {
			found = true
			if sr.Type != "HTTP" || sr.Count != 3 || sr.Errors != 1 {
				t.Errorf("%s: server request %+v, want HTTP, 3 requests, 1 error (the 503)", how, sr)
			}
		}
	}
	if !found {
		t.Errorf("%s: no server request /order/{id} (custom code's uri through uri_replace_pattern): %+v", how, rep.ServerRequests)
	}
}

// TestPyprobeDummyFallback: without the hpdiag package the guide's dummy
// pyprobe keeps the app running; under hpdiag-trace the points file (and
// its custom code) still applies, the decorators do not.
func TestPyprobeDummyFallback(t *testing.T) {
	app, _ := filepath.Abs("testdata/pyprobe/app.py")
	etc, _ := filepath.Abs("testdata/pyprobe/etc")
	py := interpreters(t)[0]
	out, err := exec.Command(py, app).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Warning: Cannot initialize HP Diagnostics Python Agent") ||
		!strings.Contains(string(out), "handle ('/order/1;jsessionid=a', '200', 'str', 'original')") {
		t.Fatalf("plain run without hpdiag: %v\n%s", err, out)
	}
	dir := t.TempDir()
	r := runTracer(t, dir, "-d", etc, "-c", "app_probe.conf", "-p", "app.point", "--report", "r.json", "--", py, app)
	if r.code != 0 || !strings.Contains(r.stdout, "handle ('/order/1;jsessionid=a', 200, 'int', 'rewritten')") {
		t.Fatalf("traced without hpdiag: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := readReport(t, filepath.Join(dir, "r.json"))
	if len(rep.Methods) != 1 || rep.Methods[0].Method != "handle" || rep.Methods[0].Count != 3 {
		t.Errorf("methods %+v, want only handlers.handle, 3 calls", rep.Methods)
	}
}
