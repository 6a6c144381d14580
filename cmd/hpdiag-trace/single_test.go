package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSingle: --single imports the script as a module named by its file
// stem and calls its main(), whose return value is the exit status; a script
// without main() still runs.
func TestSingle(t *testing.T) {
	py := interpreters(t)[0]
	tests := []struct {
		name, script, point string
		args                []string
		wantCode            int
		wantOut             string
		wantCounts          map[string]int
	}{
		{"main() called, stem is the module", "withmain.py", "withmain.point", []string{"a", "b"}, 3,
			"name withmain argv ['a', 'b'] path0 True\n", map[string]int{"main": 1, "helper": 2}},
		{"main() inside try/finally, as the guide writes a main script", "trymain.py", "trymain.point", nil, 0,
			"finally\nname trymain helper 2\n", map[string]int{"main": 1, "helper": 1}},
		{"script without main() runs", "nomain.py", "nomain.point", nil, 0,
			"steps 10\n", map[string]int{"step": 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			report := filepath.Join(dir, "r.json")
			args := []string{"-s", "-q", "--mode", "shim", "-p", "testdata/apps/" + tt.point, "--report", report, "--", py, "testdata/apps/" + tt.script}
			r := runTracer(t, ".", append(args, tt.args...)...)
			if r.code != tt.wantCode || r.stdout != tt.wantOut {
				t.Fatalf("exit %d stdout %q, want %d %q; stderr %s", r.code, r.stdout, tt.wantCode, tt.wantOut, r.stderr)
			}
			got := map[string]int{}
			for _, m := range readReport(t, report).Methods {
				got[m.Method] = m.Count
			}
			for name, n := range tt.wantCounts {
				if got[name] != n {
					t.Errorf("%s counted %d, want %d (all: %v)", name, got[name], n, got)
				}
			}
		})
	}
}

func TestSingleCommand(t *testing.T) {
	tests := []struct {
		argv    []string
		script  int // index of the script in argv, -1 for an error
		wantErr string
	}{
		{[]string{"python3", "app.py", "x"}, 1, ""},
		{[]string{"python3", "-u", "-X", "dev", "-Wignore", "app.py"}, 5, ""},
		{[]string{"python3", "-m", "app"}, -1, "not \"-m\""},
		{[]string{"gunicorn", "app:wsgi"}, -1, "give python SCRIPT.py"},
		{[]string{"python3", "my.script.py"}, -1, "must not contain dots"},
		{[]string{"python3", "-u"}, -1, "no script"},
	}
	for _, tt := range tests {
		got, err := singleCommand(tt.argv)
		if tt.script < 0 {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("singleCommand(%q) error = %v, want %q", tt.argv, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got[tt.script] != "-c" || got[tt.script+2] != tt.argv[tt.script] {
			t.Errorf("singleCommand(%q) = %q, %v", tt.argv, got, err)
		}
	}
}
