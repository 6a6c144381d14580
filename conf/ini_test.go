package conf

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseINILines checks that the line scanner and go-ini agree on where
// each value is and what it holds, for the forms values can take.
func TestParseINILines(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // "[section]@line" and "key@line=value", one a line
	}{
		{"plain", "[a]\nx = 1\ny: 2\n", "[a]@1\nx@2=1\ny@3=2"},
		{"comments and blanks", "# top\n\n[a]\n; c\n  # c\nx = 1 # kept\n", "[a]@3\nx@6=1 # kept"},
		{"continuation", "[a]\nx = one,\n  two,\n\tthree\ny = 2\n", "[a]@1\nx@2=one,two,three\ny@5=2"},
		{"empty first line", "[a]\nx =\n    v\n[b]\ny = 1\n", "[a]@1\nx@2=v\n[b]@4\ny@5=1"},
		{"indented comment continues", "[a]\nx = 1\n  # c\ny = 2\n", "[a]@1\nx@2=1# c\ny@4=2"},
		{"blank ends continuation", "[a]\nx = 1\n\n  y = 2\n", "[a]@1\nx@2=1\ny@4=2"},
		{"triple quotes", "[a]\nx = \"\"\"1\n  [not a section]\n2\"\"\"\ny = 3\n", "[a]@1\nx@2=1[not a section]2\ny@5=3"},
		{"triple quotes one line", "[a]\nx = \"\"\"1\"\"\"\n  y = 2\n", "[a]@1\nx@2=1\ny@3=2"},
		{"backquotes", "[a]\nx = `1\n2`\ny = 3\n", "[a]@1\nx@2=12\ny@4=3"},
		{"crlf", "[a]\r\nx = 1\r\n  2\r\ny = 3", "[a]@1\nx@2=12\ny@4=3"},
		{"upper-case key", "[A b]\nKey Name = V\n", "[A b]@1\nkey name@2=V"},
		{"section name to last bracket", "[a]b] ; c\nx = 1\n", "[a]b]@1\nx@2=1"},
		{"DEFAULT", "[DEFAULT]\nx = 1\n[a]\nx = 2\n", "[DEFAULT]@1\nx@2=1\n[a]@3\nx@4=2"},
		{"long file", "[a]\n" + strings.Repeat("# padding to pass go-ini's 4 KiB buffer\n", 200) + "x = 1\n  2\ny = 3\n",
			"[a]@1\nx@202=12\ny@204=3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseINI("t.ini", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range f.Sections {
				got = append(got, fmt.Sprintf("[%s]@%d", s.Name, s.Line))
				for _, k := range s.Keys {
					got = append(got, fmt.Sprintf("%s@%d=%s", k.Name, k.Line, k.Value))
				}
			}
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("got\n%s\nwant\n%s", g, tt.want)
			}
		})
	}
}

func TestParseINIErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		msg, fix   string
	}{
		{"utf16", "\xff\xfe[\x00a\x00]\x00", 0, "UTF-16", "UTF-8"},
		{"empty section", "[]\n", 1, "empty section name", "write a name"},
		{"quoted key", "[a]\n\"k\" = v\n", 2, "quoted key name", "without quotes"},
		{"no key name", "[a]\n= v\n", 2, "has no key name", "before the '='"},
		{"dash key", "[a]\n- = v\n", 2, "'-' is not supported", "write a key name"},
		{"backquote unclosed", "[a]\nx = `abc\n", 2, "opening ` is never closed", "close it with `"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseINI("t.ini", []byte(tt.text))
			if err == nil {
				t.Fatal("no error")
			}
			e := err.(*Error)
			if e.File != "t.ini" || e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) || !strings.Contains(e.Fix, tt.fix) {
				t.Errorf("got %#v", e)
			}
		})
	}
}
