package conf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// location is where a value was written.
type location struct {
	file string
	line int
}

// errorAt turns a problem with the value of ns/key into an *Error at loc.
func (l location) errorAt(ns, key, value string, p *problem) *Error {
	return &Error{File: l.file, Line: l.line,
		Msg: fmt.Sprintf("[%s] %s = %s: %s", ns, key, value, p.msg), Fix: p.fix}
}

// send passes e to w; a nil Warner drops it.
func (w Warner) send(e *Error) {
	if w != nil {
		w(e)
	}
}

// set parses value as s says and stores it in c. Problems are reported at loc.
func (s *keySpec) set(c *Config, value string, loc location, warn Warner) error {
	fail := func(p *problem) error { return loc.errorAt(s.ns, s.key, value, p) }
	v := strings.TrimSpace(value)
	switch s.kind {
	case kindString:
		*s.field(c).(*string) = v
	case kindInt:
		n, p := parseInt(v)
		if p == nil {
			p = s.checkRange(n)
		}
		if p != nil {
			return fail(p)
		}
		*s.field(c).(*int) = n
	case kindBool:
		b, p := parseBool(v)
		if p != nil {
			return fail(p)
		}
		*s.field(c).(*bool) = b
	case kindSeconds, kindMillis:
		bare := time.Second
		if s.kind == kindMillis {
			bare = time.Millisecond
		}
		d, p := parseDuration(v, bare)
		if p == nil && s.positive && d <= 0 {
			p = &problem{msg: "must be longer than zero", fix: "write a time such as 5s"}
		}
		if p != nil {
			return fail(p)
		}
		*s.field(c).(*time.Duration) = d
	case kindEnum:
		e, p := parseEnum(v, s.choices)
		if p != nil {
			if s.key == "when" {
				p = whenHint(v, p)
			}
			return fail(p)
		}
		*s.field(c).(*string) = e
	case kindLevelExceptions:
		le, p := parseLevelExceptions(v, func(w *problem) { warn.send(loc.errorAt(s.ns, s.key, value, w)) })
		if p != nil {
			return fail(p)
		}
		*s.field(c).(*[]LevelException) = le
	case kindURIPattern:
		ops, p := parseURIPattern(v, func(w *problem) { warn.send(loc.errorAt(s.ns, s.key, value, w)) })
		if p != nil {
			return fail(p)
		}
		*s.field(c).(*[]URIReplace) = ops
	default:
		panic(fmt.Sprintf("conf: key %s has no kind", s.key))
	}
	return nil
}

// checkRange says whether n is within the key's bounds.
func (s *keySpec) checkRange(n int) *problem {
	if n >= s.min && n <= s.max {
		return nil
	}
	if s.key == "sql_parsing_mode" {
		return &problem{msg: "must be 1, 2, 3 or 4",
			fix: "write 1 (methods only), 2 (SQL categories), 3 (similar statements aggregated) or 4 (identical statements aggregated)"}
	}
	if s.max == maxInt {
		return &problem{msg: fmt.Sprintf("must be at least %d", s.min),
			fix: fmt.Sprintf("write a number of %d or more", s.min)}
	}
	return &problem{msg: fmt.Sprintf("must be between %d and %d", s.min, s.max),
		fix: fmt.Sprintf("write a number from %d to %d", s.min, s.max)}
}

// weekDayTypo matches the guide's "when is set to '1#' (= Tuesday)".
var weekDayTypo = regexp.MustCompile(`^['"]?[Ww]?([0-6])#?['"]?$`)

// whenHint improves the fix for a week day written without its W.
func whenHint(v string, p *problem) *problem {
	m := weekDayTypo.FindStringSubmatch(v)
	if m == nil {
		return p
	}
	day := [...]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	d, _ := strconv.Atoi(m[1])
	return &problem{msg: p.msg, fix: fmt.Sprintf("for a week day write W%s (%s; W0 is Monday)", m[1], day[d])}
}

// format writes the key's current value in c as one would in probe.conf.
func (s *keySpec) format(c *Config) string {
	switch p := s.field(c).(type) {
	case *string:
		return *p
	case *int:
		return strconv.Itoa(*p)
	case *bool:
		return strconv.FormatBool(*p)
	case *time.Duration:
		return formatDuration(*p)
	case *[]LevelException:
		return formatLevelExceptions(*p)
	case *[]URIReplace:
		src := make([]string, len(*p))
		for i, op := range *p {
			src[i] = op.Source
		}
		return strings.Join(src, ",")
	}
	panic(fmt.Sprintf("conf: key %s has a field of unknown type", s.key))
}

// typeName says, for the documentation, how a value of the key is written.
func (s *keySpec) typeName() string {
	switch s.kind {
	case kindInt:
		if s.key == "sql_parsing_mode" {
			return "integer 1–4"
		}
		return "integer"
	case kindBool:
		return "boolean"
	case kindSeconds:
		return "time (bare number: seconds)"
	case kindMillis:
		return "time (bare number: milliseconds)"
	case kindEnum:
		return "one of " + strings.Join(s.choices, ", ")
	case kindLevelExceptions:
		return "Python dict literal"
	case kindURIPattern:
		return "list of s#pattern#replace#"
	}
	return "string"
}
