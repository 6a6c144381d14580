package pipeline

import (
	"strings"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// URIMapper names server requests after their URI, as the guide's "URI
// Truncation and Mapping" and "URI Path Segment Trimming" describe: the
// uri_replace_pattern operations run in order, each on the output of the
// previous one (re.sub, every occurrence), then uri_pathsegments keeps the
// first N path segments. It is safe for concurrent use.
type URIMapper struct {
	ops      []conf.URIReplace
	segments int
}

// NewURIMapper returns a mapper applying ops, then keeping pathSegments path
// segments; pathSegments <= 0 disables the segment trimming (the guide: "A
// value of -1 or 0 will disable the path trimming").
func NewURIMapper(ops []conf.URIReplace, pathSegments int) *URIMapper {
	return &URIMapper{ops: ops, segments: pathSegments}
}

// Map returns the server request name of uri.
func (m *URIMapper) Map(uri string) string {
	for _, op := range m.ops {
		if op.Pattern == nil || op.Replace == nil {
			continue
		}
		uri = op.Pattern.Sub(uri, op.Replace)
	}
	if m.segments > 0 {
		uri = TrimPathSegments(uri, m.segments)
	}
	return uri
}

// TrimPathSegments keeps the first n segments of the path of uri (the guide:
// "with a setting of 2, URLs like /foo/bar/1, /foo/bar/2 will be trimmed to
// /foo/bar"). The rules at the edges:
//   - n <= 0 returns uri unchanged;
//   - an absolute URL keeps its scheme://host[:port]; only the path after it
//     is counted ("http://h:80/a/b/c" with 2 gives "http://h:80/a/b");
//   - empty segments ("//") are not counted, they stay where they are;
//   - nothing is cut when the path has at most n segments: a trailing slash,
//     a query (?...) and a fragment (#...) then stay ("/a/b/" and "/a?x=1"
//     with 2 are unchanged);
//   - when segments are cut, everything after the n-th segment goes,
//     including the trailing slash, the query and the fragment
//     ("/a/b/c/?x=1" with 2 gives "/a/b");
//   - a path without a leading slash counts the same ("a/b/c" gives "a/b");
//     an empty URI stays empty.
func TrimPathSegments(uri string, n int) string {
	if n <= 0 || uri == "" {
		return uri
	}
	start := pathStart(uri)
	end := len(uri)
	if q := strings.IndexAny(uri[start:], "?#"); q >= 0 {
		end = start + q
	}
	seen := 0
	for i := start; i < end; {
		for i < end && uri[i] == '/' {
			i++
		}
		if i == end {
			break
		}
		seen++
		j := i
		for j < end && uri[j] != '/' {
			j++
		}
		if seen == n {
			if strings.IndexFunc(uri[j:end], func(r rune) bool { return r != '/' }) < 0 {
				return uri // nothing but slashes after the n-th segment
			}
			return uri[:j]
		}
		i = j
	}
	return uri
}

// pathStart returns where the path of uri begins: after scheme://authority
// for an absolute URL, else 0.
func pathStart(uri string) int {
	sep := strings.Index(uri, "://")
	if sep <= 0 || strings.ContainsAny(uri[:sep], "/?#") {
		return 0
	}
	rest := uri[sep+3:]
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return sep + 3 + i
	}
	return len(uri)
}
