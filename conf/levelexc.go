package conf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hpdiag/hpdiag-trace/pyre"
)

// levelExceptionsForm is the shape the fixes of level_exceptions point to.
const levelExceptionsForm = `write a Python dict: {r'hpdiag\.location.*' : 'DEBUG', r'other.*' : 'INFO'}`

// logLevels are the levels of the guide's [Logging] level.
var logLevels = [...]string{"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}

// parseLevelExceptions reads level_exceptions: a Python dict literal whose
// keys are regular expressions and whose values are level names, both
// Python string literals ('…', "…", r'…', triple quotes). The order written
// is kept. A key written twice keeps its first place and its last level, as
// in a Python dict; warn is told.
func parseLevelExceptions(s string, warn func(*problem)) ([]LevelException, *problem) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	l := &literal{s: s}
	if !l.eat('{') {
		return nil, l.expected("'{' opening the dict")
	}
	var out []LevelException
	index := map[string]int{}
	for {
		if l.eat('}') {
			break
		}
		keyPos := l.skip()
		key, p := l.str()
		if p != nil {
			return nil, p
		}
		if !l.eat(':') {
			return nil, l.expected("':' after the pattern")
		}
		valPos := l.skip()
		val, p := l.str()
		if p != nil {
			return nil, p
		}
		le, p := levelException(key, keyPos, val, valPos)
		if p != nil {
			return nil, p
		}
		if i, dup := index[le.Pattern]; dup {
			warn(&problem{msg: fmt.Sprintf("pattern %s is given twice; the last level, %s, applies",
				pyQuote(key), le.Level), fix: "remove one of the two entries"})
			out[i].Level = le.Level
		} else {
			index[le.Pattern] = len(out)
			out = append(out, le)
		}
		if l.eat(',') {
			continue
		}
		if l.eat('}') {
			break
		}
		return nil, l.expected("',' or '}' after the level")
	}
	if l.skip() < len(l.s) {
		return nil, &problem{msg: fmt.Sprintf("unexpected text after '}' at position %d", l.pos),
			fix: "end the value with the dict's closing '}'"}
	}
	return out, nil
}

// levelException checks one entry: the pattern must compile, the level must
// be one of the guide's.
func levelException(key string, keyPos int, val string, valPos int) (LevelException, *problem) {
	if _, err := pyre.Compile(key); err != nil {
		return LevelException{}, &problem{
			msg: fmt.Sprintf("pattern %s at position %d is not a valid regular expression: %v", pyQuote(key), keyPos, err),
			fix: `fix the Python regular expression; escape literal characters, e.g. r'hpdiag\.location.*'`}
	}
	for _, lv := range logLevels {
		if strings.EqualFold(strings.TrimSpace(val), lv) {
			return LevelException{Pattern: key, Level: lv}, nil
		}
	}
	return LevelException{}, &problem{
		msg: fmt.Sprintf("level '%s' at position %d is not a logging level", val, valPos),
		fix: "use one of 'CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'"}
}

// literal scans a Python literal.
type literal struct {
	s   string
	pos int
}

// skip moves over blanks and returns the new position.
func (l *literal) skip() int {
	for l.pos < len(l.s) && strings.IndexByte(" \t\r\n\f\v", l.s[l.pos]) >= 0 {
		l.pos++
	}
	return l.pos
}

// eat consumes c after blanks if it is next.
func (l *literal) eat(c byte) bool {
	l.skip()
	if l.pos < len(l.s) && l.s[l.pos] == c {
		l.pos++
		return true
	}
	return false
}

// expected describes what should have been at the current position.
func (l *literal) expected(what string) *problem {
	found := "the end of the value"
	if l.pos < len(l.s) {
		r, _ := utf8.DecodeRuneInString(l.s[l.pos:])
		found = strconv.QuoteRune(r)
	}
	return &problem{msg: fmt.Sprintf("expected %s at position %d, found %s", what, l.pos, found),
		fix: levelExceptionsForm}
}

// str reads a string literal with an optional r/u prefix.
func (l *literal) str() (string, *problem) {
	start := l.skip()
	raw := false
	for l.pos < len(l.s) && strings.IndexByte("rRuUbBfF", l.s[l.pos]) >= 0 {
		switch l.s[l.pos] {
		case 'r', 'R':
			raw = true
		case 'b', 'B', 'f', 'F':
			return "", &problem{msg: fmt.Sprintf("string prefix %q at position %d is not supported", l.s[l.pos], l.pos),
				fix: "write a plain or raw string, e.g. r'pattern'"}
		}
		l.pos++
	}
	if l.pos >= len(l.s) || (l.s[l.pos] != '\'' && l.s[l.pos] != '"') {
		l.pos = start
		return "", l.expected("a quoted string")
	}
	quote := l.s[l.pos : l.pos+1]
	if strings.HasPrefix(l.s[l.pos:], strings.Repeat(quote, 3)) {
		quote = strings.Repeat(quote, 3)
	}
	l.pos += len(quote)
	var b strings.Builder
	for {
		if l.pos >= len(l.s) || (len(quote) == 1 && l.s[l.pos] == '\n') {
			return "", &problem{msg: fmt.Sprintf("string starting at position %d is not closed", start),
				fix: "end it with " + quote}
		}
		if strings.HasPrefix(l.s[l.pos:], quote) {
			l.pos += len(quote)
			return b.String(), nil
		}
		if l.s[l.pos] != '\\' || l.pos+1 >= len(l.s) {
			b.WriteByte(l.s[l.pos])
			l.pos++
			continue
		}
		if raw {
			// A raw string keeps the backslash, but it still stops the quote
			// after it from ending the string.
			b.WriteString(l.s[l.pos : l.pos+2])
			l.pos += 2
			continue
		}
		if p := l.escape(&b); p != nil {
			return "", p
		}
	}
}

// simpleEscapes are Python's one-letter string escapes.
var simpleEscapes = map[byte]string{
	'\n': "", '\\': `\`, '\'': "'", '"': `"`,
	'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v",
}

// escape decodes the escape sequence at l.pos as a Python str literal does;
// unknown escapes such as \. keep their backslash.
func (l *literal) escape(b *strings.Builder) *problem {
	c, start := l.s[l.pos+1], l.pos
	if e, ok := simpleEscapes[c]; ok {
		b.WriteString(e)
		l.pos += 2
		return nil
	}
	digits, base := "", 0
	switch {
	case c >= '0' && c <= '7':
		n := 1
		for n < 3 && l.pos+1+n < len(l.s) && l.s[l.pos+1+n] >= '0' && l.s[l.pos+1+n] <= '7' {
			n++
		}
		digits, base = l.s[l.pos+1:l.pos+1+n], 8
		l.pos++ // the digits start right after the backslash
	case c == 'x' || c == 'u' || c == 'U':
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		if l.pos+2+n > len(l.s) {
			return badEscape(start)
		}
		digits, base = l.s[l.pos+2:l.pos+2+n], 16
		l.pos += 2
	case c == 'N':
		return &problem{msg: fmt.Sprintf(`\N{...} escape at position %d is not supported`, l.pos),
			fix: "write the character itself or use a raw string"}
	default:
		b.WriteString(l.s[l.pos : l.pos+2])
		l.pos += 2
		return nil
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || v > utf8.MaxRune {
		return badEscape(start)
	}
	b.WriteRune(rune(v))
	l.pos += len(digits)
	return nil
}

func badEscape(pos int) *problem {
	return &problem{msg: fmt.Sprintf("invalid escape at position %d", pos),
		fix: `use a raw string (r'...') so that backslashes are kept as written`}
}

// pyQuote writes s as a Python string literal, raw when possible.
func pyQuote(s string) string {
	odd := (len(s)-len(strings.TrimRight(s, `\`)))%2 == 1
	switch {
	case !odd && !strings.ContainsAny(s, "'\n"):
		return "r'" + s + "'"
	case !odd && !strings.ContainsAny(s, "\"\n"):
		return `r"` + s + `"`
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// formatLevelExceptions writes le as the dict literal it was read from.
func formatLevelExceptions(le []LevelException) string {
	if len(le) == 0 {
		return ""
	}
	parts := make([]string, len(le))
	for i, e := range le {
		parts[i] = pyQuote(e.Pattern) + " : '" + e.Level + "'"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
