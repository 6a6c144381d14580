package main

import (
	"strings"
	"testing"
)

// TestMapURIGuideExamples runs every example of the guide's "URI Truncation
// and Mapping" and "URI Path Segment Trimming" sections through map-uri, as a
// user trying patterns would. Expected names are Python's re.sub results.
func TestMapURIGuideExamples(t *testing.T) {
	tests := []struct {
		name     string
		pattern  string
		segments string
		uris     []string
		want     []string
	}{
		{"truncate before a string", `s#string.*$##`, "",
			[]string{"/shop/string/cart"}, []string{"/shop/"}},
		{"truncate after a string (as the guide writes it)", `s#(string).*$\1#`, "",
			[]string{"/shop/string/cart"}, []string{"/shop/string"}},
		{"truncate after a string", `s#(string).*$#\1#`, "",
			[]string{"/shop/string/cart"}, []string{"/shop/string"}},
		{"operations apply in order", `s#foo#bar#,s#bar#foo#`, "",
			[]string{"/foo/bar"}, []string{"/foo/foo"}},
		{"truncate before any semicolon", `s#;.*$##`, "",
			[]string{"/app/page;jsessionid=A1B2"}, []string{"/app/page"}},
		{"truncate before any /! or !", `s#/?\!.*$##`, "",
			[]string{"/app/page/!state", "/app/page!state"}, []string{"/app/page", "/app/page"}},
		{"truncate before any ;, /! or !", `s#(;|/?\!).*$##`, "",
			[]string{"/a/b;x=1", "/a/b/!c"}, []string{"/a/b", "/a/b"}},
		{"Django portal, with the s# the guide forgot", `s#^/django/(my)?portal/#Django Portal#`, "",
			[]string{"/django/portal/", "/django/myportal/"}, []string{"Django Portal", "Django Portal"}},
		{"without the s", `#^/django/(my)?portal/#Django Portal#`, "",
			[]string{"/django/portal/"}, []string{"Django Portal"}},
		{"static content", `s#(;/?\!).*$##,s#.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$#Static Content#`, "",
			[]string{"/a;!x", "/static/app.js", "/img/logo.png", "/index"}, []string{"/a", "Static Content", "Static Content", "/index"}},
		{"script name", `s#.*\/([a-zA-Z0-9_ ]*)\.py#\1#`, "",
			[]string{"/cgi-bin/report_2016.py"}, []string{"report_2016"}},
		{"two path segments", "", "2",
			[]string{"/foo/bar/1", "/foo/bar/2", "/foo"}, []string{"/foo/bar", "/foo/bar", "/foo"}},
		{"-1 disables trimming", "", "-1",
			[]string{"/foo/bar/1"}, []string{"/foo/bar/1"}},
		{"0 disables trimming", "", "0",
			[]string{"/foo/bar/1"}, []string{"/foo/bar/1"}},
		{"patterns first, then segments", `s#;.*$##`, "1",
			[]string{"/foo/bar;x"}, []string{"/foo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"map-uri", "-d", t.TempDir()}
			if tt.pattern != "" {
				args = append(args, "--pattern", tt.pattern)
			}
			if tt.segments != "" {
				args = append(args, "--segments", tt.segments)
			}
			r := runTracer(t, ".", append(args, tt.uris...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("map-uri %q %v = %q, want %q", tt.pattern, tt.uris, got, tt.want)
			}
		})
	}
}

// TestMapURIGuideTypo: the guide's `s^/django/(my)?portal/#Django Portal#`
// lacks its "s#"; it gets one clear line and exit 2, not a guess.
func TestMapURIGuideTypo(t *testing.T) {
	r := runTracer(t, ".", "map-uri", "-d", t.TempDir(), "--pattern", `s^/django/(my)?portal/#Django Portal#`, "/django/portal/")
	if r.code != exitUsage {
		t.Fatalf("exit %d, want %d; stdout %q", r.code, exitUsage, r.stdout)
	}
	if r.stdout != "" || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("want one line on stderr and nothing on stdout, got stdout %q stderr %q", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "s#") {
		t.Errorf("the message should show the s#pattern#replace# form: %q", r.stderr)
	}
}
