package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefusedBeforeLaunch: what would make a run useless is refused before
// the app starts, with one line and a non-zero exit; the app never runs.
func TestRefusedBeforeLaunch(t *testing.T) {
	py := interpreters(t)[0]
	marker := filepath.Join(t.TempDir(), "ran")
	app := []string{py, "-c", "open(" + quote(marker) + ", 'w').close()"}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"report in a missing directory", []string{"-p", "testdata/apps/exit.point", "--report", "/nonexistent/dir/r.json", "--"}, exitUsage, "cannot write there"},
		{"report format", []string{"-p", "testdata/apps/exit.point", "--report", "r.txt", "--"}, exitUsage, "unsupported format"},
		{"no points", []string{"-p", "testdata/apps/empty.point", "--"}, exitUsage, "no points defined"},
		{"missing points file", []string{"-p", "testdata/apps/none.point", "--"}, exitUsage, "none.point"},
		{"config dir missing", []string{"-d", "/nonexistent", "-p", "testdata/apps/exit.point", "--"}, exitUsage, "not a directory"},
		{"custom code needs the shim", []string{"--mode", "ebpf", "-d", "testdata/pyprobe/etc", "-p", "app.point", "--"}, exitNoTrace, "app.point:1: point [handle] names custom code (before:code:rewrite_args), which runs inside the Python process and so needs the shim engine"},
		{"unknown mode", []string{"--mode", "magic", "-p", "testdata/apps/exit.point", "--"}, exitUsage, "unknown engine"},
		{"unknown flag", []string{"--frobnicate", "-p", "testdata/apps/exit.point", "--"}, exitUsage, "see hpdiag-trace -h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runTracer(t, ".", append(tt.args, app...)...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d stderr %q, want %d and %q", r.code, r.stderr, tt.wantCode, tt.wantErr)
			}
			if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("want one line, got %q", r.stderr)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("the app ran")
			}
		})
	}
	for _, flag := range []string{"-I", "-E", "-S", "-uI"} {
		r := runTracer(t, ".", "--mode", "shim", "-p", "testdata/apps/exit.point", "--", py, flag, "testdata/apps/exit.py", "0")
		if r.code != exitNoTrace || !strings.Contains(r.stderr, "ignores PYTHONPATH") || !strings.Contains(r.stderr, "--mode ebpf") {
			t.Errorf("python %s: exit %d stderr %q, want %d", flag, r.code, r.stderr, exitNoTrace)
		}
	}
}

func TestPathIgnoringFlag(t *testing.T) {
	tests := []struct {
		argv []string
		want string
	}{
		{[]string{"python3", "-I", "app.py"}, "-I"},
		{[]string{"python3.11", "-uE", "app.py"}, "-E"},
		{[]string{"python3", "-X", "dev", "-S", "app.py"}, "-S"},
		{[]string{"python3", "app.py", "-I"}, ""},
		{[]string{"python3", "-c", "pass", "-I"}, ""},
		{[]string{"python3", "-Wignore", "app.py"}, ""},
		{[]string{"gunicorn", "-E", "x"}, ""},
	}
	for _, tt := range tests {
		if got := pathIgnoringFlag(tt.argv); got != tt.want {
			t.Errorf("pathIgnoringFlag(%q) = %q, want %q", tt.argv, got, tt.want)
		}
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
