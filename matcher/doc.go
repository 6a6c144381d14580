// Package matcher decides which Python code objects the points file selects.
//
// Engines describe a code object by its file name, qualified name and first
// line (CodeInfo); the matcher derives the module name from the file path and
// the class from the qualified name, applies the points' module, class and
// method patterns with Python's re.search semantics, and returns one verdict
// (a *Method, or nil) per code identity, cached.
package matcher
