package conf

import "github.com/hpdiag/hpdiag-trace/pyre"

// URIReplace is one operation of uri_replace_pattern: s#pattern#replace# or
// #pattern#replace#, applied with re.sub semantics.
type URIReplace struct {
	Source  string // the operation as written
	Pattern *pyre.Regexp
	Replace *pyre.Template
}
