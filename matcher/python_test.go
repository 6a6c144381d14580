package matcher

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
)

// interpreters are the Pythons the project supports.
var interpreters = []string{
	"/root/.pyenv/versions/3.8.18/bin/python3",
	"/root/.pyenv/versions/3.9.18/bin/python3",
	"/root/.pyenv/versions/3.10.13/bin/python3",
	"/root/.pyenv/versions/3.11.7/bin/python3",
	"/root/.pyenv/versions/3.12.1/bin/python3",
	"/root/.pyenv/versions/3.13.0/bin/python3",
	"/usr/bin/python3.11",
}

// TestModuleFromPathPython checks ModuleFromPath against the module names
// real interpreters give their functions' code objects, with and without
// the interpreter's sys.path.
func TestModuleFromPathPython(t *testing.T) {
	script, err := filepath.Abs("testdata/codenames.py")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range []string{"proj/shoppkg/__init__.py", "proj/shoppkg/cart/__init__.py", "proj/shoppkg/cart/items.py"} {
		writeFile(t, filepath.Join(dir, f))
	}
	writeSource(t, filepath.Join(dir, "proj/shoppkg/cart/items.py"), "def total(items):\n    return sum(items)\n")
	writeSource(t, filepath.Join(dir, "proj/shoppkg/__init__.py"), "def version():\n    return 1\n")
	for _, py := range interpreters {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(py)))+"-"+filepath.Base(py), func(t *testing.T) {
			if _, err := exec.LookPath(py); err != nil {
				t.Skipf("%s not installed", py)
			}
			t.Parallel()
			cmd := exec.Command(py, script, "shoppkg.cart.items")
			cmd.Dir = filepath.Join(dir, "proj")
			cmd.Env = []string{"PYTHONPATH=" + filepath.Join(dir, "proj"), "PYTHONDONTWRITEBYTECODE=1"}
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s: %v", py, script, err)
			}
			var res struct {
				SysPath []string    `json:"sys_path"`
				Codes   [][2]string `json:"codes"`
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("decoding %s output: %v", script, err)
			}
			checkCodes(t, res.SysPath, res.Codes)
		})
	}
}

func checkCodes(t *testing.T, sysPath []string, codes [][2]string) {
	t.Helper()
	var ownPkg bool
	for _, c := range codes {
		filename, want := c[0], c[1]
		if want == "shoppkg.cart.items" {
			ownPkg = true
		}
		if isPseudo(filename) && !isFrozen(filename) {
			// exec'd code (dataclass methods, namedtuple): only the
			// shim's __name__ hint can name its module.
			want = ""
		}
		if got := ModuleFromPath(filename, sysPath, nil); got != want {
			t.Errorf("ModuleFromPath(%q, sys.path) = %q, want %q", filename, got, want)
		}
		if got := ModuleFromPath(filename, nil, nil); got != want {
			t.Errorf("ModuleFromPath(%q, nil) = %q, want %q", filename, got, want)
		}
	}
	if len(codes) < 100 || !ownPkg {
		t.Fatalf("only %d code objects (own package seen: %v); the script did not run as intended", len(codes), ownPkg)
	}
}

func writeSource(t *testing.T, path, src string) {
	t.Helper()
	if err := writeFileContent(path, src); err != nil {
		t.Fatal(err)
	}
}
