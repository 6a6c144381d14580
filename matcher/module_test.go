package matcher

import (
	"os"
	"path/filepath"
	"testing"
)

func TestModuleFromPath(t *testing.T) {
	// Package markers for the cases that have no import root.
	fs := newFakeFS(
		"/srv/proj/pkg/__init__.py",
		"/srv/proj/pkg/sub/__init__.py",
		"/home/u/__init__.py", // above a non-package: must not be reached
	)
	tests := []struct {
		name, filename string
		sysPath        []string
		want           string
	}{
		{"pyenv stdlib", "/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py", nil, "json.decoder"},
		{"pyenv site-packages", "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/flask/app.py", nil, "flask.app"},
		{"debian dist-packages", "/usr/lib/python3/dist-packages/django/core/handlers/wsgi.py", nil, "django.core.handlers.wsgi"},
		{"debian stdlib", "/usr/lib/python3.11/http/server.py", nil, "http.server"},
		{"stdlib top module", "/usr/lib/python3.11/socket.py", nil, "socket"},
		{"stdlib package init", "/root/.pyenv/versions/3.12.1/lib/python3.12/json/__init__.py", nil, "json"},
		{"lib-dynload", "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", nil, "_json"},
		{"lib64", "/usr/lib64/python3.12/email/parser.py", nil, "email.parser"},
		{"free-threaded", "/opt/py/lib/python3.13t/os.py", nil, "os"},
		{"local dist-packages init", "/usr/local/lib/python3.11/dist-packages/requests/__init__.py", nil, "requests"},
		{"extension in package", "/root/.pyenv/versions/3.13.0/lib/python3.13/site-packages/numpy/core/_multiarray_umath.cpython-313-x86_64-linux-gnu.so", nil, "numpy.core._multiarray_umath"},
		{"venv", "/srv/app/.venv/lib/python3.11/site-packages/gunicorn/app/base.py", nil, "gunicorn.app.base"},
		{"last site-packages wins", "/a/site-packages/b/site-packages/c/d.py", nil, "c.d"},
		{"egg", "/usr/lib/python3/dist-packages/foo-1.0-py3.11.egg/foo/bar.py", nil, "foo.bar"},
		{"zip", "/opt/app.zip/pkg/mod.py", nil, "pkg.mod"},
		{"sys.path root", "/srv/app/myapp/views.py", []string{"/srv/app"}, "myapp.views"},
		{"longest sys.path root", "/srv/app/myapp/views.py", []string{"/srv", "/srv/app/"}, "myapp.views"},
		{"empty sys.path entry ignored", "/srv/app/myapp/views.py", []string{"", "/srv/app"}, "myapp.views"},
		{"sys.path inside site-packages", "/x/site-packages/vendored/lib/mod.py", []string{"/x/site-packages/vendored/lib"}, "mod"},
		{"sys.path shorter than site-packages", "/x/lib/python3.11/site-packages/flask/app.py", []string{"/x"}, "flask.app"},
		{"sys.path prefix is not a directory", "/srv/application/mod.py", []string{"/srv/app"}, "mod"},
		{"pyw", "/srv/app/tool.pyw", []string{"/srv/app"}, "tool"},
		{"pyc", "/srv/app/tool.pyc", []string{"/srv/app"}, "tool"},
		{"package walk", "/srv/proj/pkg/sub/mod.py", nil, "pkg.sub.mod"},
		{"package walk init", "/srv/proj/pkg/sub/__init__.py", nil, "pkg.sub"},
		{"package walk top init", "/srv/proj/pkg/__init__.py", nil, "pkg"},
		{"package walk stops at non-package", "/home/u/scripts/x.py", nil, "x"},
		{"plain script", "/tmp/shop.py", nil, "shop"},
		{"relative script", "shop.py", nil, "shop"},
		{"script without suffix", "/usr/local/bin/gunicorn", nil, "gunicorn"},
		{"frozen", "<frozen importlib._bootstrap>", nil, "importlib._bootstrap"},
		{"frozen top", "<frozen zipimport>", nil, "zipimport"},
		{"string", "<string>", nil, ""},
		{"stdin", "<stdin>", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ModuleFromPath(tt.filename, tt.sysPath, fs.isFile); got != tt.want {
				t.Errorf("ModuleFromPath(%q, %q) = %q, want %q", tt.filename, tt.sysPath, got, tt.want)
			}
		})
	}
}

// TestModuleFromPathPackages walks real __init__.py files with the default
// os.Stat.
func TestModuleFromPathPackages(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"proj/pkg/__init__.py",
		"proj/pkg/sub/__init__.py",
		"proj/pkg/sub/mod.py",
		"proj/pkg/util.py",
		"proj/script.py",
		"proj/ns/mod.py", // namespace directory: no __init__.py
		"proj/fake/mod.py",
	} {
		writeFile(t, filepath.Join(dir, f))
	}
	// A directory named __init__.py does not make a package.
	if err := os.MkdirAll(filepath.Join(dir, "proj/fake/__init__.py"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ file, want string }{
		{"proj/pkg/sub/mod.py", "pkg.sub.mod"},
		{"proj/pkg/sub/__init__.py", "pkg.sub"},
		{"proj/pkg/__init__.py", "pkg"},
		{"proj/pkg/util.py", "pkg.util"},
		{"proj/script.py", "script"},
		{"proj/ns/mod.py", "mod"},
		{"proj/fake/mod.py", "mod"},
	}
	for _, tt := range tests {
		if got := ModuleFromPath(filepath.Join(dir, tt.file), nil, nil); got != tt.want {
			t.Errorf("ModuleFromPath(%q) = %q, want %q", tt.file, got, tt.want)
		}
	}
	// With the project directory on sys.path the namespace package counts.
	if got := ModuleFromPath(filepath.Join(dir, "proj/ns/mod.py"), []string{filepath.Join(dir, "proj")}, nil); got != "ns.mod" {
		t.Errorf("namespace package under sys.path root = %q, want ns.mod", got)
	}
}

func writeFile(t *testing.T, path string) {
	t.Helper()
	if err := writeFileContent(path, ""); err != nil {
		t.Fatal(err)
	}
}

func writeFileContent(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}
