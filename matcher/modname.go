package matcher

import (
	"path/filepath"
	"sync"
)

// module returns the module name to report for a code object and whether
// the code belongs to the main script.
func (m *Matcher) module(ci CodeInfo) (string, bool) {
	if ci.ModuleHint != "" && ci.ModuleHint != mainModule {
		return ci.ModuleHint, false
	}
	isMain := ci.ModuleHint == mainModule ||
		(m.mainScript != "" && !isPseudo(ci.Filename) && filepath.Clean(ci.Filename) == m.mainScript)
	if isPseudo(ci.Filename) && !isFrozen(ci.Filename) {
		// "<string>", "<stdin>": only the hint names the module.
		return ci.ModuleHint, isMain
	}
	d := m.derivation(ci.Filename)
	if !isMain {
		return d.module, false
	}
	// Python runs a script by path, so outside any import root its module
	// is its file stem, whatever packages enclose it.
	name := d.stem
	if d.rooted {
		name = d.module
	}
	if name == "" {
		name = mainModule
	}
	return name, true
}

func isFrozen(filename string) bool {
	return len(filename) > len("<frozen >") && filename[:len("<frozen ")] == "<frozen "
}

// derivation derives a file's module name once per file name.
func (m *Matcher) derivation(filename string) derivation {
	return readThrough(&m.modMu, m.modules, filename, func(f string) derivation {
		return derive(f, m.roots, m.cachedIsFile)
	})
}

// cachedIsFile asks m.isFile once per path: many modules share the
// package directories whose __init__.py the walk looks for.
func (m *Matcher) cachedIsFile(path string) bool {
	return readThrough(&m.modMu, m.files, path, m.isFile)
}

// readThrough returns cache[key], computing it on a miss. compute runs with
// mu unlocked: it may itself read through mu's caches.
func readThrough[V any](mu *sync.RWMutex, cache map[string]V, key string, compute func(string) V) V {
	mu.RLock()
	v, ok := cache[key]
	mu.RUnlock()
	if ok {
		return v
	}
	v = compute(key)
	mu.Lock()
	cache[key] = v
	mu.Unlock()
	return v
}
