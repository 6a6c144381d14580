//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalsReachTheApp: a signal sent to the tracer reaches the launched
// app exactly once, the report is written when the app exits, and the app's
// exit code is the tracer's.
func TestSignalsReachTheApp(t *testing.T) {
	py := interpreters(t)[0]
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 7}, {syscall.SIGINT, 8}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			report := filepath.Join(dir, "r.json")
			cmd := exec.Command(tracerBin, "--mode", "shim", "-q", "-p", "testdata/apps/waiter.point",
				"--report", report, "--", py, "testdata/apps/waiter.py")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := bufio.NewScanner(stdout)
			if !lines.Scan() || lines.Text() != "ready" {
				t.Fatalf("app did not get ready: %q", lines.Text())
			}
			appPID := findChild(t, cmd.Process.Pid)
			defer syscall.Kill(appPID, syscall.SIGKILL)
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			var rest []string
			for lines.Scan() {
				rest = append(rest, lines.Text())
			}
			err = cmd.Wait()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			if code != tc.code {
				t.Errorf("tracer exit %d, want the app's %d (err %v)", code, tc.code, err)
			}
			if want := "got signal " + strconv.Itoa(int(tc.sig)); strings.Join(rest, "\n") != want {
				t.Errorf("app printed %q after ready, want exactly %q", rest, want)
			}
			rep := readReport(t, report)
			if len(rep.Methods) != 1 || rep.Methods[0].Count != 3 {
				t.Errorf("methods = %+v, want work x3", rep.Methods)
			}
		})
	}
}

// TestExitCodeIsTheApps: the tracer exits with the app's own code.
func TestExitCodeIsTheApps(t *testing.T) {
	py := interpreters(t)[0]
	for _, code := range []string{"0", "1", "42"} {
		r := runTracer(t, ".", "--mode", "shim", "-q", "-p", "testdata/apps/exit.point", "--", py, "testdata/apps/exit.py", code)
		if strconv.Itoa(r.code) != code {
			t.Errorf("exit %d, want %s; stderr %s", r.code, code, r.stderr)
		}
	}
}

// findChild returns the pid of the app the tracer launched.
func findChild(t *testing.T, parent int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("pgrep", "-P", strconv.Itoa(parent)).Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			pid, err := strconv.Atoi(f[0])
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no child of tracer pid %d", parent)
	return 0
}

// TestClosedStderr: a reader that went away (hpdiag-trace ... 2>&1 | head)
// costs neither the report nor the app's exit code.
func TestClosedStderr(t *testing.T) {
	py := interpreters(t)[0]
	report := filepath.Join(t.TempDir(), "r.json")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd := exec.Command(tracerBin, "-p", "testdata/apps/exit.point", "--report", report, "--",
		py, "testdata/apps/exit.py", "5")
	cmd.Stderr = w
	err = cmd.Run()
	w.Close()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != 5 {
		t.Errorf("exit %d (%v), want the app's 5", code, err)
	}
	if rep := readReport(t, report); len(rep.Methods) != 1 {
		t.Errorf("methods = %+v", rep.Methods)
	}
}
