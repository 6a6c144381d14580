package matcher

import "path/filepath"

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
	m.modMu.RLock()
	d, ok := m.modules[filename]
	m.modMu.RUnlock()
	if ok {
		return d
	}
	d = derive(filename, m.roots, m.cachedIsFile)
	m.modMu.Lock()
	m.modules[filename] = d
	m.modMu.Unlock()
	return d
}

// cachedIsFile asks m.isFile once per path: many modules share the
// package directories whose __init__.py the walk looks for.
func (m *Matcher) cachedIsFile(path string) bool {
	m.modMu.RLock()
	ok, seen := m.files[path]
	m.modMu.RUnlock()
	if seen {
		return ok
	}
	ok = m.isFile(path)
	m.modMu.Lock()
	m.files[path] = ok
	m.modMu.Unlock()
	return ok
}
