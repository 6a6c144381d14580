package conf

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hpdiag/hpdiag-trace/pyre"
)

// uriForm is the shape the fixes of uri_replace_pattern point to.
const uriForm = `write s#pattern#replace# or #pattern#replace#, operations separated by ','; a literal '#' is written \#`

// ParseURIReplacePattern parses a uri_replace_pattern value: a comma-separated
// list of s#pattern#replace# or #pattern#replace# operations, applied in
// order with re.sub semantics. The list is read from left to right, so a
// comma inside a pattern, as in {1,3}, does not split it. \# in a pattern or
// replacement is a literal '#'; every other backslash sequence is passed on
// to the regular expression or the replacement unchanged.
//
// One repair is made, for the guide's own example s#(string).*$\1#: an
// operation with only two '#' whose text ends with a group reference (\N or
// \g<...>) right after a '$' is read as s#(string).*$#\1#, and warn is told
// to write the middle '#'. warn may be nil.
//
// Errors and warnings carry no file (the caller knows where the value came
// from); positions in them count bytes from 0 within value.
func ParseURIReplacePattern(value string, warn Warner) ([]URIReplace, error) {
	ops, p := parseURIPattern(value, func(w *problem) { warn.send(&Error{Msg: w.msg, Fix: w.fix}) })
	if p != nil {
		return nil, &Error{Msg: p.msg, Fix: p.fix}
	}
	return ops, nil
}

// parseURIPattern is ParseURIReplacePattern with the problems unplaced.
func parseURIPattern(s string, warn func(*problem)) ([]URIReplace, *problem) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var ops []URIReplace
	for i := 0; ; {
		i = skipBlanks(s, i)
		if i == len(s) {
			return nil, &problem{msg: fmt.Sprintf("expected an operation after the ',' at position %d", lastComma(s)),
				fix: "remove the trailing ','"}
		}
		op, next, p := parseURIOp(s, i, len(ops)+1, warn)
		if p != nil {
			return nil, p
		}
		ops = append(ops, op)
		if next == len(s) {
			return ops, nil
		}
		i = next + 1 // past the ','
	}
}

// uriOp is one operation as read, before compiling.
type uriOp struct {
	pattern, replace string
	end              int    // position after its last '#'
	repaired         string // the operation with its middle '#' written, if it lacked one
}

// parseURIOp reads the operation starting at s[start], compiles it and
// returns the position of the ',' that follows it, or len(s).
func parseURIOp(s string, start, n int, warn func(*problem)) (URIReplace, int, *problem) {
	op, p := scanURIOp(s, start, n)
	if p != nil {
		return URIReplace{}, 0, p
	}
	if op.repaired != "" {
		warn(&problem{
			msg: fmt.Sprintf("operation %d, %s, has only two '#'; it is read as %s (pattern %s, replacement %s)",
				n, s[start:op.end], op.repaired, op.pattern, op.replace),
			fix: "write the middle '#': " + op.repaired})
	}
	src := s[start:op.end]
	re, err := pyre.Compile(op.pattern)
	if err != nil {
		return URIReplace{}, 0, &problem{
			msg: fmt.Sprintf("operation %d, %s: the pattern %s is not a valid regular expression: %v", n, src, op.pattern, err),
			fix: `fix the Python regular expression; escape characters meant literally, e.g. \. \? \(`}
	}
	tmpl, err := re.CompileTemplate(op.replace)
	if err != nil {
		return URIReplace{}, 0, &problem{
			msg: fmt.Sprintf("operation %d, %s: the replacement %s is not valid: %v", n, src, op.replace, err),
			fix: `refer only to groups the pattern has (\1 is the first); write \\ for a backslash`}
	}
	return URIReplace{Source: src, Pattern: re, Replace: tmpl}, skipBlanks(s, op.end), nil
}

// groupRefAfterDollar is the end of the guide's s#(string).*$\1#: a '$' and
// one group reference.
var groupRefAfterDollar = regexp.MustCompile(`(?s)^.*\$(\\[1-9][0-9]?|\\g<[^<>]*>)$`)

// scanURIOp splits the operation at s[start] into pattern and replacement.
func scanURIOp(s string, start, n int) (*uriOp, *problem) {
	op := &uriOp{}
	i := start
	switch {
	case strings.HasPrefix(s[i:], "s#"):
		i += 2
	case s[i] == '#':
		i++
	default:
		return nil, badOpStart(s, start, n)
	}
	pattern, pEnd, closed := uriField(s, i)
	if !closed {
		return nil, &problem{
			msg: fmt.Sprintf("operation %d, %s: the pattern has no closing '#' (expected at position %d)", n, s[start:], len(s)),
			fix: uriForm}
	}
	op.pattern = pattern
	replace, rEnd, closed := uriField(s, pEnd+1)
	after := skipBlanks(s, rEnd+1)
	if closed && (after == len(s) || s[after] == ',') {
		op.replace, op.end = replace, rEnd+1
		return op, nil
	}
	// The three-'#' reading failed. If the operation ends after its second
	// '#', it may be the guide's s#(string).*$\1#.
	twoEnd := skipBlanks(s, pEnd+1)
	if twoEnd == len(s) || s[twoEnd] == ',' {
		if m := groupRefAfterDollar.FindStringSubmatch(pattern); m != nil {
			ref := m[1]
			op.pattern, op.replace, op.end = pattern[:len(pattern)-len(ref)], ref, pEnd+1
			op.repaired = s[start:pEnd-len(ref)] + "#" + s[pEnd-len(ref):pEnd+1]
			return op, nil
		}
		return nil, &problem{
			msg: fmt.Sprintf("operation %d, %s, has only two '#': the replacement and its closing '#' are missing at position %d",
				n, s[start:pEnd+1], pEnd+1),
			fix: fmt.Sprintf("write %s# to delete what the pattern matches, or %sreplacement#", s[start:pEnd+1], s[start:pEnd+1])}
	}
	if !closed {
		return nil, &problem{
			msg: fmt.Sprintf("operation %d, %s: the replacement has no closing '#' (expected at position %d)", n, s[start:], len(s)),
			fix: uriForm}
	}
	return nil, &problem{
		msg: fmt.Sprintf("operation %d, %s: expected ',' or the end of the value at position %d after its third '#', found %q",
			n, s[start:rEnd+1], after, s[after:min(after+8, len(s))]),
		fix: uriForm}
}

// uriField reads a pattern or replacement from s[i] up to the next '#' not
// written as \#. It returns the text with \# unescaped, the position of the
// closing '#' (len(s) if none) and whether there was one.
func uriField(s string, i int) (string, int, bool) {
	var b strings.Builder
	for i < len(s) {
		switch {
		case s[i] == '#':
			return b.String(), i, true
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '#':
			b.WriteByte('#')
			i += 2
		case s[i] == '\\' && i+1 < len(s):
			b.WriteString(s[i : i+2])
			i += 2
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String(), len(s), false
}

// badOpStart explains an operation that starts with neither s# nor #, and
// suggests the corrected operation when one obvious repair works.
func badOpStart(s string, start, n int) *problem {
	found := s[start:min(start+2, len(s))]
	p := &problem{
		msg: fmt.Sprintf(`operation %d at position %d: expected "s#" or "#", found %q`, n, start, found),
		fix: uriForm}
	for _, candidate := range repairs(s[start:]) {
		op, q := scanURIOp(candidate, 0, n)
		if q == nil && op.repaired == "" {
			p.fix = "write " + candidate[:op.end] + "; each operation is s#pattern#replace# or #pattern#replace#"
			break
		}
	}
	return p
}

// repairs proposes corrections of an operation's start: a '#' lost after the
// 's' (the guide's s^/django/(my)?portal/#Django Portal#), or sed's '/'
// written for '#'.
func repairs(op string) []string {
	var c []string
	if strings.HasPrefix(op, "s/") && strings.Count(op, "/") >= 3 {
		c = append(c, strings.Replace(op, "/", "#", 3))
	}
	if strings.HasPrefix(op, "s") && len(op) > 1 {
		c = append(c, "s#"+op[1:])
	}
	return c
}

// skipBlanks returns the position of the first non-blank byte at or after i.
func skipBlanks(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
		i++
	}
	return i
}

func lastComma(s string) int { return strings.LastIndexByte(s, ',') }
