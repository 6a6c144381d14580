package matcher

import (
	"path/filepath"
	"sync"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// mainModule is the __name__ of the main script.
const mainModule = "__main__"

// Options tell a Matcher about the traced process.
type Options struct {
	// SysPath is the traced process's sys.path, if known. Its entries are
	// import roots for deriving module names from file names.
	SysPath []string
	// MainScript is the path of the main script, if known. Code from this
	// file is treated as if its ModuleHint were "__main__", for engines
	// that cannot read __name__.
	MainScript string
	// Stat reports whether a path is a regular file; nil means os.Stat.
	// Tests use it to fake __init__.py files.
	Stat func(path string) (isFile bool)
}

// Matcher applies a points file to code objects. It is safe for
// concurrent use.
type Matcher struct {
	points     []*conf.Point
	roots      []string
	mainScript string
	isFile     func(string) bool

	mu       sync.RWMutex
	verdicts map[codeKey]*Method   // nil values are cached misses
	intern   *interner             // shared by the Matchers made With this one
	modMu    sync.RWMutex          // guards modules and files
	modules  map[string]derivation // by co_filename
	files    map[string]bool       // isFile answers
}

// codeKey is a code object's identity. It holds only strings and ints, so
// map lookups with it hash without allocating.
type codeKey struct {
	filename, qualname, name string
	firstLine                int
	moduleHint               string
}

// New returns a Matcher for points, in file order. Points without a
// module or method pattern select nothing.
func New(points []*conf.Point, opts Options) *Matcher {
	m := &Matcher{
		roots:    cleanRoots(opts.SysPath),
		isFile:   opts.Stat,
		verdicts: make(map[codeKey]*Method),
		intern:   &interner{methods: make(map[Method]*Method)},
		modules:  make(map[string]derivation),
		files:    make(map[string]bool),
	}
	if m.isFile == nil {
		m.isFile = statIsFile
	}
	if opts.MainScript != "" {
		m.mainScript = filepath.Clean(opts.MainScript)
	}
	for _, p := range points {
		if p != nil && p.Module != nil && p.Method != nil {
			m.points = append(m.points, p)
		}
	}
	return m
}

// Match returns the verdict for a code object: the Method to report, or
// nil when no point selects it. The first point in file order that
// selects the code wins.
//
// Verdicts are cached per code identity (Filename, Qualname, Name,
// FirstLine, ModuleHint), and Methods are interned by value: every call
// that resolves to the same module, class, name and point returns the same
// *Method, whatever process or code object it came from, so callers may
// aggregate by pointer. A cached lookup does not allocate.
func (m *Matcher) Match(ci CodeInfo) *Method {
	k := codeKey{ci.Filename, ci.Qualname, ci.Name, ci.FirstLine, ci.ModuleHint}
	m.mu.RLock()
	v, ok := m.verdicts[k]
	m.mu.RUnlock()
	if ok {
		return v
	}
	// Resolve outside the lock: it may stat files and run regexes.
	found, selected := m.resolve(ci)

	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.verdicts[k]; ok {
		return v // another goroutine resolved it first
	}
	var verdict *Method
	if selected {
		verdict = m.intern.get(found)
	}
	m.verdicts[k] = verdict
	return verdict
}

// interner holds the one *Method of each verdict value.
type interner struct {
	mu      sync.Mutex
	methods map[Method]*Method
}

// get returns the one *Method equal to meth.
func (in *interner) get(meth Method) *Method {
	in.mu.Lock()
	defer in.mu.Unlock()
	if v, ok := in.methods[meth]; ok {
		return v
	}
	v := &meth
	in.methods[meth] = v
	return v
}

// With returns a Matcher for m's points followed by extra (points created
// in code by one process, through the pyprobe API). It has its own verdict
// cache but shares m's options and interned Methods: a code object both
// select resolves to the same *Method from either, so aggregates by pointer
// stay whole. m is not changed.
func (m *Matcher) With(extra []*conf.Point) *Matcher {
	n := &Matcher{
		points:     append([]*conf.Point{}, m.points...),
		roots:      m.roots,
		mainScript: m.mainScript,
		isFile:     m.isFile,
		verdicts:   make(map[codeKey]*Method),
		intern:     m.intern,
		modules:    make(map[string]derivation),
		files:      make(map[string]bool),
	}
	for _, p := range extra {
		if p != nil && p.Module != nil && p.Method != nil {
			n.points = append(n.points, p)
		}
	}
	return n
}

// Points are the points m applies, in order.
func (m *Matcher) Points() []*conf.Point { return append([]*conf.Point{}, m.points...) }

// resolve applies the points to a code object.
func (m *Matcher) resolve(ci CodeInfo) (Method, bool) {
	// Without a qualname (engines on 3.10 and older) the class is unknown:
	// the code can only be a module function.
	class, name := "", ci.Name
	if ci.Qualname != "" {
		class, name = SplitQualname(ci.Qualname)
	}
	if ci.Body || isSynthetic(name) {
		return Method{}, false
	}
	module, isMain := m.module(ci)
	for _, p := range m.points {
		if selects(p, module, isMain, class, name) {
			return Method{Module: module, Class: class, Name: name, Point: p}, true
		}
	}
	return Method{}, false
}

// selects reports whether point p selects the code. The main script
// matches a module pattern by its reported name or by "__main__".
func selects(p *conf.Point, module string, isMain bool, class, name string) bool {
	if !p.Module.MatchString(module) &&
		!(isMain && module != mainModule && p.Module.MatchString(mainModule)) {
		return false
	}
	if !classMatches(p, class) {
		return false
	}
	return p.Method.MatchString(name)
}

// classMatches applies the point's class rule: a point without a class
// selects module functions only, a point with one selects only methods of
// a class whose innermost name or dotted path matches.
func classMatches(p *conf.Point, class string) bool {
	if p.Class == nil || class == "" {
		return p.Class == nil && class == ""
	}
	inner := innermost(class)
	return p.Class.MatchString(inner) || (inner != class && p.Class.MatchString(class))
}
