package pyre

// This file fixes the API of package pyre; the implementation lives beside it.
//
//	func Compile(pattern string) (*Regexp, error)
//	    Compile parses a Python re pattern (str pattern, Python 3 rules).
//	    The error reads like Python's: "missing ), unterminated subpattern at position 0".
//	func MustCompile(pattern string) *Regexp
//	func (r *Regexp) String() string          // the Python source pattern
//	func (r *Regexp) MatchString(s string) bool   // re.search(pattern, s) is not None
//	func (r *Regexp) NumGroups() int
//	func (r *Regexp) GroupNames() []string
//	func (r *Regexp) CompileTemplate(repl string) (*Template, error)
//	    Parses a Python re.sub replacement (\1, \g<1>, \g<name>, \n, \\ ...);
//	    errors as Python's ("invalid group reference 3 at position 1").
//	func (r *Regexp) Sub(s string, t *Template) string   // re.sub(pattern, repl, s), count=0
