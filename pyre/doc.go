// Package pyre gives Go programs the regular expressions of Python's re module.
//
// Point files and probe.conf are written for Python: module, class and method
// patterns use re.search semantics, and uri_replace_pattern uses re.sub with
// Python's replacement templates (\1, \g<name>, \g<0>). Go's regexp (RE2) lacks
// lookarounds and backreferences and spells named groups differently, so pyre
// translates Python's syntax onto github.com/dlclark/regexp2 and reproduces
// Python's search and substitution rules on top of it.
package pyre
