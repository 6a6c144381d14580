package pyframes

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"testing"
)

// inCI reports whether missing interpreters or headers must fail the tests.
func inCI() bool {
	return os.Getenv("CI") != "" && os.Getenv("CI") != "false" && os.Getenv("CI") != "0"
}

// skipOrFail skips the test outside CI and fails it in CI.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// interpreter is one installed CPython to test against.
type interpreter struct {
	version Version
	path    string
	label   string // "pyenv 3.11.7", "Debian /usr/bin/python3.11"
}

func pyenvRoot() string {
	if r := os.Getenv("PYENV_ROOT"); r != "" {
		return r
	}
	return "/root/.pyenv"
}

var pyenvDirRe = regexp.MustCompile(`^3\.(\d+)\.(\d+)$`)

// interpreters lists the installed interpreters of generated versions: the
// newest pyenv build of each minor version, and Debian's /usr/bin/python3.X.
// In CI every generated version must have one.
func interpreters(t *testing.T) []interpreter {
	t.Helper()
	var out []interpreter
	best := map[int]int{}
	ents, _ := os.ReadDir(filepath.Join(pyenvRoot(), "versions"))
	for _, e := range ents {
		m := pyenvDirRe.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		minor, _ := strconv.Atoi(m[1])
		patch, _ := strconv.Atoi(m[2])
		bin := filepath.Join(pyenvRoot(), "versions", e.Name(), "bin", "python3."+m[1])
		if _, err := os.Stat(bin); err != nil {
			continue
		}
		if p, ok := best[minor]; ok && p >= patch {
			continue
		}
		best[minor] = patch
		out = filterMinor(out, minor)
		out = append(out, interpreter{Version{3, minor}, bin, "pyenv " + e.Name()})
	}
	for _, v := range Supported() {
		bin := "/usr/bin/python" + v.String()
		if fi, err := os.Lstat(bin); err == nil && fi.Mode().IsRegular() {
			out = append(out, interpreter{v, bin, "Debian " + bin})
		}
	}
	var keep []interpreter
	have := map[Version]bool{}
	for _, in := range out {
		if _, err := For(in.version); err == nil {
			keep = append(keep, in)
			have[in.version] = true
		}
	}
	sort.Slice(keep, func(i, j int) bool {
		if keep[i].version != keep[j].version {
			return keep[i].version.Minor < keep[j].version.Minor
		}
		return keep[i].label < keep[j].label
	})
	for _, l := range generatedLayouts {
		if !have[l.Version] {
			skipOrFail(t, "no Python %s interpreter found (pyenv root %s)", l.Version, pyenvRoot())
		}
	}
	return keep
}

func filterMinor(in []interpreter, minor int) []interpreter {
	var out []interpreter
	for _, x := range in {
		if x.version.Minor != minor {
			out = append(out, x)
		}
	}
	return out
}
