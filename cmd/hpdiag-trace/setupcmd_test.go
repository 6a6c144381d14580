package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// runTracerIn is runTracer with stdin.
func runTracerIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(tracerBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	return runCmd(t, cmd, dir)
}

// TestSetupLifecycle: setup asks first (no: nothing changes), installs,
// refuses a second install, --update replaces the package but keeps an
// edited probe.conf, --remove deletes the package and renames the home.
func TestSetupLifecycle(t *testing.T) {
	py := interpreters(t)[0]
	dir := t.TempDir()
	venv := filepath.Join(dir, "venv")
	if out, err := exec.Command(py, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Fatalf("venv: %v\n%s", err, out)
	}
	vpy := filepath.Join(venv, "bin", "python")
	home := filepath.Join(dir, "home")
	args := []string{"setup", "--python", vpy, "--home", home}

	steps := []struct {
		name     string
		stdin    string
		extra    []string
		wantCode int
		wantOut  string
		check    func(t *testing.T)
	}{
		{"asked, answered no", "n\n", nil, 0, "Nothing changed.", func(t *testing.T) {
			if _, err := os.Stat(home); !os.IsNotExist(err) {
				t.Errorf("home created although the answer was no")
			}
		}},
		{"asked, answered yes", "y\n", nil, 0, "Installation done", func(t *testing.T) {
			if out, err := exec.Command(vpy, "-c", "from hpdiag import pyprobe; print(pyprobe.PointList)").CombinedOutput(); err != nil {
				t.Errorf("hpdiag not importable: %v\n%s", err, out)
			}
			list, _ := os.ReadFile(filepath.Join(home, "backups", "installed_files"))
			if !strings.Contains(string(list), filepath.Join("hpdiag", "pyprobe.py")) || !strings.Contains(string(list), filepath.Join(home, "bin", "hpdiag-trace")) {
				t.Errorf("installed_files:\n%s", list)
			}
			if err := os.WriteFile(filepath.Join(home, "etc", "probe.conf"), []byte("[Probe]\nprobe_id = edited\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"second install refused", "", []string{"--yes"}, exitUsage, "", nil},
		{"update keeps the configuration", "", []string{"--update", "--yes"}, 0, "Update done", func(t *testing.T) {
			data, _ := os.ReadFile(filepath.Join(home, "etc", "probe.conf"))
			if string(data) != "[Probe]\nprobe_id = edited\n" {
				t.Errorf("probe.conf after --update: %q", data)
			}
		}},
		{"remove", "", []string{"--remove", "--yes"}, 0, "Removed", func(t *testing.T) {
			if exec.Command(vpy, "-c", "import hpdiag").Run() == nil {
				t.Error("hpdiag importable after --remove")
			}
			if m, _ := filepath.Glob(home + ".*-*"); len(m) != 1 {
				t.Errorf("renamed homes %v", m)
			}
		}},
		{"remove again", "", []string{"--remove", "--yes"}, exitUsage, "", nil},
	}
	for _, st := range steps {
		r := runTracerIn(t, dir, st.stdin, append(append([]string{}, args...), st.extra...)...)
		if r.code != st.wantCode || !strings.Contains(r.stdout, st.wantOut) {
			t.Fatalf("%s: exit %d, stdout %q stderr %q; want %d and %q", st.name, r.code, r.stdout, r.stderr, st.wantCode, st.wantOut)
		}
		if st.check != nil {
			st.check(t)
		}
	}
}

func TestEncodePasswordCommand(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		wantCode    int
	}{
		{"stdin", "s3cret\n", nil, 0},
		{"argument", "", []string{"s3cret"}, 0},
		{"empty", "\n", nil, exitUsage},
		{"two", "", []string{"a", "b"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runTracerIn(t, ".", tt.stdin, append([]string{"encode-password"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d: %s", r.code, tt.wantCode, r.stderr)
			}
			if tt.wantCode != 0 {
				return
			}
			ok, err := conf.CheckPassword(strings.TrimSpace(r.stdout), "s3cret")
			if err != nil || !ok {
				t.Errorf("output %q does not check: %v %v", r.stdout, ok, err)
			}
		})
	}
}

// TestCollectNeedsToken: collect is pyprobe.init()'s; run by hand it says so.
func TestCollectNeedsToken(t *testing.T) {
	r := runTracerEnv(t, ".", []string{envCollectToken + "="}, "collect")
	if r.code != exitUsage || !strings.Contains(r.stderr, "pyprobe.init()") {
		t.Errorf("exit %d stderr %q, want %d and a word on pyprobe.init()", r.code, r.stderr, exitUsage)
	}
}
