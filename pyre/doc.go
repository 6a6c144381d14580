// Package pyre gives Go programs the regular expressions of Python's re module.
//
// Point files and probe.conf are written for Python: module, class and method
// patterns use re.search semantics, and uri_replace_pattern uses re.sub with
// Python's replacement templates (\1, \g<name>, \g<0>). Go's regexp (RE2) lacks
// lookarounds and backreferences and spells named groups differently, so pyre
// translates Python's syntax onto github.com/dlclark/regexp2 and reproduces
// Python's search and substitution rules on top of it.
//
// # Syntax
//
// pyre parses str patterns by the rules of Python 3.11 to 3.13 and rejects what
// they reject, with Python's message and position (see Error). That covers
// (?P<name>...), (?P=name), \1..\99, (?(1)yes|no) and (?(name)yes|no),
// lookarounds with Python's fixed-width rule for look-behinds, the flags
// (?aimsux) at the start and scoped as (?i:...) and (?-i:...), (?#...),
// verbose mode, \A \Z \b \B \d \D \s \S \w \W, the escapes \a \f \n \r \t \v
// \xhh \uhhhh \Uhhhhhhhh and octal escapes, and the possessive quantifiers
// and atomic groups (?>...) that Python added in 3.11. .NET syntax that Python
// lacks, such as (?<name>...), \k<name>, balancing groups or \p{L}, is an
// error as in Python.
//
// Nothing is left to regexp2's own flags: \w \d \s \b follow Python's Unicode
// (or, with (?a), ASCII) definitions, IGNORECASE is expanded into explicit
// sets with sre's case-folding rules (e.g. (?i)s matches 'ſ', (?i)k matches
// the Kelvin sign, (?ai) folds ASCII only), named groups become numbered
// groups, $ and \Z keep Python's meanings. Every match attempt runs under a
// timeout (DefaultTimeout) so that a catastrophically backtracking pattern
// cannot hang its caller.
//
// # Differences from Python
//
//   - \N{name} escapes are rejected: Go's standard library has no Unicode
//     name table.
//   - The TEMPLATE flag (?t), deprecated in 3.11 and removed in 3.13, is
//     rejected as in 3.13. Global flags must start the pattern, as in 3.11+.
//   - Group numbers in (?(N)...) and \g<N> must be ASCII digits (3.12+ rule).
//   - Repeat counts are limited to 2**31-2 (Python: 2**32-2).
//   - Under (?i), backreferences compare by simple lowercase even in ASCII
//     mode, and classes apply folding to their literal members but not to
//     their categories (sre lowercases the input before testing \w etc.).
//   - A repeat whose body can match the empty string and contains a
//     conditional on a group set inside that repeat can backtrack
//     differently: .NET and sre stop such loops by different rules.
//   - Character properties come from Go's Unicode tables, whose version may
//     differ from the interpreter's.
package pyre
