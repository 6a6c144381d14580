package conf

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveDirs(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name                     string
		flagConfig, flagBin, os  string
		getenv                   func(string) string
		wantConfig, wantBin, log string
	}{
		{"linux defaults", "", "", "linux", env(), "/opt/hpdiag/etc", "/opt/hpdiag/bin", "/var/log/hpdiag"},
		{"nil getenv", "", "", "linux", nil, "/opt/hpdiag/etc", "/opt/hpdiag/bin", "/var/log/hpdiag"},
		{"environment", "", "", "linux", env("PYPROBE_CONFIG_DIR", "/env/etc", "PYPROBE_BIN_DIR", "/env/bin"),
			"/env/etc", "/env/bin", "/var/log/hpdiag"},
		{"flag over environment", "/flag/etc", "", "linux", env("PYPROBE_CONFIG_DIR", "/env/etc", "PYPROBE_BIN_DIR", "/env/bin"),
			"/flag/etc", "/env/bin", "/var/log/hpdiag"},
		{"both flags", "/flag/etc", "/flag/bin", "darwin", env("PYPROBE_CONFIG_DIR", "/env/etc"),
			"/flag/etc", "/flag/bin", "/var/log/hpdiag"},
		{"windows", "", "", "windows", env("PROGRAMDATA", `D:\Data\`),
			`D:\Data\hpdiag\etc`, `D:\Data\hpdiag\bin`, `D:\Data\hpdiag\log`},
		{"windows without PROGRAMDATA", "", "", "windows", env(),
			`C:\ProgramData\hpdiag\etc`, `C:\ProgramData\hpdiag\bin`, `C:\ProgramData\hpdiag\log`},
		{"windows environment", "", `E:\bin`, "windows", env("PROGRAMDATA", `C:\PD`, "PYPROBE_CONFIG_DIR", `E:\etc`),
			`E:\etc`, `E:\bin`, `C:\PD\hpdiag\log`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ResolveDirs(tt.flagConfig, tt.flagBin, tt.getenv, tt.os)
			want := Dirs{ConfigDir: tt.wantConfig, BinDir: tt.wantBin, LogDir: tt.log}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestDirsResolve(t *testing.T) {
	cwd := t.TempDir()
	cfg := t.TempDir()
	t.Chdir(cwd)
	if err := os.WriteFile("here.conf", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d := Dirs{ConfigDir: cfg}
	tests := []struct{ name, want string }{
		{"here.conf", "here.conf"},                       // exists in the current directory
		{"probe.conf", filepath.Join(cfg, "probe.conf")}, // does not: the configuration directory
		{"sub/app.point", filepath.Join(cfg, "sub/app.point")},
		{"/abs/probe.conf", "/abs/probe.conf"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := d.Resolve(tt.name); got != tt.want {
			t.Errorf("Resolve(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestExpandProbeID(t *testing.T) {
	tests := []struct {
		id   string
		n    int
		want string
	}{
		{"PythonProbe", 42, "PythonProbe"},
		{"PythonProbe%0", 42, "PythonProbe42"},
		{"%0-web-%0", 7, "7-web-7"},
		{"100%", 1, "100%"},
	}
	for _, tt := range tests {
		if got := ExpandProbeID(tt.id, tt.n); got != tt.want {
			t.Errorf("ExpandProbeID(%q, %d) = %q, want %q", tt.id, tt.n, got, tt.want)
		}
	}
}
