package matcher

import (
	"os"
	"path/filepath"
	"strings"
)

// derivation is what a file name says about its module.
type derivation struct {
	module string // dotted module name; "" if the file name gives none
	// rooted is true when module was read relative to an import root
	// (site-packages, the standard library, a sys.path entry, a frozen
	// name); false when it came from walking __init__.py packages.
	rooted bool
	stem   string // the file's own module name, without packages
}

// ModuleFromPath derives the dotted module name Python gives the file
// filename (a co_filename):
//
//   - "<frozen importlib._bootstrap>" is "importlib._bootstrap"; other
//     pseudo names ("<string>", "<stdin>") give "".
//   - Otherwise the module is the path relative to the longest import root
//     containing the file: the last site-packages or dist-packages
//     directory, the standard library directory (lib/pythonX.Y, without
//     lib-dynload), a .zip or .egg component, or an entry of sysPath (the
//     traced process's sys.path, if known; "" entries are skipped).
//   - With no root, the file's directory and its parents are walked up
//     while they contain __init__.py, as Python's regular package rule,
//     and their names prepended.
//
// ".py", ".pyc", ".pyo" and ".pyw" are stripped; extension modules
// (".so", ".pyd") lose everything from the first dot, so
// "foo.cpython-311-x86_64-linux-gnu.so" is "foo". A package's __init__ file
// is the package: "pkg/__init__.py" is "pkg".
//
// isFile reports whether a path is a regular file; nil means os.Stat.
func ModuleFromPath(filename string, sysPath []string, isFile func(path string) bool) string {
	if isFile == nil {
		isFile = statIsFile
	}
	return derive(filename, cleanRoots(sysPath), isFile).module
}

// statIsFile is the default isFile: a regular file that os.Stat can see.
func statIsFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// cleanRoots normalises sys.path entries once, dropping "" (the traced
// process's working directory, which the tracer cannot know).
func cleanRoots(sysPath []string) []string {
	roots := make([]string, 0, len(sysPath))
	for _, r := range sysPath {
		if r == "" {
			continue
		}
		roots = append(roots, filepath.Clean(r))
	}
	return roots
}

func derive(filename string, roots []string, isFile func(string) bool) derivation {
	if isPseudo(filename) {
		inner := filename[1 : len(filename)-1]
		if name, ok := strings.CutPrefix(inner, "frozen "); ok {
			return derivation{module: name, rooted: true, stem: lastDotted(name)}
		}
		return derivation{}
	}
	p := filepath.Clean(filename)
	stem := moduleStem(filepath.Base(p))
	if root, ok := importRoot(p, roots); ok {
		return derivation{module: dottedRel(p, root), rooted: true, stem: stem}
	}
	return derivation{module: packageWalk(p, stem, isFile), stem: stem}
}

// isPseudo reports a code object file name that names no file, such as
// "<string>" or "<frozen os>".
func isPseudo(filename string) bool {
	return len(filename) >= 2 && filename[0] == '<' && filename[len(filename)-1] == '>'
}

func lastDotted(name string) string {
	return name[strings.LastIndexByte(name, '.')+1:]
}

// moduleStem turns a file's base name into its module name.
func moduleStem(base string) string {
	for _, ext := range [...]string{".py", ".pyc", ".pyo", ".pyw"} {
		if name, ok := strings.CutSuffix(base, ext); ok {
			return name
		}
	}
	if strings.HasSuffix(base, ".so") || strings.HasSuffix(base, ".pyd") {
		// The ABI tag (".cpython-311-x86_64-linux-gnu") is not part of the name.
		name, _, _ := strings.Cut(base, ".")
		return name
	}
	return base
}

// importRoot returns the longest import root that contains the clean path
// p. The longest wins because nested roots exist (an egg inside
// site-packages, lib-dynload inside the standard library) and the inner
// one is the sys.path entry Python found the module under.
func importRoot(p string, roots []string) (string, bool) {
	best, found := pathRoot(p)
	for _, r := range roots {
		if len(r) > len(best) && under(p, r) {
			best, found = r, true
		}
	}
	return best, found
}

// under reports whether p lies strictly inside the directory root.
func under(p, root string) bool {
	if root == "/" {
		return len(p) > 1 && p[0] == '/'
	}
	return len(p) > len(root) && p[len(root)] == '/' && p[:len(root)] == root
}

// pathRoot finds the import roots a path reveals by itself.
func pathRoot(p string) (string, bool) {
	parts := strings.Split(p, "/")
	end := -1 // index of the last component of the root
	for i, c := range parts[:len(parts)-1] {
		switch {
		case c == "site-packages" || c == "dist-packages":
			end = i
		case isStdlibDir(parts, i):
			end = i
			if i+2 < len(parts) && parts[i+1] == "lib-dynload" {
				end = i + 1
			}
		case strings.HasSuffix(c, ".zip") || strings.HasSuffix(c, ".egg"):
			end = i
		}
	}
	if end < 0 {
		return "", false
	}
	root := strings.Join(parts[:end+1], "/")
	if root == "" {
		root = "/"
	}
	return root, true
}

// isStdlibDir reports whether parts[i] is the pythonX.Y directory of a
// lib/pythonX.Y (or lib64, Fedora's) standard library.
func isStdlibDir(parts []string, i int) bool {
	if i == 0 || (parts[i-1] != "lib" && parts[i-1] != "lib64") {
		return false
	}
	ver, ok := strings.CutPrefix(parts[i], "python")
	if !ok {
		return false
	}
	major, minor, ok := strings.Cut(ver, ".")
	// A free-threaded build adds "t" (python3.13t).
	minor = strings.TrimSuffix(minor, "t")
	return ok && allDigits(major) && allDigits(minor)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dottedRel turns the path of p below root into a dotted module name.
func dottedRel(p, root string) string {
	rel := strings.TrimPrefix(p[len(root):], "/")
	parts := strings.Split(rel, "/")
	last := moduleStem(parts[len(parts)-1])
	parts = parts[:len(parts)-1]
	if last != "__init__" {
		parts = append(parts, last)
	}
	return strings.Join(parts, ".")
}

// packageWalk names a module found under no known root: its stem, prefixed
// by every enclosing directory that is a regular package.
func packageWalk(p, stem string, isFile func(string) bool) string {
	var parts []string
	dir := filepath.Dir(p)
	if stem == "__init__" {
		// The file is its directory's package marker.
		if !isWalkable(dir) {
			return ""
		}
		parts = append(parts, filepath.Base(dir))
		dir = filepath.Dir(dir)
	} else {
		parts = append(parts, stem)
	}
	for isWalkable(dir) && isFile(filepath.Join(dir, "__init__.py")) {
		parts = append(parts, filepath.Base(dir))
		dir = filepath.Dir(dir)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

// isWalkable reports whether dir has a name that can be a package.
func isWalkable(dir string) bool {
	b := filepath.Base(dir)
	return b != "/" && b != "." && b != ".."
}
