package pyre

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSearch(t *testing.T) {
	for _, c := range searchCases {
		re, err := Compile(c.Pattern)
		if err != nil {
			t.Errorf("Compile(%q): %v", c.Pattern, err)
			continue
		}
		if got := re.MatchString(c.Input); got != c.Want {
			t.Errorf("search(%q, %q) = %v, want %v (regexp2: %s)", c.Pattern, c.Input, got, c.Want, re.Translated())
		}
	}
}

func TestSub(t *testing.T) {
	for _, c := range subCases {
		re, err := Compile(c.Pattern)
		if err != nil {
			t.Errorf("Compile(%q): %v", c.Pattern, err)
			continue
		}
		tmpl, err := re.CompileTemplate(c.Repl)
		if err != nil {
			t.Errorf("CompileTemplate(%q) for %q: %v", c.Repl, c.Pattern, err)
			continue
		}
		if got := re.Sub(c.Input, tmpl); got != c.Want {
			t.Errorf("sub(%q, %q, %q) = %q, want %q (regexp2: %s)", c.Pattern, c.Repl, c.Input, got, c.Want, re.Translated())
		}
	}
}

func checkError(t *testing.T, what string, err error, msg string, pos int) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v, want *Error %q at %d", what, err, msg, pos)
		return
	}
	if e.Msg != msg || (pos >= 0 && e.Pos != pos) {
		t.Errorf("%s: error %q at %d, want %q at %d", what, e.Msg, e.Pos, msg, pos)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range append(append([]errorCase(nil), errorCases...), goOnlyErrors...) {
		re, err := Compile(c.Pattern)
		if err == nil {
			t.Errorf("Compile(%q) = %s, want error %q", c.Pattern, re.Translated(), c.Msg)
			continue
		}
		checkError(t, "Compile("+c.Pattern+")", err, c.Msg, c.Pos)
	}
}

func TestTemplateErrors(t *testing.T) {
	for _, c := range templateErrorCases {
		re := MustCompile(c.Pattern)
		_, err := re.CompileTemplate(c.Repl)
		if err == nil {
			t.Errorf("CompileTemplate(%q) for %q: no error, want %q", c.Repl, c.Pattern, c.Msg)
			continue
		}
		checkError(t, "CompileTemplate("+c.Repl+")", err, c.Msg, c.Pos)
		if e := err.(*Error); e.Pattern != c.Repl {
			t.Errorf("CompileTemplate(%q): error Pattern %q, want the template", c.Repl, e.Pattern)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	for _, c := range []struct{ pattern, want string }{
		{`a(b`, "missing ), unterminated subpattern at position 1"},
		{"a\n(b", "missing ), unterminated subpattern at position 2 (line 2, column 1)"},
		{"(?x)\n  a\n  \\q", `bad escape \q at position 11 (line 3, column 3)`},
		{`(?a)(?u)`, "ASCII and UNICODE flags are incompatible"},
		{`é(`, "missing ), unterminated subpattern at position 1"},
	} {
		_, err := Compile(c.pattern)
		if err == nil || err.Error() != c.want {
			t.Errorf("Compile(%q) error = %v, want %q", c.pattern, err, c.want)
		}
	}
}

func TestGroups(t *testing.T) {
	re := MustCompile(`(?P<year>\d+)-(\d+)(?:x)(?P<day>\d+)(?=(a))`)
	if got := re.NumGroups(); got != 4 {
		t.Errorf("NumGroups = %d, want 4", got)
	}
	want := []string{"", "year", "", "day", ""}
	got := re.GroupNames()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("GroupNames = %q, want %q", got, want)
	}
	got[1] = "changed"
	if re.GroupNames()[1] != "year" {
		t.Error("GroupNames exposes internal state")
	}
	if re.String() != `(?P<year>\d+)-(\d+)(?:x)(?P<day>\d+)(?=(a))` {
		t.Errorf("String = %q", re.String())
	}
	tmpl, err := re.CompileTemplate(`\g<day>/\2/\g<year>`)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.String() != `\g<day>/\2/\g<year>` {
		t.Errorf("Template.String = %q", tmpl.String())
	}
	if got := re.Sub("2024-05x17a", tmpl); got != "17/05/2024a" {
		t.Errorf("Sub = %q", got)
	}
}

func TestMustCompilePanics(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "nothing to repeat at position 0") {
			t.Errorf("MustCompile panic = %v", r)
		}
	}()
	MustCompile(`*`)
}

// TestSubPreservesInvalidUTF8 checks that text outside matches is copied
// byte for byte, even where it is not valid UTF-8.
func TestSubPreservesInvalidUTF8(t *testing.T) {
	re := MustCompile(`b`)
	tmpl, _ := re.CompileTemplate(`[\g<0>]`)
	in := "a\xffbé\xfe"
	if got, want := re.Sub(in, tmpl), "a\xff[b]é\xfe"; got != want {
		t.Errorf("Sub(%q) = %q, want %q", in, got, want)
	}
	if got := re.Sub("xyz", tmpl); got != "xyz" {
		t.Errorf("Sub without match = %q", got)
	}
}

func TestTimeout(t *testing.T) {
	re, err := CompileTimeout(`^(a+)+$`, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	in := strings.Repeat("a", 40) + "!"
	start := time.Now()
	ok, err := re.TryMatchString(in)
	if ok || err == nil {
		t.Errorf("TryMatchString = %v, %v; want a timeout error", ok, err)
	}
	if re.MatchString(in) {
		t.Error("MatchString after timeout = true")
	}
	tmpl, _ := re.CompileTemplate("x")
	if out, err := re.TrySub(in, tmpl); err == nil || out != in {
		t.Errorf("TrySub = %q, %v; want input and a timeout error", out, err)
	}
	if got := re.Sub(in, tmpl); got != in {
		t.Errorf("Sub after timeout = %q, want the input unchanged", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeouts took %v", d)
	}
}

func TestTranslationIsExplicit(t *testing.T) {
	// Named groups must become numbered groups: .NET would number a named
	// group after all unnamed ones.
	re := MustCompile(`(?P<a>x)(y)`)
	tmpl, _ := re.CompileTemplate(`\1\2\g<a>`)
	if got := re.Sub("xy", tmpl); got != "xyx" {
		t.Errorf("Sub = %q (regexp2: %s)", got, re.Translated())
	}
	if strings.Contains(re.Translated(), "?<") {
		t.Errorf("translation %q still has a named group", re.Translated())
	}
}

// TestConcurrentUse shares one Regexp and Template between goroutines
// (run with -race); Sub compiles its helper pattern lazily on first need.
func TestConcurrentUse(t *testing.T) {
	re := MustCompile(`x*`)
	tmpl, err := re.CompileTemplate(`-`)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := re.Sub("abxd", tmpl); got != "-a-b--d-" {
					t.Errorf("Sub = %q", got)
					return
				}
				if !re.MatchString("") {
					t.Error("MatchString(\"\") = false")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkMatchString(b *testing.B) {
	re := MustCompile(`^(get|post)_\w+$`)
	b.ReportAllocs()
	for b.Loop() {
		re.MatchString("post_comment_form")
	}
}

func BenchmarkSub(b *testing.B) {
	re := MustCompile(`(;|/?\!).*$`)
	tmpl, _ := re.CompileTemplate(``)
	b.ReportAllocs()
	for b.Loop() {
		re.Sub("/app/orders/list;jsessionid=0123456789", tmpl)
	}
}
