package matcher

import "github.com/hpdiag/hpdiag-trace/conf"

// CodeInfo describes a Python code object as an engine sees it.
type CodeInfo struct {
	Filename  string // co_filename
	Qualname  string // co_qualname (3.11+), or a qualname the engine rebuilt; "" if unknown
	Name      string // co_name
	FirstLine int    // co_firstlineno
	// ModuleHint is the module's __name__ when the engine can read it (the shim
	// can, E1 cannot); "__main__" marks the main script.
	ModuleHint string
	// Body marks the code of a class or module body (co_flags without
	// CO_NEWLOCALS): running it is not a call the guide measures, even
	// though a class body's code is named after its class.
	Body bool
}

// Method is the verdict for a matched code object: the names the report uses
// and the point that selected it. A Method is created once per code identity
// and never changes, so events may point to it.
type Method struct {
	Module string // dotted module name; the script's file stem for the main script
	Class  string // dotted class path inside the module; "" for a module function
	Name   string // the function or method name
	Point  *conf.Point
}

// String returns "module.Class.method" or "module.function".
func (m *Method) String() string {
	if m.Class == "" {
		return m.Module + "." + m.Name
	}
	return m.Module + "." + m.Class + "." + m.Name
}
