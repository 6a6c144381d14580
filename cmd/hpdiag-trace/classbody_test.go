package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestClassBodiesAreNotCalls: points that select every name still see only
// the functions and methods called, not the class bodies (whose code is
// named after the class), on every interpreter and with both engines.
func TestClassBodiesAreNotCalls(t *testing.T) {
	want := map[string]int{"make": 3, "Shop.price": 1}
	modes := []string{"shim"}
	if ebpfAvailable() == nil || os.Getenv("CI") == "true" {
		modes = append(modes, "ebpf")
	}
	for _, mode := range modes {
		for _, py := range interpreters(t) {
			mode, py := mode, py
			t.Run(mode+"/"+strings.TrimPrefix(py, "/root/.pyenv/versions/"), func(t *testing.T) {
				t.Parallel()
				checkClassBodies(t, mode, py, want)
			})
		}
	}
}

func checkClassBodies(t *testing.T, mode, py string, want map[string]int) {
	report := filepath.Join(t.TempDir(), "r.json")
	r := runTracer(t, ".", "--mode", mode, "-q", "-p", "testdata/apps/classbody.point", "--report", report, "--", py, "testdata/apps/classbody.py")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := map[string]int{}
	for _, m := range readReport(t, report).Methods {
		name := m.Method
		if m.Class != "" {
			name = m.Class + "." + m.Method
		}
		got[name] = m.Count
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("methods = %v, want %v\nstderr:\n%s", got, want, r.stderr)
	}
}
