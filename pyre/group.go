package pyre

import (
	"fmt"
	"strings"
)

// parseGroup parses everything that starts with '('. It returns the possibly
// updated verbose state, which a leading (?x) switches on.
func (p *parser) parseGroup(s seq, start int, verbose bool, nested int, first bool) (seq, bool) {
	capture, atomic := true, false
	var name []rune
	var add, del flags
	if p.lx.match('?') {
		t, ok := p.lx.get()
		if !ok {
			p.lx.fail("unexpected end of pattern", 0)
		}
		switch {
		case t.is('P'):
			n, ref := p.parsePExtension()
			if ref != nil {
				return append(s, ref), verbose
			}
			name = n
		case t.is(':'):
			capture = false
		case t.is('#'):
			p.skipInlineComment(start)
			return s, verbose
		case t.is('=') || t.is('!') || t.is('<'):
			return append(s, p.parseLookaround(t, start, verbose, nested)), verbose
		case t.is('('):
			return append(s, p.parseConditional(start, verbose, nested)), verbose
		case t.is('>'):
			capture, atomic = false, true
		case !t.esc && (flagOf(t.c) != 0 || t.c == '-'):
			global, a, d := p.parseFlags(t)
			if global {
				if !first || len(s) > 0 {
					p.lx.fail("global flags not at the start of the expression", p.lx.tell()-start)
				}
				return s, p.flags&flagVerbose != 0
			}
			add, del, capture = a, d, false
		default:
			p.lx.fail("unknown extension ?"+t.String(), t.width()+1)
		}
	}
	gid := 0
	if capture {
		gid = p.openGroup(name)
	}
	subVerbose := (verbose || add&flagVerbose != 0) && del&flagVerbose == 0
	sub := p.parseSub(subVerbose, nested+1)
	if !p.lx.match(')') {
		p.lx.fail("missing ), unterminated subpattern", p.lx.tell()-start)
	}
	if gid > 0 {
		lo, hi := p.width(sub)
		p.widths[gid] = groupWidth{lo: lo, hi: hi, closed: true}
	}
	if atomic {
		return append(s, &node{kind: kAtomic, pos: start, sub: sub}), verbose
	}
	return append(s, &node{kind: kGroup, pos: start, group: gid, add: add, del: del, sub: sub}), verbose
}

// parsePExtension parses after "(?P": either <name> of a named group, or
// =name) of a named backreference, returned as a node.
func (p *parser) parsePExtension() (name []rune, ref *node) {
	switch {
	case p.lx.match('<'):
		name = p.lx.getUntil('>', "group name")
		p.checkGroupName(name, 1)
		return name, nil
	case p.lx.match('='):
		name = p.lx.getUntil(')', "group name")
		p.checkGroupName(name, 1)
		gid, ok := p.index[string(name)]
		if !ok {
			p.lx.fail("unknown group name "+pyRepr(string(name)), len(name)+1)
		}
		if !p.widths[gid].closed {
			p.lx.fail("cannot refer to an open group", len(name)+1)
		}
		p.checkLookbehindGroup(gid)
		return nil, &node{kind: kBackref, group: gid, pos: p.lx.tell()}
	}
	t, ok := p.lx.get()
	if !ok {
		p.lx.fail("unexpected end of pattern", 0)
	}
	p.lx.fail("unknown extension ?P"+t.String(), t.width()+2)
	return nil, nil
}

func (p *parser) skipInlineComment(start int) {
	for {
		if p.lx.eof {
			p.lx.fail("missing ), unterminated comment", p.lx.tell()-start)
		}
		if t, _ := p.lx.get(); t.is(')') {
			return
		}
	}
}

// openGroup allocates the next group number; name is nil for (...).
func (p *parser) openGroup(name []rune) int {
	gid := len(p.widths)
	if name != nil {
		if old, dup := p.index[string(name)]; dup {
			msg := fmt.Sprintf("redefinition of group name %s as group %d; was group %d",
				pyRepr(string(name)), gid, old)
			p.lx.fail(msg, len(name)+1)
		}
		p.index[string(name)] = gid
	}
	p.widths = append(p.widths, groupWidth{})
	p.names = append(p.names, string(name))
	return gid
}

func (p *parser) checkGroupName(name []rune, offset int) {
	if !isIdentifier(name) {
		p.lx.fail("bad character in group name "+pyRepr(string(name)), len(name)+offset)
	}
}

// checkLookbehindGroup rejects references a look-behind cannot resolve:
// open groups and groups opened inside the same look-behind.
func (p *parser) checkLookbehindGroup(gid int) {
	if p.lookbehind < 0 {
		return
	}
	if gid >= len(p.widths) || !p.widths[gid].closed {
		p.lx.fail("cannot refer to an open group", 0)
	}
	if gid >= p.lookbehind {
		p.lx.fail("cannot refer to group defined in the same lookbehind subpattern", 0)
	}
}

// parseLookaround parses (?=...) (?!...) (?<=...) (?<!...); t is the
// character after '?'.
func (p *parser) parseLookaround(t token, start int, verbose bool, nested int) *node {
	n := &node{kind: kAssert, pos: start, negate: t.is('!')}
	outer := p.lookbehind
	if t.is('<') {
		t2, ok := p.lx.get()
		if !ok {
			p.lx.fail("unexpected end of pattern", 0)
		}
		if !t2.is('=') && !t2.is('!') {
			p.lx.fail("unknown extension ?<"+t2.String(), t2.width()+2)
		}
		n.behind, n.negate = true, t2.is('!')
		if outer < 0 {
			p.lookbehind = len(p.widths)
		}
	}
	n.sub = p.parseSub(verbose, nested+1)
	if n.behind && outer < 0 {
		p.lookbehind = -1
	}
	if !p.lx.match(')') {
		p.lx.fail("missing ), unterminated subpattern", p.lx.tell()-start)
	}
	return n
}

// parseConditional parses (?(group)yes|no) after "(?(".
func (p *parser) parseConditional(start int, verbose bool, nested int) *node {
	name := p.lx.getUntil(')', "group name")
	var gid int
	if isIdentifier(name) {
		g, ok := p.index[string(name)]
		if !ok {
			p.lx.fail("unknown group name "+pyRepr(string(name)), len(name)+1)
		}
		gid = g
	} else {
		gid = p.conditionalNumber(name)
	}
	p.checkLookbehindGroup(gid)
	n := &node{kind: kCond, pos: start, group: gid}
	n.sub = p.parseSeq(verbose, nested+1, false)
	if p.lx.match('|') {
		n.alt, n.hasAlt = p.parseSeq(verbose, nested+1, false), true
		if p.lx.peek('|') {
			p.lx.fail("conditional backref with more than two branches", 0)
		}
	}
	if !p.lx.match(')') {
		p.lx.fail("missing ), unterminated subpattern", p.lx.tell()-start)
	}
	return n
}

// conditionalNumber validates the N of (?(N)...). Like Python 3.12+, only
// ASCII digits are accepted; the group may be defined later.
func (p *parser) conditionalNumber(name []rune) int {
	digits := string(name)
	n, ok := parseDecimal(digits)
	if strings.Trim(digits, "0123456789") != "" {
		p.lx.fail("bad character in group name "+pyRepr(digits), len(name)+1)
	}
	if ok && n == 0 {
		p.lx.fail("bad group number", len(name)+1)
	}
	if !ok || n >= maxGroups {
		p.lx.fail("invalid group reference "+trimZeros(digits), len(name)+1)
	}
	if !p.hasCondRef(n) {
		p.condRefs = append(p.condRefs, condRef{group: n, pos: p.lx.tell() - len(name) - 1})
	}
	return n
}

func (p *parser) hasCondRef(g int) bool {
	for _, r := range p.condRefs {
		if r.group == g {
			return true
		}
	}
	return false
}

func trimZeros(digits string) string {
	if t := strings.TrimLeft(digits, "0"); t != "" {
		return t
	}
	return "0"
}
