package pyre

import (
	"fmt"
	"strconv"
	"strings"
)

// Template is a parsed re.sub replacement string, bound to the group count
// and names of the Regexp that compiled it.
type Template struct {
	src   string
	parts []templatePart
}

// templatePart is literal text, or group >= 0 to insert that group.
type templatePart struct {
	lit   string
	group int
}

// String returns the replacement as written.
func (t *Template) String() string { return t.src }

// templateParser follows sre_parse.parse_template (Python 3.12+ rules for
// group numbers: ASCII digits only).
type templateParser struct {
	lx     *lexer
	groups int
	index  map[string]int
	parts  []templatePart
	lit    strings.Builder
}

func parseTemplate(repl string, groups int, index map[string]int) (t *Template, err error) {
	defer catch(&err)
	tp := &templateParser{lx: newLexer(repl), groups: groups, index: index}
	for {
		tok, ok := tp.lx.get()
		if !ok {
			break
		}
		if !tok.esc {
			tp.lit.WriteRune(tok.c)
			continue
		}
		tp.escape(tok)
	}
	tp.flush()
	return &Template{src: repl, parts: tp.parts}, nil
}

func (tp *templateParser) escape(tok token) {
	c := tok.c
	switch {
	case c == 'g':
		tp.namedGroup()
	case c == '0':
		digits := tp.lx.getWhile(2, isOctDigit)
		v, _ := strconv.ParseUint("0"+digits, 8, 32)
		tp.lit.WriteRune(rune(v & 0xff))
	case isDigit(c):
		tp.numberedGroup(tok)
	default:
		if r, ok := controlEscape(c); ok {
			tp.lit.WriteRune(r)
			return
		}
		if isASCIILetter(c) {
			tp.lx.fail("bad escape "+tok.String(), 2)
		}
		// Python keeps unknown non-letter escapes as written: "\&" is "\&".
		tp.lit.WriteString(tok.String())
	}
}

// namedGroup parses \g<name> or \g<number>.
func (tp *templateParser) namedGroup() {
	if !tp.lx.match('<') {
		tp.lx.fail("missing <", 0)
	}
	name := tp.lx.getUntil('>', "group name")
	if isIdentifier(name) {
		g, ok := tp.index[string(name)]
		if !ok {
			// Python raises IndexError here, without a position.
			tp.lx.fail("unknown group name "+pyRepr(string(name)), len(name)+1)
		}
		tp.addGroup(g, len(name)+1)
		return
	}
	digits := string(name)
	if strings.Trim(digits, "0123456789") != "" {
		tp.lx.fail("bad character in group name "+pyRepr(digits), len(name)+1)
	}
	g, ok := parseDecimal(digits)
	if !ok || g > tp.groups {
		tp.lx.fail("invalid group reference "+trimZeros(digits), len(name)+1)
	}
	tp.addGroup(g, len(name)+1)
}

// numberedGroup parses \1..\99, or a three-digit octal escape like \101.
func (tp *templateParser) numberedGroup(tok token) {
	esc := tok.String()
	lx := tp.lx
	if !lx.eof && !lx.next.esc && isDigit(lx.next.c) {
		second := lx.next.c
		esc += string(second)
		lx.advance()
		if isOctDigit(tok.c) && isOctDigit(second) && !lx.eof && !lx.next.esc && isOctDigit(lx.next.c) {
			esc += string(lx.next.c)
			lx.advance()
			v, _ := strconv.ParseUint(esc[1:], 8, 32)
			if v > 0o377 {
				lx.fail(fmt.Sprintf("octal escape value %s outside of range 0-0o377", esc), len(esc))
			}
			tp.lit.WriteRune(rune(v))
			return
		}
	}
	g, _ := strconv.Atoi(esc[1:])
	tp.addGroup(g, len(esc)-1)
}

func (tp *templateParser) addGroup(g, offset int) {
	if g > tp.groups {
		tp.lx.fail(fmt.Sprintf("invalid group reference %d", g), offset)
	}
	tp.flush()
	tp.parts = append(tp.parts, templatePart{group: g})
}

func (tp *templateParser) flush() {
	if tp.lit.Len() > 0 {
		tp.parts = append(tp.parts, templatePart{lit: tp.lit.String(), group: -1})
		tp.lit.Reset()
	}
}
