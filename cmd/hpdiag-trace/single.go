package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// singleRunner runs a script the way the guide's --single does: imported as
// a module named by its file stem (so points name it by that stem), then its
// main() is called and its return value becomes the exit status. main() may
// be defined inside module-level if/try/with blocks, as in the guide's
// pattern of a main script (try: def main() ... finally: pyprobe.shutdown()).
// A script without a module-level main() runs as __main__, as it would
// without --single.
// It is passed with -c, so sys.argv and sys.path[0] are set back to what a
// plain `python SCRIPT ARGS` gives.
const singleRunner = `import ast, importlib.util, os, sys
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(os.path.abspath(script))
with open(script, "rb") as f:
    source = f.read()
def _defines_main(body):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name == "main":
                return True
        elif not isinstance(node, ast.ClassDef):
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(node, field, None)
                if isinstance(block, list) and _defines_main(block):
                    return True
    return False
defines_main = _defines_main(ast.parse(source, script).body)
del ast, f, source, _defines_main
if not defines_main:
    import runpy
    runpy.run_path(script, run_name="__main__")
else:
    name = os.path.splitext(os.path.basename(script))[0]
    spec = importlib.util.spec_from_file_location(name, script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    sys.exit(module.main())
`

// pythonOptionsWithArg are the interpreter options that take a value.
var pythonOptionsWithArg = map[byte]bool{'W': true, 'X': true}

// singleCommand rewrites `python [OPTIONS] SCRIPT.py [ARGS]` so that SCRIPT
// runs as --single asks.
func singleCommand(argv []string) ([]string, error) {
	if !strings.HasPrefix(filepath.Base(argv[0]), "python") {
		return nil, fmt.Errorf("--single runs a Python script: give python SCRIPT.py [ARGS] (got %q)", argv[0])
	}
	i, err := scriptIndex(argv)
	if err != nil {
		return nil, err
	}
	script := argv[i]
	stem := strings.TrimSuffix(filepath.Base(script), filepath.Ext(script))
	if strings.Contains(stem, ".") {
		return nil, fmt.Errorf("--single %s: the script is imported as a module named by its file stem, which must not contain dots (rename it, e.g. to %s.py)",
			script, strings.ReplaceAll(stem, ".", "_"))
	}
	out := append([]string{}, argv[:i]...)
	out = append(out, "-c", singleRunner)
	return append(out, argv[i:]...), nil
}

// scriptIndex finds the script in a python command line, past the
// interpreter's own options.
func scriptIndex(argv []string) (int, error) {
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--":
			if i+1 < len(argv) {
				return i + 1, nil
			}
		case a == "-" || a == "-c" || a == "-m" || strings.HasPrefix(a, "-c") || strings.HasPrefix(a, "-m"):
			return 0, fmt.Errorf("--single runs a script file, not %q: give python SCRIPT.py [ARGS]", a)
		case strings.HasPrefix(a, "--"):
			// Long options (--check-hash-based-pycs takes a value).
			if a == "--check-hash-based-pycs" {
				i++
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if last := a[len(a)-1]; pythonOptionsWithArg[last] && len(a) == 2 {
				i++
			}
		default:
			return i, nil
		}
	}
	return 0, fmt.Errorf("--single: no script in %q: give python SCRIPT.py [ARGS]", argv)
}
