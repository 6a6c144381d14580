package matcher

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pyre"
)

// point builds a conf.Point; class "" leaves the class pattern unset.
func point(name, module, class, method string) *conf.Point {
	p := &conf.Point{
		Name:   name,
		Module: pyre.MustCompile(module),
		Method: pyre.MustCompile(method),
		Layer:  name,
	}
	if class != "" {
		p.Class = pyre.MustCompile(class)
	}
	return p
}

// fakeFS is a Stat function over a fixed set of files that counts calls.
type fakeFS struct {
	mu    sync.Mutex
	files map[string]bool
	calls map[string]int
	total atomic.Int64
}

func newFakeFS(files ...string) *fakeFS {
	fs := &fakeFS{files: make(map[string]bool), calls: make(map[string]int)}
	for _, f := range files {
		fs.files[f] = true
	}
	return fs
}

func (fs *fakeFS) isFile(path string) bool {
	fs.total.Add(1)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.calls[path]++
	return fs.files[path]
}

// describe renders a verdict for failure messages and comparisons.
func describe(m *Method) string {
	if m == nil {
		return "<nil>"
	}
	return m.Point.Name + ": " + m.Module + "|" + m.Class + "|" + m.Name
}

func mustSame(t *testing.T, what string, a, b *Method) {
	t.Helper()
	if a != b {
		t.Fatalf("%s: got different pointers %p (%s) and %p (%s)", what, a, describe(a), b, describe(b))
	}
}
