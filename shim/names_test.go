package shim

import (
	"os"
	"path/filepath"
	"testing"
)

// TestNames runs testdata/names_check.py, which checks the shim's rebuilt
// qualified names (Python <= 3.10 has no co_qualname) and argument capture
// against what Python itself says, on every supported interpreter.
func TestNames(t *testing.T) {
	script, _ := filepath.Abs("testdata/names_check.py")
	dir, err := extract(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, py := range supportedPythons(t) {
		py := py
		t.Run(pyName(py), func(t *testing.T) {
			t.Parallel()
			r := run(t, os.Environ(), py, script, dir)
			if r.code != 0 || r.stdout != "ok\n" {
				t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestCustomArgs runs testdata/custom_check.py, which checks how custom
// code reads a starting call's arguments and writes method_args /
// method_kws back into its frame (cells, *args, **kwargs, keyword-only,
// methods and classmethods) on every supported interpreter.
func TestCustomArgs(t *testing.T) {
	script, _ := filepath.Abs("testdata/custom_check.py")
	dir, err := extract(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, py := range supportedPythons(t) {
		py := py
		t.Run(pyName(py), func(t *testing.T) {
			t.Parallel()
			r := run(t, os.Environ(), py, script, dir)
			if r.code != 0 || r.stdout != "ok\n" {
				t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}
