package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: check validates probe.conf and points. It accepts a good file
// with a summary and exit 0, and rejects a bad regex, a missing mandatory
// argument and an include cycle with file:line and exit 2.
func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		point    string
		wantCode int
		wantErr  []string // substrings of stderr
		wantOut  string   // substring of stdout
	}{
		{"good points with an include", "testdata/check/good.point", exitOK, nil, "points: 2 from 2 files"},
		{"bad regex", "testdata/check/badregex.point", exitUsage,
			[]string{"badregex.point:8:", "^Shop("}, ""},
		{"missing mandatory argument", "testdata/check/missing.point", exitUsage,
			[]string{"missing.point:1:", "layer"}, ""},
		{"include cycle", "testdata/check/cycle_a.point", exitUsage,
			[]string{"cycle_b.point:7:", "cycle"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runTracer(t, ".", "check", "-d", t.TempDir(), "-p", tt.point)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q lacks %q", r.stderr, s)
				}
			}
			if tt.wantCode != exitOK && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("want one line, got %q", r.stderr)
			}
			if !strings.Contains(r.stdout, tt.wantOut) {
				t.Errorf("stdout %q lacks %q", r.stdout, tt.wantOut)
			}
		})
	}
}

// TestCheckCustomCode: check finds the custom code files the points name,
// as the shim will: in custom_code of the configuration directory, dotted
// names in sub-directories with an __init__.py, hpdiag.* built in.
func TestCheckCustomCode(t *testing.T) {
	tests := []struct {
		name, dir, point string
		wantCode         int
		wantErr          string
	}{
		{"present, in a sub-directory too", "testdata/pyprobe/etc", "app.point", exitOK, ""},
		{"built-in", "testdata/features", "coloring.point", exitOK, ""},
		{"missing", "testdata/features", "features.point", exitUsage, "features.point:1: point [boom]: after:code:missing_file: custom_code/missing_file.py does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runTracer(t, tt.dir, "check", "-d", ".", "-p", tt.point)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d stderr %q, want %d and %q", r.code, r.stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// TestBuiltinCustomCodeNames keeps the names check accepts equal to the
// shim's MODULES.
func TestBuiltinCustomCodeNames(t *testing.T) {
	src, err := os.ReadFile("../../shim/python/_hpdiag_shim/builtin_code.py")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src[strings.Index(string(src), "MODULES = {"):])
	got := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "'") {
			got[strings.Split(line, "'")[1]] = true
		}
	}
	if len(got) != len(builtinCustomCode) {
		t.Errorf("builtin_code.py MODULES %v, check knows %v", got, builtinCustomCode)
	}
	for n := range got {
		if !builtinCustomCode[n] {
			t.Errorf("check does not know hpdiag.%s", n)
		}
	}
}

// TestCheckOutputs: check also refuses what would stop the outputs, with
// probe.conf named.
func TestCheckOutputs(t *testing.T) {
	tests := []struct {
		name, conf, wantErr string
	}{
		{"reversible password", "[Probe]\nhttpserver_port = 9\npassword = c2VjcmV0\n", "[Probe] password: not a pbkdf2-sha256"},
		{"unknown system metric", "[SystemMetricsCollector]\nenabled = true\n[SystemMetrics]\ngpu = true\n", ":4: [SystemMetrics] gpu: unknown metric group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "probe.conf"), []byte(tt.conf), 0o600); err != nil {
				t.Fatal(err)
			}
			r := runTracer(t, ".", "check", "-d", dir, "-c", "probe.conf", "-p", "testdata/check/good.point")
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.wantErr) || !strings.Contains(r.stderr, "probe.conf") {
				t.Errorf("exit %d stderr %q, want %d and %q", r.code, r.stderr, exitUsage, tt.wantErr)
			}
		})
	}
}
