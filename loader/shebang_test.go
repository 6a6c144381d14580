package loader

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseShebang(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shebang
		ok   bool
	}{
		{"#!/usr/bin/env python3\nimport x\n", Shebang{"/usr/bin/env", []string{"python3"}}, true},
		{"#!/path/python3 -u\n", Shebang{"/path/python3", []string{"-u"}}, true},
		{"#! /usr/bin/python3\r\n", Shebang{"/usr/bin/python3", []string{}}, true},
		{"#!/usr/bin/env -S python3 -X dev\n", Shebang{"/usr/bin/env", []string{"-S", "python3", "-X", "dev"}}, true},
		{"#!\n", Shebang{}, false},
		{"import os\n", Shebang{}, false},
		{"\x7fELF", Shebang{}, false},
	} {
		got, ok := ParseShebang([]byte(tc.in))
		if ok != tc.ok || got.Interpreter != tc.want.Interpreter || (len(got.Args) != 0 || len(tc.want.Args) != 0) && !reflect.DeepEqual(got.Args, tc.want.Args) {
			t.Errorf("ParseShebang(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEnvProgram(t *testing.T) {
	for _, tc := range []struct {
		args []string
		prog string
		ok   bool
	}{
		{[]string{"python3"}, "python3", true},
		{[]string{"-S", "python3", "-u"}, "python3", true},
		{[]string{"-Spython3", "-u"}, "python3", true},
		{[]string{"-i", "PYTHONPATH=/x", "python3.12"}, "python3.12", true},
		{[]string{"-u", "HOME", "python3"}, "python3", true},
		{[]string{"-C", "/tmp", "python"}, "python", true},
		{[]string{"-", "A=B"}, "", false},
	} {
		prog, _, ok := envProgram(tc.args)
		if prog != tc.prog || ok != tc.ok {
			t.Errorf("envProgram(%q) = %q %v, want %q %v", tc.args, prog, ok, tc.prog, tc.ok)
		}
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	exe := writeScript(t, dir, "tool", "#!/bin/sh\n")
	if err := os.WriteFile(filepath.Join(dir, "noexec"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := LookPath("tool", "/nonexistent:"+dir); err != nil || got != exe {
		t.Errorf("LookPath(tool) = %q, %v", got, err)
	}
	if _, err := LookPath("noexec", dir); err == nil || !strings.Contains(err.Error(), "not executable") {
		t.Errorf("LookPath(noexec) = %v", err)
	}
	if _, err := LookPath("nothing", dir); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "PATH="+dir) {
		t.Errorf("LookPath(nothing) = %v", err)
	}
	if got, err := LookPath("sh", ""); err != nil || !strings.HasSuffix(got, "/sh") {
		t.Errorf("LookPath(sh, default PATH) = %q, %v", got, err)
	}
}

func TestShebangTooDeep(t *testing.T) {
	dir := t.TempDir()
	// a -> b -> c -> d -> e -> f: more levels than the kernel allows.
	names := []string{"a", "b", "c", "d", "e", "f"}
	for i, n := range names {
		next := "/bin/sh"
		if i+1 < len(names) {
			next = filepath.Join(dir, names[i+1])
		}
		writeScript(t, dir, n, "#!"+next+"\n")
	}
	_, err := FindForCommand(filepath.Join(dir, "a"), nil)
	if err == nil || !strings.Contains(err.Error(), "levels") {
		t.Errorf("deep chain: %v", err)
	}
}

func TestPyenvShimIsNotPython(t *testing.T) {
	shim := "/root/.pyenv/shims/python"
	needFile(t, shim)
	_, err := FindForCommand("python", []string{"PATH=/root/.pyenv/shims:/usr/bin:/bin"})
	if !errors.Is(err, ErrNotPython) {
		t.Errorf("pyenv shim (a bash script): %v, want ErrNotPython so the caller follows children", err)
	}
}
