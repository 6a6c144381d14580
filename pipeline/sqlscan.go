package pipeline

import "strings"

// tokKind classifies the tokens of an SQL statement.
type tokKind uint8

const (
	tokEOF    tokKind = iota
	tokSpace          // whitespace or a comment
	tokWord           // keyword or identifier
	tokNumber         // numeric literal, including 0x hex
	tokString         // string literal: '...', E'...', X'...', N'...', B'...', U&'...', $tag$...$tag$
	tokIdent          // quoted identifier: "..." or `...`
	tokParam          // placeholder: ?, %s, %(name)s, :name, :1, $1
	tokPunct          // anything else, one byte (two for ::)
)

// sqlScanner splits a statement into tokens. It is lenient: an unterminated
// string or comment runs to the end, so nothing after it can leak as text.
type sqlScanner struct {
	s string
	i int
}

func isSQLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// isIdentByte accepts bytes of identifiers; bytes >= 0x80 are parts of
// UTF-8 letters.
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isIdentStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func (sc *sqlScanner) next() (string, tokKind) {
	s, start := sc.s, sc.i
	if start >= len(s) {
		return "", tokEOF
	}
	end, kind := scanToken(s, start)
	sc.i = end
	return s[start:end], kind
}

// scanToken returns the end of the token starting at i and its kind.
func scanToken(s string, i int) (int, tokKind) {
	c := s[i]
	var c1 byte
	if i+1 < len(s) {
		c1 = s[i+1]
	}
	switch {
	case isSQLSpace(c):
		for i < len(s) && isSQLSpace(s[i]) {
			i++
		}
		return i, tokSpace
	case c == '-' && c1 == '-':
		if n := strings.IndexByte(s[i:], '\n'); n >= 0 {
			return i + n + 1, tokSpace
		}
		return len(s), tokSpace
	case c == '/' && c1 == '*':
		if n := strings.Index(s[i+2:], "*/"); n >= 0 {
			return i + 2 + n + 2, tokSpace
		}
		return len(s), tokSpace
	case c == '\'':
		return skipQuoted(s, i, '\'', true), tokString
	case c == '"' || c == '`':
		return skipQuoted(s, i, c, false), tokIdent
	case c == '$':
		return scanDollar(s, i)
	case c == '%':
		return scanPercent(s, i)
	case c == '?':
		return i + 1, tokParam
	case c == ':':
		if c1 == ':' {
			return i + 2, tokPunct
		}
		if isIdentByte(c1) {
			j := i + 1
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			return j, tokParam
		}
		return i + 1, tokPunct
	case isDigit(c) || (c == '.' && isDigit(c1)):
		return scanNumber(s, i), tokNumber
	case isIdentStart(c):
		return scanWord(s, i)
	}
	return i + 1, tokPunct
}

// skipQuoted returns the end of the quoted text at i: a doubled quote is an
// escaped quote, and with backslash a backslash escapes the next byte (MySQL).
// Treating backslashes as escapes can only make a string longer, which hides
// more, never less.
func skipQuoted(s string, i int, q byte, backslash bool) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// scanDollar handles $1 (a placeholder) and $tag$...$tag$ (a PostgreSQL
// dollar-quoted string).
func scanDollar(s string, i int) (int, tokKind) {
	j := i + 1
	if j < len(s) && isDigit(s[j]) {
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		return j, tokParam
	}
	for j < len(s) && isIdentByte(s[j]) && s[j] != '$' {
		j++
	}
	if j >= len(s) || s[j] != '$' {
		return i + 1, tokPunct
	}
	tag := s[i : j+1]
	if n := strings.Index(s[j+1:], tag); n >= 0 {
		return j + 1 + n + len(tag), tokString
	}
	return len(s), tokString
}

// scanPercent handles the pyformat and format placeholders %s, %d, %b and
// %(name)s; any other % is the modulo operator.
func scanPercent(s string, i int) (int, tokKind) {
	if i+1 >= len(s) {
		return i + 1, tokPunct
	}
	switch s[i+1] {
	case 's', 'd', 'b':
		return i + 2, tokParam
	case '(':
		if n := strings.IndexByte(s[i+2:], ')'); n >= 0 && i+2+n+1 < len(s) {
			return i + 2 + n + 2, tokParam
		}
	}
	return i + 1, tokPunct
}

// scanNumber returns the end of the number at i: 0x hex, digits, a fraction,
// an exponent; identifier bytes glued to it are taken too, so "1abc" cannot
// leave a digit behind.
func scanNumber(s string, i int) int {
	j := i
	if s[j] == '0' && j+2 < len(s) && (s[j+1]|0x20) == 'x' && isHexDigit(s[j+2]) {
		j += 2
		for j < len(s) && isHexDigit(s[j]) {
			j++
		}
		return j
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	if j < len(s) && (s[j]|0x20) == 'e' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			j = k
			for j < len(s) && isDigit(s[j]) {
				j++
			}
		}
	}
	for j < len(s) && isIdentByte(s[j]) {
		j++
	}
	return j
}

// scanWord returns the end of the word at i. A one-letter prefix glued to a
// quote (E'..', N'..', X'..', B'..', U&'..') makes a string literal.
func scanWord(s string, i int) (int, tokKind) {
	j := i
	for j < len(s) && isIdentByte(s[j]) {
		j++
	}
	if j-i == 1 && j < len(s) {
		switch s[i] | 0x20 {
		case 'e', 'n', 'x', 'b':
			if s[j] == '\'' {
				return skipQuoted(s, j, '\'', true), tokString
			}
		case 'u':
			if s[j] == '&' && j+1 < len(s) && s[j+1] == '\'' {
				return skipQuoted(s, j+1, '\'', true), tokString
			}
		}
	}
	return j, tokWord
}
