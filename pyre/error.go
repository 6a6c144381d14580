package pyre

import (
	"fmt"
	"strings"
	"unicode"
)

// Error is a pattern or replacement template that Python's re module would
// reject (or that pyre cannot translate). Its message reads like re.error.
type Error struct {
	// Msg is Python's unformatted message, e.g. "nothing to repeat".
	Msg string
	// Pattern is the text Pos refers to: the pattern, or the replacement
	// template for errors from CompileTemplate.
	Pattern string
	// Pos is the index in Pattern, counted in code points as Python counts
	// str indices, or -1 when Python reports no position.
	Pos int
}

// Error formats the error exactly as str(re.error) does: the message, the
// position, and the line and column when the pattern spans several lines.
func (e *Error) Error() string {
	if e.Pos < 0 {
		return e.Msg
	}
	msg := fmt.Sprintf("%s at position %d", e.Msg, e.Pos)
	if strings.Contains(e.Pattern, "\n") {
		line, col := e.LineCol()
		msg = fmt.Sprintf("%s (line %d, column %d)", msg, line, col)
	}
	return msg
}

// LineCol returns the 1-based line and column of Pos, as re.error's lineno
// and colno. Both are 0 when the error has no position.
func (e *Error) LineCol() (line, col int) {
	if e.Pos < 0 {
		return 0, 0
	}
	line, col = 1, 1
	for i, r := range []rune(e.Pattern) {
		if i == e.Pos {
			break
		}
		col++
		if r == '\n' {
			line++
			col = 1
		}
	}
	return line, col
}

// pyRepr quotes s the way Python's repr() quotes a str, so messages that
// embed names (e.g. "unknown group name 'x'") match Python's byte for byte.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && !unicode.IsPrint(r), r >= 0x80 && r <= 0xff && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}
