package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// tracerBin is the hpdiag-trace binary built once for the tests that run it
// as a user would.
var tracerBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hpdiag-trace-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tracerBin = filepath.Join(dir, "hpdiag-trace")
	build := exec.Command("go", "build", "-o", tracerBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building hpdiag-trace:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// interpreters returns the CPython 3.8+ interpreters installed here. With
// CI=true, finding none fails the test instead of skipping it.
func interpreters(t *testing.T) []string {
	t.Helper()
	found, _ := filepath.Glob("/root/.pyenv/versions/3.*/bin/python3")
	var pys []string
	for _, p := range found {
		v := filepath.Base(filepath.Dir(filepath.Dir(p)))
		if strings.HasPrefix(v, "3.6") || strings.HasPrefix(v, "3.7") {
			continue
		}
		pys = append(pys, p)
	}
	if _, err := os.Stat("/usr/bin/python3.11"); err == nil {
		pys = append(pys, "/usr/bin/python3.11")
	}
	if len(pys) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no CPython 3.8+ interpreter found under /root/.pyenv/versions or /usr/bin/python3.11")
		}
		t.Skip("no CPython 3.8+ interpreter installed")
	}
	sort.Strings(pys)
	return pys
}

// result is one run of the tracer binary.
type result struct {
	code           int
	stdout, stderr string
}

func runTracer(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runCmd(t, exec.Command(tracerBin, args...), dir)
}

// runCmd runs cmd in dir and returns what it printed and the exit code a
// shell would report (128+N when signal N killed it).
func runCmd(t *testing.T, cmd *exec.Cmd, dir string) result {
	t.Helper()
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		t.Fatalf("running %v: %v", cmd.Args, err)
	}
	return result{code, out.String(), errb.String()}
}

// jsonReport is the part of the JSON report the tests read.
type jsonReport struct {
	Probe struct {
		ID     string  `json:"id"`
		Engine string  `json:"engine"`
		Python string  `json:"python"`
		PIDs   []int32 `json:"pids"`
	} `json:"probe"`
	ServerRequests []struct {
		Name   string  `json:"name"`
		Type   string  `json:"type"`
		Count  int     `json:"count"`
		Errors int     `json:"errors"`
		PIDs   []int32 `json:"pids"`
	} `json:"server_requests"`
	Methods []struct {
		Module string `json:"module"`
		Class  string `json:"class"`
		Method string `json:"method"`
		Layer  string `json:"layer"`
		Count  int    `json:"count"`
		Errors int    `json:"errors"`
	} `json:"methods"`
	DroppedEvents uint64 `json:"dropped_events"`
}

func readReport(t *testing.T, path string) jsonReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the report: %v", err)
	}
	var r jsonReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("decoding the report %s: %v\n%s", path, err, data)
	}
	return r
}

// freePort returns a TCP port free on 127.0.0.1 now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
