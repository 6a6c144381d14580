package pyre

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
)

// DefaultTimeout bounds one match attempt of a Regexp from Compile, so a
// catastrophically backtracking pattern cannot hang the tracer.
const DefaultTimeout = time.Second

// Regexp is a compiled Python re pattern (str pattern, Python 3.11+ rules).
// It is safe for concurrent use.
type Regexp struct {
	pattern string
	expr    string // the regexp2 translation
	re      *regexp2.Regexp
	names   []string // by group number; names[0] is ""
	index   map[string]int
	timeout time.Duration

	// advance matches only non-empty matches starting exactly at the
	// search position; Sub needs it after an empty match (see sub.go).
	advanceOnce sync.Once
	advance     *regexp2.Regexp
	advanceErr  error
}

// Compile parses a Python re pattern (Python 3 str pattern rules).
// The error reads like Python's: "missing ), unterminated subpattern at
// position 0"; it is an *Error.
func Compile(pattern string) (*Regexp, error) {
	return CompileTimeout(pattern, DefaultTimeout)
}

// CompileTimeout is Compile with a different bound on each match attempt.
func CompileTimeout(pattern string, timeout time.Duration) (*Regexp, error) {
	tree, p, err := parsePattern(pattern)
	if err != nil {
		return nil, err
	}
	minWidth, _ := p.width(tree)
	expr := translate(tree, p.flags, minWidth)
	re, err := compileExpr(expr, timeout)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("internal: regexp2 rejected the translation %q: %v", expr, err), Pattern: pattern, Pos: -1}
	}
	return &Regexp{
		pattern: pattern,
		expr:    expr,
		re:      re,
		names:   p.names,
		index:   p.index,
		timeout: timeout,
	}, nil
}

func compileExpr(expr string, timeout time.Duration) (*regexp2.Regexp, error) {
	re, err := regexp2.Compile(expr, regexp2.None)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = timeout
	return re, nil
}

// MustCompile is like Compile but panics if the pattern is invalid.
func MustCompile(pattern string) *Regexp {
	re, err := Compile(pattern)
	if err != nil {
		panic(`pyre: Compile(` + strconv.Quote(pattern) + `): ` + err.Error())
	}
	return re
}

// String returns the Python source pattern.
func (r *Regexp) String() string { return r.pattern }

// Translated returns the regexp2 (.NET syntax) pattern pyre runs; it is
// meant for debugging and logs.
func (r *Regexp) Translated() string { return r.expr }

// MatchString reports whether re.search(pattern, s) finds a match. A match
// that exceeds the timeout counts as no match; use TryMatchString to see it.
func (r *Regexp) MatchString(s string) bool {
	ok, _ := r.TryMatchString(s)
	return ok
}

// TryMatchString is MatchString that reports a match timeout as an error.
func (r *Regexp) TryMatchString(s string) (bool, error) {
	ok, err := r.re.MatchString(s)
	if err != nil {
		return false, fmt.Errorf("pyre: searching %q: %w", r.pattern, err)
	}
	return ok, nil
}

// NumGroups returns the number of capturing groups, as Pattern.groups.
func (r *Regexp) NumGroups() int { return len(r.names) - 1 }

// GroupNames returns the group names indexed by group number, like
// regexp.SubexpNames: element 0 (the whole match) and unnamed groups are "".
func (r *Regexp) GroupNames() []string { return append([]string(nil), r.names...) }

// CompileTemplate parses a Python re.sub replacement (\1, \g<1>, \g<name>,
// \n, \\ ...) for use with r.Sub. Errors read like Python's ("invalid group
// reference 3 at position 1") and are *Error with the template as Pattern.
func (r *Regexp) CompileTemplate(repl string) (*Template, error) {
	return parseTemplate(repl, r.NumGroups(), r.index)
}
