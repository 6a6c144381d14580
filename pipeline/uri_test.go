package pipeline

import (
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// Every example of the guide's "URI Truncation and Mapping" and "URI Path
// Segment Trimming".
func TestURIMapper(t *testing.T) {
	tests := []struct {
		name     string
		pattern  string // uri_replace_pattern as written in probe.conf
		segments int
		in, want string
	}{
		{
			name:    `"Truncate before a string ... uri_replace_pattern = s#string.*$##"`,
			pattern: `s#string.*$##`, in: "/app/stringent/x?y", want: "/app/",
		},
		{
			// The guide prints it without its middle '#'; conf reads it as s#(string).*$#\1#.
			name:    `"Truncate after a string ... uri_replace_pattern = s#(string).*$\1#"`,
			pattern: `s#(string).*$\1#`, in: "/app/stringent/x", want: "/app/string",
		},
		{
			name:    `"This would change every foo to bar and then change every bar back to foo": s#foo#bar#,s#bar#foo#`,
			pattern: `s#foo#bar#,s#bar#foo#`, in: "/foo/bar/foofoo", want: "/foo/foo/foofoo",
		},
		{
			name:    `"Truncate before any semicolon": s#;.*$##`,
			pattern: `s#;.*$##`, in: "/shop/cart;jsessionid=1A2B", want: "/shop/cart",
		},
		{
			name:    `"Truncate before any /! or !": s#/?\!.*$##`,
			pattern: `s#/?\!.*$##`, in: "/portal/!ut/p/c5", want: "/portal",
		},
		{
			name:    `"Truncate before any /! or !" without the slash`,
			pattern: `s#/?\!.*$##`, in: "/portal!x", want: "/portal",
		},
		{
			name:    `"Truncate before any ', /! or !": s#(;|/?\!).*$## (semicolon)`,
			pattern: `s#(;|/?\!).*$##`, in: "/a/b;x=1", want: "/a/b",
		},
		{
			name:    `"Truncate before any ', /! or !": s#(;|/?\!).*$## (bang)`,
			pattern: `s#(;|/?\!).*$##`, in: "/a/b/!c", want: "/a/b",
		},
		{
			// The guide prints s^/django/(my)?portal/#Django Portal#; '#' is the delimiter.
			name:    `"Map /django/portal/ and /django/myportal/ to Django Portal" (portal)`,
			pattern: `s#^/django/(my)?portal/#Django Portal#`, in: "/django/portal/", want: "Django Portal",
		},
		{
			name:    `"Map /django/portal/ and /django/myportal/ to Django Portal" (myportal)`,
			pattern: `s#^/django/(my)?portal/#Django Portal#`, in: "/django/myportal/", want: "Django Portal",
		},
		{
			name:    `"Other examples": s#(;/?\!).*$##,s#.*\.(js|css|...)$#Static Content#`,
			pattern: `s#(;/?\!).*$##,s#.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$#Static Content#`,
			in:      "/static/js/app.js", want: "Static Content",
		},
		{
			name:    `"Other examples": static content rule leaves other URIs`,
			pattern: `s#(;/?\!).*$##,s#.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$#Static Content#`,
			in:      "/api/items", want: "/api/items",
		},
		{
			name:    `"Other examples": s#.*\/([a-zA-Z0-9_ ]*)\.py#\1#`,
			pattern: `s#.*\/([a-zA-Z0-9_ ]*)\.py#\1#`, in: "/cgi-bin/tools/report_2.py", want: "report_2",
		},
		{
			name:    `"It is also possible to omit the s and write #pattern#replace#"`,
			pattern: `#;.*$##`, in: "/x;y", want: "/x",
		},
		{
			name:     `uri_pathsegments: "with a setting of 2, URLs like /foo/bar/1 ... will be trimmed to /foo/bar"`,
			segments: 2, in: "/foo/bar/1", want: "/foo/bar",
		},
		{
			name:     `uri_pathsegments: "... /foo/bar/2 will be trimmed to /foo/bar"`,
			segments: 2, in: "/foo/bar/2", want: "/foo/bar",
		},
		{
			name:     `uri_pathsegments: "A value of -1 ... will disable the path trimming"`,
			segments: -1, in: "/foo/bar/1", want: "/foo/bar/1",
		},
		{
			name:     `uri_pathsegments: "A value of ... 0 will disable the path trimming"`,
			segments: 0, in: "/foo/bar/1", want: "/foo/bar/1",
		},
		{
			name:    "the patterns run first, then uri_pathsegments",
			pattern: `s#;.*$##`, segments: 1, in: "/foo/bar;x", want: "/foo",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ops []conf.URIReplace
			if tt.pattern != "" {
				var err error
				ops, err = conf.ParseURIReplacePattern(tt.pattern, nil)
				if err != nil {
					t.Fatalf("parse %q: %v", tt.pattern, err)
				}
			}
			if got := NewURIMapper(ops, tt.segments).Map(tt.in); got != tt.want {
				t.Errorf("Map(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTrimPathSegments(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"/foo/bar/1", 2, "/foo/bar"},
		{"/foo/bar", 2, "/foo/bar"},
		{"/foo/bar/", 2, "/foo/bar/"},       // not cut: the trailing slash stays
		{"/foo/bar/1/", 2, "/foo/bar"},      // cut: the trailing slash goes
		{"/foo/bar/1?x=1#f", 2, "/foo/bar"}, // cut: the query goes
		{"/foo?x=1/2/3", 2, "/foo?x=1/2/3"}, // slashes in a query are not segments
		{"/foo/bar?x=1", 2, "/foo/bar?x=1"}, // not cut: the query stays
		{"/foo//bar/1", 2, "/foo//bar"},     // empty segments do not count
		{"http://h:8080/a/b/c", 2, "http://h:8080/a/b"},
		{"http://h:8080", 2, "http://h:8080"},
		{"https://h/a?q", 1, "https://h/a?q"},
		{"foo/bar/baz", 1, "foo"},
		{"", 2, ""},
		{"/", 1, "/"},
		{"Django Portal", 1, "Django Portal"},
		{"/a/b/c", 0, "/a/b/c"},
	}
	for _, tt := range tests {
		if got := TrimPathSegments(tt.in, tt.n); got != tt.want {
			t.Errorf("TrimPathSegments(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func BenchmarkURIMapper(b *testing.B) {
	ops, err := conf.ParseURIReplacePattern(`s#;.*$##,s#.*\.(js|css|jpg|gif|png)$#Static Content#`, nil)
	if err != nil {
		b.Fatal(err)
	}
	m := NewURIMapper(ops, 2)
	b.ReportAllocs()
	for b.Loop() {
		m.Map("/shop/cart/12345;jsessionid=ABCDEF")
	}
}
