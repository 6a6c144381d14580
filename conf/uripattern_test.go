package conf

import (
	"errors"
	"strings"
	"testing"
)

// guideURIPatterns are the uri_replace_pattern examples of the guide's
// chapter 4, with the line the PDF wraps joined. The django example is a
// typo and fails; see TestParseURIReplacePatternErrors.
var guideURIPatterns = []string{
	`s#string.*$##`,
	`s#(string).*$\1#`,
	`s#foo#bar#,s#bar#foo#`,
	`s#;.*$##`,
	`s#/?\!.*$##`,
	`s#(;|/?\!).*$##`,
	`s#(;/?\!).*$##,s#.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$#Static Content#`,
	`s#.*\/([a-zA-Z0-9_ ]*)\.py#\1#`,
}

func TestParseURIReplacePattern(t *testing.T) {
	tests := []struct {
		value    string
		patterns []string // Pattern.String() of each operation
		sources  []string
		in, out  string // the operations applied in order to in give out
		warn     string // part of the one warning expected, if any
	}{
		{`s#string.*$##`, []string{`string.*$`}, []string{`s#string.*$##`}, "/a/string/b", "/a/", ""},
		{`s#(string).*$\1#`, []string{`(string).*$`}, []string{`s#(string).*$\1#`}, "/a/string/b", "/a/string",
			`write the middle '#': s#(string).*$#\1#`},
		{`s#foo#bar#,s#bar#foo#`, []string{"foo", "bar"}, nil, "foo/bar", "foo/foo", ""},
		{`s#;.*$##`, []string{`;.*$`}, nil, "/a;jsessionid=12", "/a", ""},
		{`s#/?\!.*$##`, []string{`/?\!.*$`}, nil, "/a/!x", "/a", ""},
		{`s#(;|/?\!).*$##`, []string{`(;|/?\!).*$`}, nil, "/a!x;y", "/a", ""},
		{guideURIPatterns[6], []string{`(;/?\!).*$`, `.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$`}, nil,
			"/img/logo.png", "Static Content", ""},
		{`s#.*\/([a-zA-Z0-9_ ]*)\.py#\1#`, []string{`.*\/([a-zA-Z0-9_ ]*)\.py`}, nil, "/cgi/test_1.py", "test_1", ""},
		{`#a#b#`, []string{"a"}, []string{"#a#b#"}, "xax", "xbx", ""},
		{`s#a{1,3}#x#,s#b##`, []string{"a{1,3}", "b"}, []string{"s#a{1,3}#x#", "s#b##"}, "baaaab", "xx", ""},
		{`s#a\#b#c\#d#`, []string{"a#b"}, []string{`s#a\#b#c\#d#`}, "xa#by", "xc#dy", ""},
		{`s#a\\#b#`, []string{`a\\`}, nil, `xa\y`, "xby", ""},
		{`s#;#,#`, []string{";"}, nil, "a;b", "a,b", ""},
		{"  s#a##  ,\t#b## ", []string{"a", "b"}, []string{"s#a##", "#b##"}, "abc", "c", ""},
		{`s#(string).*$\1#,s#foo#bar#`, []string{`(string).*$`, "foo"}, []string{`s#(string).*$\1#`, "s#foo#bar#"},
			"/foo/string/x", "/bar/string", "operation 1"},
		{`s#(?P<k>key).*$\g<k>#`, []string{`(?P<k>key).*$`}, nil, "/key/1", "/key", `s#(?P<k>key).*$#\g<k>#`},
		{``, nil, nil, "/same", "/same", ""},
		{`   `, nil, nil, "/same", "/same", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			warn, warnings := collect()
			ops, err := ParseURIReplacePattern(tt.value, warn)
			if err != nil {
				t.Fatal(err)
			}
			var pats, srcs []string
			got := tt.in
			for _, op := range ops {
				pats, srcs = append(pats, op.Pattern.String()), append(srcs, op.Source)
				got = op.Pattern.Sub(got, op.Replace)
			}
			if strings.Join(pats, "\n") != strings.Join(tt.patterns, "\n") {
				t.Errorf("patterns %q, want %q", pats, tt.patterns)
			}
			if tt.sources != nil && strings.Join(srcs, "\n") != strings.Join(tt.sources, "\n") {
				t.Errorf("sources %q, want %q", srcs, tt.sources)
			}
			if got != tt.out {
				t.Errorf("%q maps to %q, want %q", tt.in, got, tt.out)
			}
			switch {
			case tt.warn == "" && len(*warnings) > 0:
				t.Errorf("unexpected warnings %v", *warnings)
			case tt.warn != "" && (len(*warnings) != 1 || !strings.Contains((*warnings)[0].Error(), tt.warn)):
				t.Errorf("warnings %v, want one containing %q", *warnings, tt.warn)
			}
		})
	}
}

func TestParseURIReplacePatternErrors(t *testing.T) {
	tests := []struct {
		value, msg, fix string
	}{
		{`s^/django/(my)?portal/#Django Portal#`, `operation 1 at position 0: expected "s#" or "#", found "s^"`,
			`write s#^/django/(my)?portal/#Django Portal#`},
		{`s#a##,s^/django/(my)?portal/#Django Portal#`, `operation 2 at position 6: expected "s#" or "#"`,
			`write s#^/django/(my)?portal/#Django Portal#`},
		{`s/a/b/`, `expected "s#" or "#", found "s/"`, "write s#a#b#"},
		{`x#a#b#`, `expected "s#" or "#", found "x#"`, "s#pattern#replace#"},
		{`s#a#b`, "the replacement has no closing '#' (expected at position 5)", "s#pattern#replace#"},
		{`s#abc`, "the pattern has no closing '#'", "s#pattern#replace#"},
		{`s#a#`, "has only two '#'", "write s#a## to delete"},
		{`s#a#b#c`, `expected ',' or the end of the value at position 6 after its third '#', found "c"`, `\#`},
		{`s#a##,`, "expected an operation after the ',' at position 5", "remove the trailing ','"},
		{`s#a##,,s#b##`, `operation 2 at position 6: expected "s#" or "#", found ",s"`, "s#pattern#replace#"},
		{`s#a(#b#`, "the pattern a( is not a valid regular expression", "escape"},
		{`s#(a)#\2#`, `the replacement \2 is not valid`, "refer only to groups"},
		{`s#x##,s#a(#b#`, "operation 2, s#a(#b#", "escape"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			ops, err := ParseURIReplacePattern(tt.value, nil)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, %v; want a *conf.Error", ops, err)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Msg, tt.msg)
			}
			if !strings.Contains(e.Fix, tt.fix) {
				t.Errorf("fix %q does not contain %q", e.Fix, tt.fix)
			}
			if e.File != "" || e.Error() != e.Msg+"; "+e.Fix {
				t.Errorf("Error() = %q: a value without a file has no location", e.Error())
			}
		})
	}
}

func TestParseURIReplacePatternRegexError(t *testing.T) {
	_, err := ParseURIReplacePattern(`s#a(#b#`, nil)
	if err == nil || !strings.Contains(err.Error(), "missing )") {
		t.Errorf("got %v, want pyre's error for the unbalanced parenthesis", err)
	}
}

func FuzzParseURIReplacePattern(f *testing.F) {
	for _, s := range guideURIPatterns {
		f.Add(s)
	}
	for _, s := range []string{`s^/django/(my)?portal/#Django Portal#`, `s#a\#b#c\\#`, `#(a)#\g<1>#,`, `s#(x)$\g<y>#`, "s#\xff##", `s/a/b/`, `s`, `#`, `,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		ops, err := ParseURIReplacePattern(value, func(w *Error) {
			if w.Msg == "" || w.Fix == "" {
				t.Errorf("warning without message or fix: %#v", w)
			}
		})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" || e.Fix == "" {
				t.Fatalf("error %#v lacks a message or fix", err)
			}
			return
		}
		for _, op := range ops {
			if op.Pattern == nil || op.Replace == nil || op.Source == "" || !strings.Contains(value, op.Source) {
				t.Fatalf("bad operation %+v from %q", op, value)
			}
			op.Pattern.Sub("/a/b;c=d/string/x.py", op.Replace)
		}
	})
}
