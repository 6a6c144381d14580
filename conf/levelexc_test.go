package conf

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLevelExceptions(t *testing.T) {
	tests := []struct {
		value string
		want  []LevelException
		warn  string
	}{
		{`{r'hpdiag\.location.*' : 'DEBUG', r'hpdiag\.importhook.*' : 'INFO'}`,
			[]LevelException{{`hpdiag\.location.*`, "DEBUG"}, {`hpdiag\.importhook.*`, "INFO"}}, ""},
		// The brief's mix of quotes; order kept.
		{`{r'hpdiag\.location.*' : 'DEBUG', 'x' : "INFO"}`,
			[]LevelException{{`hpdiag\.location.*`, "DEBUG"}, {"x", "INFO"}}, ""},
		// A plain string keeps an unknown escape such as \. as Python does.
		{`{'hpdiag\.location' : 'debug'}`, []LevelException{{`hpdiag\.location`, "DEBUG"}}, ""},
		{`{"a\\.b\x41\101\u00e9\n" : 'ERROR'}`, []LevelException{{"a\\.bAAé\n", "ERROR"}}, ""},
		{`{R"it's" : 'CRITICAL',}`, []LevelException{{"it's", "CRITICAL"}}, ""},
		{`{r'a\'b' : 'INFO'}`, []LevelException{{`a\'b`, "INFO"}}, ""},
		{`{'''tri'ple''' : 'INFO'}`, []LevelException{{"tri'ple", "INFO"}}, ""},
		{"{\n  'a' :\n  'INFO' ,\n}", []LevelException{{"a", "INFO"}}, ""},
		{`{u'a':'WARNING'}`, []LevelException{{"a", "WARNING"}}, ""},
		{`{}`, nil, ""},
		{``, nil, ""},
		{`{'a' : 'INFO', 'b' : 'ERROR', 'a' : 'DEBUG'}`, []LevelException{{"a", "DEBUG"}, {"b", "ERROR"}},
			"pattern r'a' is given twice; the last level, DEBUG, applies"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var warnings []string
			got, p := parseLevelExceptions(tt.value, func(w *problem) { warnings = append(warnings, w.msg) })
			if p != nil {
				t.Fatalf("%s; %s", p.msg, p.fix)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if (tt.warn == "") != (len(warnings) == 0) || (tt.warn != "" && !strings.Contains(warnings[0], tt.warn)) {
				t.Errorf("warnings %q, want %q", warnings, tt.warn)
			}
		})
	}
}

func TestParseLevelExceptionsErrors(t *testing.T) {
	tests := []struct {
		value, msg, fix string
	}{
		{`r'a' : 'DEBUG'`, "expected '{' opening the dict at position 0, found 'r'", "write a Python dict"},
		{`{'a' 'DEBUG'}`, "expected ':' after the pattern at position 5", "write a Python dict"},
		{`{'a' : 'DEBUG' 'b' : 'INFO'}`, "expected ',' or '}' after the level at position 15", "write a Python dict"},
		{`{'a' : 'DEBUG'`, "expected ',' or '}' after the level at position 14, found the end of the value", "write a Python dict"},
		{`{'a' : 'DEBUG'} x`, "unexpected text after '}' at position 16", "closing '}'"},
		{`{'a : 'DEBUG'}`, "expected ':' after the pattern at position 7, found 'D'", "write a Python dict"},
		{`{'a' : 'DEBUG}`, "string starting at position 7 is not closed", "end it with '"},
		{`{a : 'DEBUG'}`, "expected a quoted string at position 1, found 'a'", "write a Python dict"},
		{`{'a' : DEBUG}`, "expected a quoted string at position 7", "write a Python dict"},
		{`{b'a' : 'DEBUG'}`, `string prefix 'b' at position 1 is not supported`, "r'pattern'"},
		{`{'a' : 'NOTICE'}`, "level 'NOTICE' at position 7 is not a logging level", "'CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'"},
		{`{'a(' : 'INFO'}`, "pattern r'a(' at position 1 is not a valid regular expression", "escape literal characters"},
		{`{'\x4' : 'INFO'}`, "invalid escape at position 2", "raw string"},
		{`{'\N{DASH}' : 'INFO'}`, `\N{...} escape at position 2 is not supported`, "raw string"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, p := parseLevelExceptions(tt.value, func(*problem) {})
			if p == nil {
				t.Fatalf("no error; got %q", got)
			}
			if !strings.Contains(p.msg, tt.msg) || !strings.Contains(p.fix, tt.fix) {
				t.Errorf("got %q; %q\nwant %q; %q", p.msg, p.fix, tt.msg, tt.fix)
			}
		})
	}
}

// TestFormatLevelExceptions checks that the summary's rendering reads back.
func TestFormatLevelExceptions(t *testing.T) {
	in := []LevelException{{`a\.b`, "DEBUG"}, {`it's`, "INFO"}, {`both'"`, "ERROR"}, {`end\\`, "WARNING"}, {"new\nline", "INFO"}}
	s := formatLevelExceptions(in)
	out, p := parseLevelExceptions(s, func(*problem) {})
	if p != nil {
		t.Fatalf("%s does not read back: %s", s, p.msg)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("%s reads back as %q", s, out)
	}
}
