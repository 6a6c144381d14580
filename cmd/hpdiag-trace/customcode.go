package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// builtinCustomCode are the shim's own custom code modules, named
// hpdiag.<name> (shim/python/_hpdiag_shim/builtin_code.py, MODULES).
var builtinCustomCode = map[string]bool{
	"http_client_outbound": true, "urllib3_outbound": true, "requests_outbound": true,
	"wsgi_inbound": true, "http_server_inbound": true, "http_server_status": true,
}

// checkCustomCode finds the custom code files the points name in dir (the
// custom_code directory), as the shim will look them up, and returns the
// first that is missing with the point's file:line and the fix.
func checkCustomCode(points []*conf.Point, dir string) error {
	for _, p := range points {
		for _, ref := range []struct{ when, name string }{{"before", p.Detail.BeforeCode}, {"after", p.Detail.AfterCode}} {
			if ref.name == "" {
				continue
			}
			if problem := customCodeProblem(ref.name, dir); problem != "" {
				return fmt.Errorf("%s:%d: point [%s]: %s:code:%s: %s", p.File, p.Line, p.Name, ref.when, ref.name, problem)
			}
		}
	}
	return nil
}

// customCodeProblem says what is wrong with custom code name in dir, or "".
func customCodeProblem(name, dir string) string {
	if rest, ok := strings.CutPrefix(name, "hpdiag."); ok {
		if builtinCustomCode[rest] {
			return ""
		}
		var names []string
		for n := range builtinCustomCode {
			names = append(names, "hpdiag."+n)
		}
		sort.Strings(names)
		return "no such built-in custom code; the built-in ones are " + strings.Join(names, ", ")
	}
	parts := strings.Split(name, ".")
	base := dir
	for _, sub := range parts[:len(parts)-1] {
		base = filepath.Join(base, sub)
		if _, err := os.Stat(filepath.Join(base, "__init__.py")); err != nil {
			return fmt.Sprintf("%s has no __init__.py; a sub-directory of custom_code needs one", base)
		}
	}
	path := filepath.Join(base, parts[len(parts)-1]+".py")
	if _, err := os.Stat(path); err != nil {
		return fmt.Sprintf("%s does not exist; put the custom code file there (the custom_code directory of the configuration directory, -d)", path)
	}
	return ""
}
