// Package matcher decides which Python code objects the points file selects.
//
// Engines describe a code object by its file name, qualified name and first
// line (CodeInfo); the matcher derives the module name from the file path and
// the class from the qualified name, applies the points' module, class and
// method patterns with Python's re.search semantics, and returns one verdict
// (a *Method, or nil) per code identity, cached.
//
// # Selection
//
// A point selects a code object when its module pattern finds a match in
// the module name, its class rule holds and its method pattern finds a
// match in the function name. Patterns search, as in the guide: "^fib$"
// selects only fib, "rfib" selects every name containing rfib. A point
// without a class pattern selects module functions only; a point with one
// selects only methods, of a class whose innermost name ("Inner") or dotted
// path ("Outer.Inner") matches. When several points select the same code,
// the first in file order wins: one call is reported once, under one layer.
//
// Code objects named in angle brackets (<module>, <lambda>, <listcomp>,
// <genexpr>) are never selected: they are not calls of a named function
// or method, which is what the guide measures. A function or class defined
// inside a function is named by the part of its qualified name after the
// last "<locals>": "f.<locals>.g" is the module function g. Without a
// qualified name (engines on Python 3.10 and older that cannot rebuild it)
// the code object's name is taken as a module function.
//
// # Module names
//
// A ModuleHint other than "__main__" is the module name. Otherwise the name
// comes from the file (see ModuleFromPath). The main script (ModuleHint
// "__main__", or Options.MainScript) is reported under its path-derived
// name, its file stem unless it lies under an import root (python -m), and
// a module pattern matching either that name or "__main__" selects it.
// Pseudo file names such as "<string>" and "<stdin>" give only the hint as
// module name, else "": only a module pattern that matches the empty
// string (such as "" or ".*") selects such code.
//
// # Caching
//
// Verdicts, misses included, are kept for the Matcher's life; so are the
// module names derived per file name and the file system answers behind
// them. The tracer makes one Matcher per points file, and a process has a
// bounded set of code objects, so the caches are not evicted.
package matcher
