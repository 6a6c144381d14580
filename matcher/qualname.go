package matcher

import "strings"

// locals marks a function's local scope in a qualified name.
const locals = ".<locals>."

// SplitQualname splits a __qualname__ into the dotted class path and the
// function name. Only the part after the last "<locals>" counts, because a
// class or function defined inside a function is reached through no module
// attribute path:
//
//	"Shop.checkout"        -> "Shop", "checkout"
//	"Outer.Inner.m"        -> "Outer.Inner", "m"
//	"f.<locals>.g"         -> "", "g"
//	"f.<locals>.C.m"       -> "C", "m"
//	"<lambda>"             -> "", "<lambda>"
//
// Names in angle brackets (<lambda>, <listcomp>, <genexpr>, <module>) come
// back unchanged; Match never selects them.
func SplitQualname(qualname string) (class, method string) {
	if i := strings.LastIndex(qualname, locals); i >= 0 {
		qualname = qualname[i+len(locals):]
	}
	i := strings.LastIndexByte(qualname, '.')
	if i < 0 {
		return "", qualname
	}
	return qualname[:i], qualname[i+1:]
}

// isSynthetic reports a code object name that no point can select: module
// bodies, lambdas, comprehensions and generator expressions are not calls
// of a named function or method.
func isSynthetic(name string) bool {
	return name == "" || name[0] == '<'
}

// innermost returns the last component of a dotted class path.
func innermost(class string) string {
	return class[strings.LastIndexByte(class, '.')+1:]
}
