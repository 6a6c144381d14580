package pyre

import (
	"fmt"
	"strings"
)

// maxRepeat is the largest repeat count pyre accepts. Python allows up to
// 2**32-2; regexp2 counts in int32, so larger counts get Python's overflow
// message early.
const maxRepeat = 1<<31 - 2

// maxGroups is sre's MAXGROUPS on 64-bit builds; it bounds the numbers
// accepted in (?(N)...).
const maxGroups = 1<<30 - 1

// groupWidth records a closed group's width for look-behind checks.
type groupWidth struct {
	lo, hi uint64
	closed bool
}

// condRef is a (?(N)...) reference checked once all groups are known.
type condRef struct{ group, pos int }

// parser turns a Python pattern into a seq, following sre_parse's grammar
// and error positions (Python 3.11+ rules).
type parser struct {
	lx         *lexer
	flags      flags // global flags set by (?flags) at the start
	names      []string
	index      map[string]int
	widths     []groupWidth // by group number; [0] is the whole match
	lookbehind int          // first group number of the enclosing look-behind, or -1
	condRefs   []condRef
}

// parsePattern parses pattern into a tree and the parser state (groups,
// names, global flags) needed to emit it.
func parsePattern(pattern string) (tree seq, p *parser, err error) {
	defer catch(&err)
	p = &parser{
		lx:         newLexer(pattern),
		names:      []string{""},
		index:      map[string]int{},
		widths:     []groupWidth{{}},
		lookbehind: -1,
	}
	tree = p.parseSub(false, 0)
	if p.flags&flagASCII != 0 && p.flags&flagUnicode != 0 {
		return nil, nil, &Error{Msg: "ASCII and UNICODE flags are incompatible", Pattern: pattern, Pos: -1}
	}
	if !p.lx.eof {
		p.lx.fail("unbalanced parenthesis", 0)
	}
	for _, ref := range p.condRefs {
		if ref.group >= len(p.widths) {
			return nil, nil, &Error{Msg: fmt.Sprintf("invalid group reference %d", ref.group), Pattern: pattern, Pos: ref.pos}
		}
	}
	p.checkLookbehinds(tree)
	return tree, p, nil
}

// parseSub parses alternatives separated by |.
func (p *parser) parseSub(verbose bool, nested int) seq {
	var items []seq
	for {
		items = append(items, p.parseSeq(verbose, nested+1, nested == 0 && len(items) == 0))
		if !p.lx.match('|') {
			break
		}
		if nested == 0 {
			verbose = p.flags&flagVerbose != 0
		}
	}
	if len(items) == 1 {
		return items[0]
	}
	return seq{{kind: kBranch, alts: items}}
}

// parseSeq parses items up to |, ) or the end. first is true only for the
// first top-level alternative, the one place global flags may appear.
func (p *parser) parseSeq(verbose bool, nested int, first bool) seq {
	var s seq
	for !p.lx.eof && !p.lx.next.is('|') && !p.lx.next.is(')') {
		start := p.lx.tell()
		t, _ := p.lx.get()
		if verbose && !t.esc {
			if t.c == '#' {
				p.skipComment()
				continue
			}
			if strings.ContainsRune(" \t\n\r\v\f", t.c) {
				continue
			}
		}
		if t.esc {
			s = append(s, p.escape(t, start))
			continue
		}
		switch t.c {
		case '[':
			s = append(s, p.parseClass(start))
		case '*', '+', '?', '{':
			s = p.parseRepeat(s, t)
		case '.':
			s = append(s, &node{kind: kAny, pos: start})
		case '(':
			s, verbose = p.parseGroup(s, start, verbose, nested, first)
		case '^':
			s = append(s, &node{kind: kAt, at: atBeginning, pos: start})
		case '$':
			s = append(s, &node{kind: kAt, at: atEnd, pos: start})
		default:
			s = append(s, &node{kind: kLiteral, r: t.c, pos: start})
		}
	}
	return s
}

// skipComment skips a verbose-mode comment up to the end of the line.
func (p *parser) skipComment() {
	for {
		t, ok := p.lx.get()
		if !ok || t.is('\n') {
			return
		}
	}
}

// parseRepeat applies the quantifier t to the last item of s.
func (p *parser) parseRepeat(s seq, t token) seq {
	here := p.lx.tell()
	lo, hi := 0, unbounded
	switch t.c {
	case '?':
		hi = 1
	case '+':
		lo = 1
	case '{':
		if p.lx.peek('}') {
			return append(s, &node{kind: kLiteral, r: '{', pos: here - 1})
		}
		los := p.lx.getWhile(-1, isDigit)
		his := los
		if p.lx.match(',') {
			his = p.lx.getWhile(-1, isDigit)
		}
		if !p.lx.match('}') {
			p.lx.seek(here)
			return append(s, &node{kind: kLiteral, r: '{', pos: here - 1})
		}
		if los != "" {
			lo = p.repeatCount(los, here)
		}
		if his != "" {
			hi = p.repeatCount(his, here)
			if hi < lo {
				p.lx.fail("min repeat greater than max repeat", p.lx.tell()-here)
			}
		}
	}
	if len(s) == 0 || s[len(s)-1].kind == kAt {
		p.lx.fail("nothing to repeat", p.lx.tell()-here+1)
	}
	last := s[len(s)-1]
	if last.kind == kRepeat {
		p.lx.fail("multiple repeat", p.lx.tell()-here+1)
	}
	item := seq{last}
	if last.kind == kGroup && last.group == 0 && last.add == 0 && last.del == 0 {
		item = last.sub
	}
	mode := greedy
	if p.lx.match('?') {
		mode = lazy
	} else if p.lx.match('+') {
		mode = possessive
	}
	s[len(s)-1] = &node{kind: kRepeat, pos: here - 1, min: lo, max: hi, mode: mode, sub: item}
	return s
}

// repeatCount converts a {m,n} bound; Python raises OverflowError (without
// a position) for counts it cannot represent.
func (p *parser) repeatCount(digits string, here int) int {
	n, ok := parseDecimal(digits)
	if !ok || n > maxRepeat {
		panic(&Error{Msg: "the repetition number is too large", Pattern: p.lx.text, Pos: here - 1})
	}
	return n
}

// parseDecimal parses ASCII digits; ok is false on overflow.
func parseDecimal(digits string) (n int, ok bool) {
	for _, d := range digits {
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}
