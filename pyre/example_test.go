package pyre_test

import (
	"fmt"

	"github.com/hpdiag/hpdiag-trace/pyre"
)

// A points file selects methods with re.search semantics: "^fib$" selects
// only fib, while "rfib" selects every method whose name contains rfib.
func ExampleRegexp_MatchString() {
	exact := pyre.MustCompile(`^fib$`)
	sub := pyre.MustCompile(`rfib`)
	for _, name := range []string{"fib", "rfib", "rfib_seq", "fibo"} {
		fmt.Printf("%-8s ^fib$=%-5v rfib=%v\n", name, exact.MatchString(name), sub.MatchString(name))
	}
	// Output:
	// fib      ^fib$=true  rfib=false
	// rfib     ^fib$=false rfib=true
	// rfib_seq ^fib$=false rfib=true
	// fibo     ^fib$=false rfib=false
}

// uri_replace_pattern operations are applied in order with re.sub
// semantics; each output is the next input.
func ExampleRegexp_Sub() {
	ops := []struct{ pattern, repl string }{
		{`(;|/?\!).*$`, ``},                        // drop ;params and /!fragments
		{`^/django/(my)?portal/`, `Django Portal`}, // map both portals to one name
		{`.*\/([a-zA-Z0-9_ ]*)\.py`, `\1`},         // keep only the script name
	}
	for _, uri := range []string{"/django/myportal/;jsessionid=42", "/cgi-bin/report.py/!debug"} {
		for _, op := range ops {
			re, err := pyre.Compile(op.pattern)
			if err != nil {
				fmt.Println(err)
				return
			}
			tmpl, err := re.CompileTemplate(op.repl)
			if err != nil {
				fmt.Println(err)
				return
			}
			uri = re.Sub(uri, tmpl)
		}
		fmt.Println(uri)
	}
	// Output:
	// Django Portal
	// report
}

// Errors read like Python's re.error and carry the position.
func ExampleCompile_error() {
	_, err := pyre.Compile(`(?<name>\w+)`)
	fmt.Println(err)
	re := pyre.MustCompile(`(a)`)
	_, err = re.CompileTemplate(`\3`)
	fmt.Println(err)
	// Output:
	// unknown extension ?<n at position 1
	// invalid group reference 3 at position 1
}
