package conf

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// problem is what is wrong with a value and how to fix it; the caller knows
// where the value was written and turns it into an *Error.
type problem struct {
	msg, fix string
}

// parseInt reads a decimal integer as Python's int() does, surrounding
// blanks and a sign allowed.
func parseInt(s string) (int, *problem) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, &problem{msg: "is too large", fix: "write a smaller whole number"}
		}
		return 0, &problem{msg: "is not an integer", fix: "write a whole number such as 25"}
	}
	return n, nil
}

// parseBool accepts what Python's ConfigParser.getboolean accepts, in any case.
func parseBool(s string) (bool, *problem) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "true", "on":
		return true, nil
	case "0", "no", "false", "off":
		return false, nil
	}
	return false, &problem{msg: "is not a boolean",
		fix: "write true or false (1/0, yes/no and on/off are accepted too)"}
}

// timeString is a number with an optional unit, e.g. 5s, 1.5h, 500 ms.
var timeString = regexp.MustCompile(`^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t]*([A-Za-z]*)$`)

// timeUnit maps the units of a time string, lower-cased, to their length.
func timeUnit(u string) (time.Duration, bool) {
	switch strings.ToLower(u) {
	case "ms", "msec", "msecs", "millisecond", "milliseconds":
		return time.Millisecond, true
	case "s", "sec", "secs", "second", "seconds":
		return time.Second, true
	case "m", "min", "mins", "minute", "minutes":
		return time.Minute, true
	case "h", "hr", "hrs", "hour", "hours":
		return time.Hour, true
	case "d", "day", "days":
		return 24 * time.Hour, true
	}
	return 0, false
}

// parseDuration reads a time string: a number and a unit (ms, s, min or m,
// h, d), or a bare number counted in bare units.
func parseDuration(s string, bare time.Duration) (time.Duration, *problem) {
	fix := fmt.Sprintf("write a time such as 500ms, 5s, 10min, 2h or 1d; a bare number counts %s",
		unitName(bare))
	m := timeString.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, &problem{msg: "is not a time", fix: fix}
	}
	unit := bare
	if m[2] != "" {
		u, ok := timeUnit(m[2])
		if !ok {
			return 0, &problem{msg: fmt.Sprintf("has an unknown time unit %q", m[2]), fix: fix}
		}
		unit = u
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, &problem{msg: "is not a time", fix: fix}
	}
	d := n * float64(unit)
	if d > math.MaxInt64/2 {
		return 0, &problem{msg: "is too long", fix: "write a shorter time"}
	}
	return time.Duration(math.Round(d)), nil
}

func unitName(d time.Duration) string {
	if d == time.Millisecond {
		return "milliseconds"
	}
	return "seconds"
}

// formatDuration writes d as a time string parseDuration reads back, in the
// largest unit that divides it.
func formatDuration(d time.Duration) string {
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "min"}, {time.Second, "s"}, {time.Millisecond, "ms"}}
	if d == 0 {
		return "0s"
	}
	for _, u := range units {
		if d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return d.String()
}

// parseEnum finds s among choices, ignoring case, and returns the canonical
// spelling.
func parseEnum(s string, choices []string) (string, *problem) {
	v := strings.TrimSpace(s)
	for _, c := range choices {
		if strings.EqualFold(v, c) {
			return c, nil
		}
	}
	list := strings.Join(choices, ", ")
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
		if inner, p := parseEnum(v[1:len(v)-1], choices); p == nil {
			return "", &problem{msg: "is quoted", fix: "write the value without quotes: " + inner}
		}
	}
	return "", &problem{msg: "is not one of " + list, fix: "use one of " + list}
}
