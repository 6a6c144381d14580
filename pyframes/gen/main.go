// Command gen writes pyframes/layouts_generated.go: for each installed CPython
// minor version (3.8 … 3.13) it compiles probe.c.in (C) against that version's own
// headers (internal ones included, with Py_BUILD_CORE), runs it, and turns the
// offsetof()/sizeof() values it prints into one Layout entry.
//
// Run it with `go generate ./...` (or `go run ./pyframes/gen`). 3.14 is not
// installed: its layout is hand-maintained in layouts_314.go, which this
// program never writes.
//
// Headers are looked up under $PYENV_ROOT/versions (default /root/.pyenv) for
// each minor version; other header directories of the same minor version
// (Debian's /usr/include/python3.X via /usr/bin/python3.X-config) are compiled
// too and must give the same layout, or the program fails.
package main

import (
	"bytes"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed probe.c.in
var probeSource []byte

// minMinor and maxMinor bound the generated minor versions.
const (
	minMinor = 8
	maxMinor = 13
)

func main() {
	out := flag.String("out", "", "output file (default: layouts_generated.go in the pyframes directory)")
	pyenv := flag.String("pyenv", envOr("PYENV_ROOT", "/root/.pyenv"), "pyenv root holding versions/3.X.Y")
	cc := flag.String("cc", envOr("CC", "gcc"), "C compiler")
	allowMissing := flag.Bool("allow-missing", false, "write the table even when a minor version has no headers")
	flag.Parse()

	if *out == "" {
		dir, err := pyframesDir()
		if err != nil {
			fatal(err)
		}
		*out = filepath.Join(dir, "layouts_generated.go")
	}
	src, err := generate(*pyenv, *cc, *allowMissing)
	if err != nil {
		fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "pyframes/gen:", err)
	os.Exit(1)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// pyframesDir finds the pyframes package directory from the working
// directory: go generate runs in it, go run ./pyframes/gen in the repository.
func pyframesDir() (string, error) {
	for _, d := range []string{".", "pyframes"} {
		if _, err := os.Stat(filepath.Join(d, "layout.go")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("run from the repository root or pyframes/, or pass -out")
}

// headerDir is one include directory of one CPython minor version.
type headerDir struct {
	minor  int
	origin string   // "pyenv" or "Debian"
	flags  []string // compiler include flags
}

// findHeaders lists the header directories per minor version. The first of
// each minor version is the one the table comes from.
func findHeaders(pyenv string) (map[int][]headerDir, error) {
	found := map[int][]headerDir{}
	for minor := minMinor; minor <= maxMinor; minor++ {
		if d, ok := pyenvHeaders(pyenv, minor); ok {
			found[minor] = append(found[minor], d)
		}
		cfg := fmt.Sprintf("/usr/bin/python3.%d-config", minor)
		if _, err := os.Stat(cfg); err == nil {
			outb, err := exec.Command(cfg, "--includes").Output()
			if err != nil {
				return nil, fmt.Errorf("%s --includes: %w", cfg, err)
			}
			found[minor] = append(found[minor], headerDir{minor: minor, origin: "Debian", flags: strings.Fields(string(outb))})
		}
	}
	return found, nil
}

var patchRe = regexp.MustCompile(`^3\.(\d+)\.(\d+)$`)

// pyenvHeaders picks the newest pyenv 3.minor.N install with headers
// (free-threaded "t" builds do not match the pattern).
func pyenvHeaders(pyenv string, minor int) (headerDir, bool) {
	ents, err := os.ReadDir(filepath.Join(pyenv, "versions"))
	if err != nil {
		return headerDir{}, false
	}
	best, bestPatch := "", -1
	for _, e := range ents {
		m := patchRe.FindStringSubmatch(e.Name())
		if m == nil || m[1] != strconv.Itoa(minor) {
			continue
		}
		inc := filepath.Join(pyenv, "versions", e.Name(), "include", fmt.Sprintf("python3.%d", minor))
		if _, err := os.Stat(filepath.Join(inc, "internal")); err != nil {
			continue
		}
		if p, _ := strconv.Atoi(m[2]); p > bestPatch {
			best, bestPatch = inc, p
		}
	}
	if best == "" {
		return headerDir{}, false
	}
	return headerDir{minor: minor, origin: "pyenv", flags: []string{"-I" + best}}, true
}

// probeResult is what probe.c printed for one header directory.
type probeResult struct {
	pyVersion string           // PY_VERSION, e.g. "3.11.7"
	values    map[string]int64 // "Group.Field" -> value
}

// runProbe compiles and runs probe.c against one header directory.
func runProbe(cc string, d headerDir) (probeResult, error) {
	tmp, err := os.MkdirTemp("", "pyframes-gen")
	if err != nil {
		return probeResult{}, err
	}
	defer os.RemoveAll(tmp)
	srcPath := filepath.Join(tmp, "probe.c")
	if err := os.WriteFile(srcPath, probeSource, 0o644); err != nil {
		return probeResult{}, err
	}
	bin := filepath.Join(tmp, "probe")
	args := append([]string{"-std=c11", "-O0", "-w"}, d.flags...)
	args = append(args, "-o", bin, srcPath)
	if outb, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		return probeResult{}, fmt.Errorf("compile probe for 3.%d (%s, %s): %w\n%s", d.minor, d.origin, strings.Join(d.flags, " "), err, outb)
	}
	outb, err := exec.Command(bin).Output()
	if err != nil {
		return probeResult{}, fmt.Errorf("run probe for 3.%d (%s): %w", d.minor, d.origin, err)
	}
	res := probeResult{values: map[string]int64{}}
	for _, line := range strings.Split(strings.TrimSpace(string(outb)), "\n") {
		k, v, ok := strings.Cut(line, " ")
		if !ok {
			return probeResult{}, fmt.Errorf("probe for 3.%d: bad line %q", d.minor, line)
		}
		if k == "#version" {
			res.pyVersion = v
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return probeResult{}, fmt.Errorf("probe for 3.%d: %s: %w", d.minor, k, err)
		}
		if _, dup := res.values[k]; dup {
			return probeResult{}, fmt.Errorf("probe for 3.%d: %s printed twice", d.minor, k)
		}
		res.values[k] = n
	}
	if res.values["Version.Major"] != 3 || res.values["Version.Minor"] != int64(d.minor) {
		return probeResult{}, fmt.Errorf("probe for 3.%d (%s): headers are version %d.%d", d.minor, d.origin, res.values["Version.Major"], res.values["Version.Minor"])
	}
	return res, nil
}

func sameValues(a, b map[string]int64) []string {
	var diffs []string
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for k := range keys {
		va, oka := a[k]
		vb, okb := b[k]
		if oka != okb || va != vb {
			diffs = append(diffs, fmt.Sprintf("%s: %d vs %d", k, va, vb))
		}
	}
	sort.Strings(diffs)
	return diffs
}

func generate(pyenv, cc string, allowMissing bool) ([]byte, error) {
	found, err := findHeaders(pyenv)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("// Code generated by pyframes/gen; DO NOT EDIT.\n\n")
	buf.WriteString("// Layouts compiled from each version's own headers (x86_64, non-debug,\n")
	buf.WriteString("// GIL build) by pyframes/gen/probe.c.in. Regenerate with `go generate ./...`.\n")
	buf.WriteString("// 3.14 is hand-maintained in layouts_314.go.\n//\n")
	var entries bytes.Buffer
	for minor := minMinor; minor <= maxMinor; minor++ {
		dirs := found[minor]
		if len(dirs) == 0 {
			if allowMissing {
				continue
			}
			return nil, fmt.Errorf("no headers for Python 3.%d under %s/versions (pass -allow-missing to drop it)", minor, pyenv)
		}
		first, err := runProbe(cc, dirs[0])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&buf, "// 3.%d: CPython %s headers (%s)", minor, first.pyVersion, dirs[0].origin)
		for _, d := range dirs[1:] {
			other, err := runProbe(cc, d)
			if err != nil {
				return nil, err
			}
			if diffs := sameValues(first.values, other.values); len(diffs) > 0 {
				return nil, fmt.Errorf("Python 3.%d: %s %s headers differ from %s %s; they need separate entries:\n  %s",
					minor, d.origin, other.pyVersion, dirs[0].origin, first.pyVersion, strings.Join(diffs, "\n  "))
			}
			fmt.Fprintf(&buf, "; %s %s headers give the same layout", d.origin, other.pyVersion)
		}
		buf.WriteString("\n")
		src := fmt.Sprintf("generated by pyframes/gen from CPython %s headers (%s)", first.pyVersion, dirs[0].origin)
		if err := writeEntry(&entries, minor, src, first.values); err != nil {
			return nil, err
		}
	}
	buf.WriteString("\npackage pyframes\n\n")
	buf.WriteString("// generatedLayouts are the compiled layouts, by minor version.\n")
	buf.WriteString("var generatedLayouts = []Layout{\n")
	buf.Write(entries.Bytes())
	buf.WriteString("}\n")
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gofmt generated code: %w\n%s", err, buf.Bytes())
	}
	return src, nil
}

// writeEntry writes one Layout literal, every field in schema order.
func writeEntry(w *bytes.Buffer, minor int, source string, values map[string]int64) error {
	used := map[string]bool{"Version.Major": true, "Version.Minor": true}
	fmt.Fprintf(w, "{\nVersion: Version{Major: 3, Minor: %d},\nSource: %q,\n", minor, source)
	var write func(prefix string, g group) error
	write = func(prefix string, g group) error {
		fmt.Fprintf(w, "%s: %s{\n", g.name, g.typ)
		for _, f := range g.fields {
			key := prefix + g.name + "." + f.name
			v, ok := values[key]
			used[key] = ok
			switch f.kind {
			case kindOffset:
				if !ok {
					fmt.Fprintf(w, "%s: Absent,\n", f.name)
					continue
				}
				if v < 0 {
					return fmt.Errorf("3.%d: %s: negative offset %d", minor, key, v)
				}
				fmt.Fprintf(w, "%s: %d,\n", f.name, v)
			case kindConst:
				if !ok {
					fmt.Fprintf(w, "%s: NoState,\n", f.name)
					continue
				}
				fmt.Fprintf(w, "%s: %d,\n", f.name, v)
			case kindUint:
				fmt.Fprintf(w, "%s: %#x,\n", f.name, v)
			case kindInt:
				fmt.Fprintf(w, "%s: %d,\n", f.name, v)
			case kindBool:
				fmt.Fprintf(w, "%s: %t,\n", f.name, v != 0)
			}
		}
		for _, sub := range g.groups {
			if err := write(prefix+g.name+".", sub); err != nil {
				return err
			}
		}
		w.WriteString("},\n")
		return nil
	}
	for _, g := range schema {
		if err := write("", g); err != nil {
			return err
		}
	}
	w.WriteString("},\n")
	var unknown []string
	for k := range values {
		if !used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("3.%d: probe printed fields the schema does not have: %s", minor, strings.Join(unknown, ", "))
	}
	return nil
}
