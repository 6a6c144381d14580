package pyre

import (
	"fmt"
	"strconv"
	"unicode"
)

// controlEscape maps the escapes Python turns into control characters (and
// \\) in patterns, classes and templates; \b only outside of patterns.
func controlEscape(c rune) (rune, bool) {
	switch c {
	case 'a':
		return '\a', true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'v':
		return '\v', true
	case '\\':
		return '\\', true
	}
	return 0, false
}

func categoryOf(c rune) (category, bool) {
	switch c {
	case 'd':
		return catDigit, true
	case 'D':
		return catNotDigit, true
	case 's':
		return catSpace, true
	case 'S':
		return catNotSpace, true
	case 'w':
		return catWord, true
	case 'W':
		return catNotWord, true
	}
	return 0, false
}

// escape parses a backslash escape outside of a character class.
func (p *parser) escape(t token, start int) *node {
	switch t.c {
	case 'A':
		return &node{kind: kAt, at: atBeginningString, pos: start}
	case 'Z':
		return &node{kind: kAt, at: atEndString, pos: start}
	case 'b':
		return &node{kind: kAt, at: atBoundary, pos: start}
	case 'B':
		return &node{kind: kAt, at: atNonBoundary, pos: start}
	}
	if cat, ok := categoryOf(t.c); ok {
		return &node{kind: kClass, class: &charClass{cats: []category{cat}}, pos: start}
	}
	if r, ok := controlEscape(t.c); ok {
		return &node{kind: kLiteral, r: r, pos: start}
	}
	if r, ok := p.lx.codeEscape(t); ok {
		return &node{kind: kLiteral, r: r, pos: start}
	}
	switch {
	case t.c == '0':
		digits := p.lx.getWhile(2, isOctDigit)
		v, _ := strconv.ParseUint("0"+digits, 8, 32)
		return &node{kind: kLiteral, r: rune(v), pos: start}
	case isDigit(t.c):
		return p.digitEscape(t, start)
	case isASCIILetter(t.c):
		p.lx.fail("bad escape "+t.String(), 2)
	}
	return &node{kind: kLiteral, r: t.c, pos: start}
}

// digitEscape parses \1..\99 (a backreference) or a three-digit octal
// escape such as \101, with Python's rule for telling them apart.
func (p *parser) digitEscape(t token, start int) *node {
	esc := t.String()
	if !p.lx.eof && !p.lx.next.esc && isDigit(p.lx.next.c) {
		second := p.lx.next.c
		esc += string(second)
		p.lx.advance()
		if isOctDigit(t.c) && isOctDigit(second) && !p.lx.eof && !p.lx.next.esc && isOctDigit(p.lx.next.c) {
			esc += string(p.lx.next.c)
			p.lx.advance()
			v, _ := strconv.ParseUint(esc[1:], 8, 32)
			if v > 0o377 {
				p.lx.fail(fmt.Sprintf("octal escape value %s outside of range 0-0o377", esc), len(esc))
			}
			return &node{kind: kLiteral, r: rune(v), pos: start}
		}
	}
	gid, _ := strconv.Atoi(esc[1:])
	if gid < len(p.widths) {
		if !p.widths[gid].closed {
			p.lx.fail("cannot refer to an open group", len(esc))
		}
		p.checkLookbehindGroup(gid)
		return &node{kind: kBackref, group: gid, pos: start}
	}
	p.lx.fail(fmt.Sprintf("invalid group reference %d", gid), len(esc)-1)
	return nil
}

// codeEscape parses \xhh, \uhhhh, \Uhhhhhhhh and \N{name}; ok is false for
// any other escape. \N{...} needs the Unicode name database, which Go's
// standard library lacks, so it is reported as unsupported.
func (l *lexer) codeEscape(t token) (r rune, ok bool) {
	var n int
	switch t.c {
	case 'x':
		n = 2
	case 'u':
		n = 4
	case 'U':
		n = 8
	case 'N':
		l.namedEscape()
	default:
		return 0, false
	}
	digits := l.getWhile(n, isHexDigit)
	esc := t.String() + digits
	if len(digits) != n {
		l.fail("incomplete escape "+esc, len(esc))
	}
	v, _ := strconv.ParseUint(digits, 16, 32)
	if v > unicode.MaxRune {
		l.fail("bad escape "+esc, len(esc))
	}
	return rune(v), true
}

func (l *lexer) namedEscape() {
	if !l.match('{') {
		l.fail("missing {", 0)
	}
	name := l.getUntil('}', "character name")
	l.fail(fmt.Sprintf(`named character escape \N{%s} is not supported by pyre; write the character or \uXXXX`, string(name)),
		len(name)+len(`\N{}`))
}

// parseClass parses a [...] set; here is the position of '['.
func (p *parser) parseClass(here int) *node {
	cc := &charClass{negate: p.lx.match('^')}
	items := 0
	for {
		t, ok := p.lx.get()
		if !ok {
			p.lx.fail("unterminated character set", p.lx.tell()-here)
		}
		if t.is(']') && items > 0 {
			break
		}
		items++
		lo, isRune := p.classItem(t, cc)
		if !p.lx.match('-') {
			if isRune {
				cc.runes.addRune(lo)
			}
			continue
		}
		t2, ok := p.lx.get()
		if !ok {
			p.lx.fail("unterminated character set", p.lx.tell()-here)
		}
		if t2.is(']') {
			if isRune {
				cc.runes.addRune(lo)
			}
			cc.runes.addRune('-')
			break
		}
		hi, hiIsRune := p.classItem(t2, nil)
		if !isRune || !hiIsRune || hi < lo {
			msg := fmt.Sprintf("bad character range %s-%s", t, t2)
			p.lx.fail(msg, t.width()+1+t2.width())
		}
		cc.runes.addRange(lo, hi)
	}
	if r, single := cc.runes.isSingleRune(); single && len(cc.cats) == 0 && !cc.negate {
		return &node{kind: kLiteral, r: r, pos: here}
	}
	return &node{kind: kClass, class: cc, pos: here}
}

// classItem parses one member of a set. A category escape is added to cc
// (when cc is nil, the item is a range end and only its kind matters).
func (p *parser) classItem(t token, cc *charClass) (r rune, isRune bool) {
	if !t.esc {
		return t.c, true
	}
	if r, ok := controlEscape(t.c); ok {
		return r, true
	}
	if cat, ok := categoryOf(t.c); ok {
		if cc != nil {
			cc.cats = append(cc.cats, cat)
		}
		return 0, false
	}
	if r, ok := p.lx.codeEscape(t); ok {
		return r, true
	}
	switch {
	case isOctDigit(t.c):
		digits := p.lx.getWhile(2, isOctDigit)
		esc := t.String() + digits
		v, _ := strconv.ParseUint(esc[1:], 8, 32)
		if v > 0o377 {
			p.lx.fail(fmt.Sprintf("octal escape value %s outside of range 0-0o377", esc), len(esc))
		}
		return rune(v), true
	case isDigit(t.c), isASCIILetter(t.c):
		p.lx.fail("bad escape "+t.String(), 2)
	}
	return t.c, true
}
