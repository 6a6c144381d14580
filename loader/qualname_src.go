package loader

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sourceIndex rebuilds qualified names from source files for Python 3.10
// and older, whose code objects carry only co_name. It reads each file of
// the process once, through /proc/PID/root so that containers work.
type sourceIndex struct {
	pid   int
	files map[string][]string // lines by co_filename; nil when unreadable
}

func newSourceIndex(pid int) *sourceIndex {
	return &sourceIndex{pid: pid, files: make(map[string][]string)}
}

// qualname returns the qualified name of the function named name whose
// definition starts at line (co_firstlineno: the first decorator's line),
// as Python 3.11 would give it: enclosing classes by name, enclosing
// functions as "f.<locals>". It returns "" when the file cannot be read
// or the line is not a def of that name; the matcher then takes the code
// as a module function.
func (x *sourceIndex) qualname(file string, line int, name string) string {
	lines := x.lines(file)
	if line < 1 || line > len(lines) {
		return ""
	}
	// co_firstlineno is the first decorator's line: the def follows.
	def := line - 1
	for def < len(lines) && def < line+50 && !isDef(lines[def], name) {
		def++
	}
	if def >= len(lines) || !isDef(lines[def], name) {
		return ""
	}
	parts := []string{name}
	indent := indentOf(lines[def])
	for i := def - 1; i >= 0 && indent > 0; i-- {
		l := lines[i]
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") || indentOf(l) >= indent {
			continue
		}
		if isContinuation(lines, i) {
			continue
		}
		indent = indentOf(l)
		if n, ok := blockName(t, "class"); ok {
			parts = append(parts, n)
		} else if n, ok := blockName(t, "def"); ok {
			parts = append(parts, n+".<locals>")
		} else if n, ok := blockName(t, "async def"); ok {
			parts = append(parts, n+".<locals>")
		}
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

func (x *sourceIndex) lines(file string) []string {
	if l, ok := x.files[file]; ok {
		return l
	}
	var lines []string
	path := file
	if !filepath.IsAbs(path) {
		if cwd, err := os.Readlink("/proc/" + strconv.Itoa(x.pid) + "/cwd"); err == nil {
			path = filepath.Join(cwd, path)
		}
	}
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(x.pid), "root", path))
	if err != nil {
		// The process exited before its code was resolved (a short run on a
		// busy machine): the tracer's own view, which a launched app shares
		// (same root, started in the tracer's directory).
		f, err = os.Open(path)
	}
	if err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	}
	x.files[file] = lines
	return lines
}

func isDef(line, name string) bool {
	t := strings.TrimSpace(line)
	for _, kw := range []string{"def ", "async def "} {
		if strings.HasPrefix(t, kw) {
			rest := strings.TrimSpace(t[len(kw):])
			return strings.HasPrefix(rest, name) && len(rest) > len(name) && (rest[len(name)] == '(' || rest[len(name)] == ' ')
		}
	}
	return false
}

// blockName returns the name a "class X" or "def f" statement binds.
func blockName(t, kw string) (string, bool) {
	if !strings.HasPrefix(t, kw+" ") {
		return "", false
	}
	rest := strings.TrimSpace(t[len(kw)+1:])
	end := strings.IndexAny(rest, "(: [")
	if end <= 0 {
		return "", false
	}
	return rest[:end], true
}

func indentOf(l string) int {
	n := 0
	for _, c := range l {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 8 - n%8
		default:
			return n
		}
	}
	return n
}

// isContinuation reports whether line i continues a bracketed or
// backslashed line above it, so its indentation says nothing of blocks.
func isContinuation(lines []string, i int) bool {
	if i == 0 {
		return false
	}
	prev := strings.TrimRight(lines[i-1], " \t")
	return strings.HasSuffix(prev, "\\") || strings.HasSuffix(prev, ",") || strings.HasSuffix(prev, "(")
}
