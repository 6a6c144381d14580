package matcher

import (
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// code is a CodeInfo for a Python 3.11+ engine with a readable __name__.
func code(module, qualname string) CodeInfo {
	_, name := SplitQualname(qualname)
	return CodeInfo{Filename: "/srv/app/x.py", Qualname: qualname, Name: name, FirstLine: 1, ModuleHint: module}
}

func TestMatchSelection(t *testing.T) {
	tests := []struct {
		name   string
		points []*conf.Point
		code   CodeInfo
		want   string // describe() of the verdict
	}{
		// Chapter 3: "^fib$|rfib" selects fib and any name containing rfib.
		{"guide fib", []*conf.Point{point("fibo", "^fibo$", "^Fibo$", "^fib$|rfib")},
			code("fibo", "Fibo.fib"), "fibo: fibo|Fibo|fib"},
		{"guide rfib_seq", []*conf.Point{point("fibo", "^fibo$", "^Fibo$", "^fib$|rfib")},
			code("fibo", "Fibo.rfib_seq"), "fibo: fibo|Fibo|rfib_seq"},
		{"guide fib_seq2 not selected", []*conf.Point{point("fibo", "^fibo$", "^Fibo$", "^fib$|rfib")},
			code("fibo", "Fibo.fib_seq2"), "<nil>"},
		{"anchored fib does not match rfib", []*conf.Point{point("p", "fibo", "", "^fib$")},
			code("fibo", "rfib"), "<nil>"},
		{"unanchored rfib matches rfib_seq", []*conf.Point{point("p", "fibo", "", "rfib")},
			code("fibo", "rfib_seq"), "p: fibo||rfib_seq"},
		{"search, not match", []*conf.Point{point("p", "views", "", "user")},
			code("myapp.views", "get_user_list"), "p: myapp.views||get_user_list"},

		// Chapter 5: a point is either module functions or class methods.
		{"function point skips methods", []*conf.Point{point("p", "shop", "", ".*")},
			code("shop", "Shop.checkout"), "<nil>"},
		{"function point selects functions", []*conf.Point{point("p", "shop", "", ".*")},
			code("shop", "helper"), "p: shop||helper"},
		{"class point skips functions", []*conf.Point{point("p", "shop", ".*", "checkout")},
			code("shop", "checkout"), "<nil>"},
		{"class point selects methods", []*conf.Point{point("p", "shop", "^Shop$", "checkout")},
			code("shop", "Shop.checkout"), "p: shop|Shop|checkout"},
		{"class mismatch", []*conf.Point{point("p", "shop", "^Cart$", "checkout")},
			code("shop", "Shop.checkout"), "<nil>"},
		{"module mismatch", []*conf.Point{point("p", "^httplib$", "HTTPConnection", "request")},
			code("http.client", "HTTPConnection.request"), "<nil>"},
		{"guide httplib example", []*conf.Point{point("out", "httplib", "HTTPConnection", "request")},
			code("httplib", "HTTPConnection.request"), "out: httplib|HTTPConnection|request"},

		// Nested classes: innermost name or dotted path.
		{"nested by innermost", []*conf.Point{point("p", "m", "^Inner$", "^m$")},
			code("m", "Outer.Inner.m"), "p: m|Outer.Inner|m"},
		{"nested by path", []*conf.Point{point("p", "m", `^Outer\.Inner$`, "^m$")},
			code("m", "Outer.Inner.m"), "p: m|Outer.Inner|m"},
		{"nested outer anchored", []*conf.Point{point("p", "m", "^Outer$", "^m$")},
			code("m", "Outer.Inner.m"), "<nil>"},
		{"nested outer searched in path", []*conf.Point{point("p", "m", "Outer", "^m$")},
			code("m", "Outer.Inner.m"), "p: m|Outer.Inner|m"},
		{"local function is a function", []*conf.Point{point("p", "m", "", "^g$")},
			code("m", "f.<locals>.g"), "p: m||g"},
		{"local class method", []*conf.Point{point("p", "m", "^C$", "^m$")},
			code("m", "f.<locals>.C.m"), "p: m|C|m"},
		{"local class is not a function", []*conf.Point{point("p", "m", "", "^m$")},
			code("m", "f.<locals>.C.m"), "<nil>"},

		// Python-only syntax through pyre.
		{"negative lookahead skips private", []*conf.Point{point("p", "shop", "Shop", "^(?!_)")},
			code("shop", "Shop._audit"), "<nil>"},
		{"negative lookahead selects public", []*conf.Point{point("p", "shop", "Shop", "^(?!_)")},
			code("shop", "Shop.pay"), "p: shop|Shop|pay"},
		{"lookbehind", []*conf.Point{point("p", "m", "", "(?<=get_)user$")},
			code("m", "get_user"), "p: m||get_user"},
		{"lookbehind miss", []*conf.Point{point("p", "m", "", "(?<=get_)user$")},
			code("m", "set_user"), "<nil>"},
		{"inline ignorecase class", []*conf.Point{point("p", "shop", "(?i)^shop$", "pay")},
			code("shop", "SHOP.pay"), "p: shop|SHOP|pay"},
		{"inline ignorecase module", []*conf.Point{point("p", `(?i)^MYAPP\.`, "", "index")},
			code("myapp.views", "index"), "p: myapp.views||index"},
		{"case sensitive by default", []*conf.Point{point("p", "^MYAPP", "", "index")},
			code("myapp.views", "index"), "<nil>"},

		// Synthetic code objects are never calls.
		{"lambda", []*conf.Point{point("p", "", "", "")}, code("m", "<lambda>"), "<nil>"},
		{"class lambda", []*conf.Point{point("p", "", ".*", "")}, code("m", "C.<lambda>"), "<nil>"},
		{"listcomp", []*conf.Point{point("p", "", "", "")}, code("m", "f.<locals>.<listcomp>"), "<nil>"},
		{"genexpr", []*conf.Point{point("p", "", "", "")}, code("m", "C.m.<locals>.<genexpr>"), "<nil>"},
		{"module body", []*conf.Point{point("p", "", "", "")}, code("m", "<module>"), "<nil>"},
		// A class body's code is named after its class, yet running it is not a call.
		{"class body", []*conf.Point{point("p", "", "", "^Shop$")},
			CodeInfo{Filename: "/srv/app/m.py", Qualname: "Shop", Name: "Shop", ModuleHint: "m", Body: true}, "<nil>"},
		{"nested class body", []*conf.Point{point("p", "", ".*", ".*")},
			CodeInfo{Filename: "/srv/app/m.py", Qualname: "Shop.Meta", Name: "Meta", ModuleHint: "m", Body: true}, "<nil>"},
		{"function named like a class", []*conf.Point{point("p", "", "", "^Shop$")},
			CodeInfo{Filename: "/srv/app/m.py", Qualname: "Shop", Name: "Shop", ModuleHint: "m"}, "p: m||Shop"},

		// Without a qualname (3.10 and older) the code is a function.
		{"no qualname function", []*conf.Point{point("p", "m", "", "^checkout$")},
			CodeInfo{Filename: "/srv/app/x.py", Name: "checkout", ModuleHint: "m"}, "p: m||checkout"},
		{"no qualname is not a method", []*conf.Point{point("p", "m", ".*", "^checkout$")},
			CodeInfo{Filename: "/srv/app/x.py", Name: "checkout", ModuleHint: "m"}, "<nil>"},
		{"no qualname lambda", []*conf.Point{point("p", "", "", "")},
			CodeInfo{Filename: "/srv/app/x.py", Name: "<lambda>", ModuleHint: "m"}, "<nil>"},

		// File order decides.
		{"first point wins", []*conf.Point{point("a", "shop", "", "pay"), point("b", "shop", "", "^pay$")},
			code("shop", "pay"), "a: shop||pay"},
		{"later point when first misses", []*conf.Point{point("a", "shop", "Shop", "pay"), point("b", "shop", "", "^pay$")},
			code("shop", "pay"), "b: shop||pay"},
		{"incomplete points ignored", []*conf.Point{nil, {Name: "nomodule"}, point("b", "shop", "", "pay")},
			code("shop", "pay"), "b: shop||pay"},
		{"no points", nil, code("shop", "pay"), "<nil>"},

		// Module names without a hint.
		{"hint beats path", []*conf.Point{point("p", `^myapp\.views$`, "", "index")},
			CodeInfo{Filename: "/usr/lib/python3/dist-packages/other/mod.py", Qualname: "index", Name: "index", ModuleHint: "myapp.views"},
			"p: myapp.views||index"},
		{"path when no hint", []*conf.Point{point("p", `^django\.core\.handlers\.wsgi$`, "WSGIHandler", "__call__")},
			CodeInfo{Filename: "/usr/lib/python3/dist-packages/django/core/handlers/wsgi.py", Qualname: "WSGIHandler.__call__", Name: "__call__"},
			"p: django.core.handlers.wsgi|WSGIHandler|__call__"},
		{"frozen", []*conf.Point{point("p", `^importlib\._bootstrap$`, "", "_find_and_load")},
			CodeInfo{Filename: "<frozen importlib._bootstrap>", Qualname: "_find_and_load", Name: "_find_and_load"},
			"p: importlib._bootstrap||_find_and_load"},
		{"string without hint", []*conf.Point{point("p", "app", "", "f")},
			CodeInfo{Filename: "<string>", Qualname: "f", Name: "f"}, "<nil>"},
		{"string without hint, empty module pattern", []*conf.Point{point("p", "", "", "f")},
			CodeInfo{Filename: "<string>", Qualname: "f", Name: "f"}, "p: ||f"},
		{"string with hint", []*conf.Point{point("p", "app", "", "f")},
			CodeInfo{Filename: "<string>", Qualname: "f", Name: "f", ModuleHint: "app"}, "p: app||f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(tt.points, Options{Stat: newFakeFS().isFile})
			if got := describe(m.Match(tt.code)); got != tt.want {
				t.Errorf("Match(%+v) = %s, want %s", tt.code, got, tt.want)
			}
		})
	}
}

func TestMatchMainScript(t *testing.T) {
	fs := newFakeFS("/srv/proj/pkg/__init__.py")
	shop := point("shop", "^shop$", "^Shop$", "checkout")
	mainPt := point("main", "^__main__$", "^Shop$", "checkout")
	other := point("other", "^other$", "^Shop$", "checkout")
	checkout := func(file, hint string) CodeInfo {
		return CodeInfo{Filename: file, Qualname: "Shop.checkout", Name: "checkout", FirstLine: 3, ModuleHint: hint}
	}
	tests := []struct {
		name   string
		points []*conf.Point
		opts   Options
		code   CodeInfo
		want   string
	}{
		{"stem matches", []*conf.Point{shop}, Options{}, checkout("/tmp/shop.py", "__main__"), "shop: shop|Shop|checkout"},
		{"__main__ matches, stem reported", []*conf.Point{mainPt}, Options{}, checkout("/tmp/shop.py", "__main__"), "main: shop|Shop|checkout"},
		{"other module", []*conf.Point{other}, Options{}, checkout("/tmp/shop.py", "__main__"), "<nil>"},
		{"imported script is not __main__", []*conf.Point{mainPt}, Options{}, checkout("/tmp/shop.py", "shop"), "<nil>"},
		{"main script option", []*conf.Point{mainPt}, Options{MainScript: "/tmp/./shop.py"}, checkout("/tmp/shop.py", ""), "main: shop|Shop|checkout"},
		{"main script option, other file", []*conf.Point{mainPt}, Options{MainScript: "/tmp/shop.py"}, checkout("/tmp/cart.py", ""), "<nil>"},
		{"script in a package dir is its stem", []*conf.Point{point("t", "^tool$", "Shop", "checkout")}, Options{},
			checkout("/srv/proj/pkg/tool.py", "__main__"), "t: tool|Shop|checkout"},
		{"python -m under a sys.path root", []*conf.Point{point("t", `^pkg\.tool$`, "Shop", "checkout")}, Options{SysPath: []string{"/srv/proj"}},
			checkout("/srv/proj/pkg/tool.py", "__main__"), "t: pkg.tool|Shop|checkout"},
		{"python -c", []*conf.Point{mainPt}, Options{}, checkout("<string>", "__main__"), "main: __main__|Shop|checkout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Stat = fs.isFile
			m := New(tt.points, tt.opts)
			if got := describe(m.Match(tt.code)); got != tt.want {
				t.Errorf("Match(%+v) = %s, want %s", tt.code, got, tt.want)
			}
		})
	}
}

func TestMatchSamePointer(t *testing.T) {
	fs := newFakeFS()
	m := New([]*conf.Point{point("shop", "^shop$", "^Shop$", "checkout")}, Options{Stat: fs.isFile})
	ci := CodeInfo{Filename: "/tmp/shop.py", Qualname: "Shop.checkout", Name: "checkout", FirstLine: 3, ModuleHint: "__main__"}

	first := m.Match(ci)
	if first == nil {
		t.Fatal("Match = nil, want a verdict")
	}
	// A copy with equal fields, as another process's engine would send.
	again := ci
	again.Filename = string([]byte(ci.Filename))
	mustSame(t, "same identity", first, m.Match(again))

	// The script imported as a module besides running as __main__ reports
	// the same method, so it aggregates as one.
	imported := ci
	imported.ModuleHint = "shop"
	mustSame(t, "script imported as module", first, m.Match(imported))

	// A redefinition at another line is another code object, same method.
	redefined := ci
	redefined.FirstLine = 40
	mustSame(t, "redefinition", first, m.Match(redefined))

	miss := CodeInfo{Filename: "/tmp/shop.py", Qualname: "Shop.total", Name: "total", FirstLine: 9, ModuleHint: "__main__"}
	if got := m.Match(miss); got != nil {
		t.Fatalf("Match(miss) = %s, want nil", describe(got))
	}
	if got := m.Match(miss); got != nil {
		t.Fatalf("cached Match(miss) = %s, want nil", describe(got))
	}
}

func TestMatchDistinctMethods(t *testing.T) {
	a := point("a", "shop", "", "pay")
	b := point("b", "cart", "", "pay")
	m := New([]*conf.Point{a, b}, Options{Stat: newFakeFS().isFile})
	x := m.Match(CodeInfo{Filename: "/srv/shop.py", Qualname: "pay", Name: "pay", ModuleHint: "shop"})
	y := m.Match(CodeInfo{Filename: "/srv/cart.py", Qualname: "pay", Name: "pay", ModuleHint: "cart"})
	if x == nil || y == nil || x == y {
		t.Fatalf("different modules: got %p (%s) and %p (%s), want two distinct verdicts", x, describe(x), y, describe(y))
	}
	if x.String() != "shop.pay" || y.String() != "cart.pay" {
		t.Errorf("String() = %q, %q; want shop.pay, cart.pay", x.String(), y.String())
	}
}

func TestMatchCachesDerivation(t *testing.T) {
	fs := newFakeFS("/srv/proj/pkg/__init__.py")
	m := New([]*conf.Point{point("p", `^pkg\.mod$`, "", "")}, Options{Stat: fs.isFile})
	for i, name := range []string{"a", "b", "c", "a"} {
		ci := CodeInfo{Filename: "/srv/proj/pkg/mod.py", Qualname: name, Name: name, FirstLine: i + 1}
		if got := m.Match(ci); got == nil || got.Module != "pkg.mod" {
			t.Fatalf("Match(%s) = %s, want module pkg.mod", name, describe(got))
		}
	}
	// A sibling module reuses the cached answer for pkg/__init__.py.
	m.Match(CodeInfo{Filename: "/srv/proj/pkg/other.py", Qualname: "f", Name: "f"})
	for path, n := range fs.calls {
		if n != 1 {
			t.Errorf("stat(%s) called %d times, want once", path, n)
		}
	}
	if len(fs.calls) != 2 {
		t.Errorf("stat called for %v, want pkg/__init__.py and proj/__init__.py", fs.calls)
	}

	// A module hint needs no file system at all.
	before := fs.total.Load()
	m.Match(CodeInfo{Filename: "/elsewhere/x.py", Qualname: "f", Name: "f", ModuleHint: "x"})
	if fs.total.Load() != before {
		t.Error("stat called for code with a module hint")
	}
}

func TestWithSharesMethods(t *testing.T) {
	file := point("file", "^shop$", "", "^charge$")
	api := point("api", "^shop$", "^Shop$", "^checkout$")
	base := New([]*conf.Point{file}, Options{})
	with := base.With([]*conf.Point{api})
	tests := []struct {
		name      string
		m         *Matcher
		code      CodeInfo
		wantPoint string
	}{
		{"base: file point", base, code("shop", "charge"), "file"},
		{"base: no api point", base, code("shop", "Shop.checkout"), ""},
		{"with: file point", with, code("shop", "charge"), "file"},
		{"with: api point", with, code("shop", "Shop.checkout"), "api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.m.Match(tt.code)
			name := ""
			if got != nil {
				name = got.Point.Name
			}
			if name != tt.wantPoint {
				t.Errorf("point %q, want %q", name, tt.wantPoint)
			}
		})
	}
	if base.Match(code("shop", "charge")) != with.Match(code("shop", "charge")) {
		t.Error("the same verdict from base and With is not the same *Method")
	}
	if len(with.Points()) != 2 || len(base.Points()) != 1 {
		t.Errorf("points: with %d, base %d", len(with.Points()), len(base.Points()))
	}
}
