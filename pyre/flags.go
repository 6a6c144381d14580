package pyre

// flags are Python's re flags that a str pattern can set inline.
type flags uint16

const (
	flagIgnoreCase flags = 1 << iota // i
	flagLocale                       // L, only to reject it
	flagMultiline                    // m
	flagDotAll                       // s
	flagVerbose                      // x
	flagASCII                        // a
	flagUnicode                      // u
)

// typeFlags select the character model; a scoped group setting one replaces
// the others, as sre's _combine_flags does.
const typeFlags = flagASCII | flagLocale | flagUnicode

// flagOf maps an inline flag letter to its flag. Python 3.13 dropped the
// undocumented 't' (TEMPLATE) flag, so pyre does not accept it either.
func flagOf(c rune) flags {
	switch c {
	case 'i':
		return flagIgnoreCase
	case 'L':
		return flagLocale
	case 'm':
		return flagMultiline
	case 's':
		return flagDotAll
	case 'x':
		return flagVerbose
	case 'a':
		return flagASCII
	case 'u':
		return flagUnicode
	}
	return 0
}

// combine applies a scoped group's (?add-del:...) to the enclosing flags.
func (f flags) combine(add, del flags) flags {
	if add&typeFlags != 0 {
		f &^= typeFlags
	}
	return (f | add) &^ del
}

// parseFlags parses inline flags after "(?"; t is the first flag or '-'.
// global is true for a (?flags) group, whose flags apply to the whole
// pattern; otherwise add and del scope a (?add-del:...) group.
func (p *parser) parseFlags(t token) (global bool, add, del flags) {
	if !t.is('-') {
		for {
			f := flagOf(t.c)
			if f == flagLocale {
				p.lx.fail("bad inline flags: cannot use 'L' flag with a str pattern", 0)
			}
			add |= f
			if f&typeFlags != 0 && add&typeFlags != f {
				p.lx.fail("bad inline flags: flags 'a', 'u' and 'L' are incompatible", 0)
			}
			t = p.nextFlagToken("missing -, : or )")
			if t.is(')') || t.is('-') || t.is(':') {
				break
			}
			p.checkFlagToken(t, "missing -, : or )")
		}
	}
	if t.is(')') {
		p.flags |= add
		return true, 0, 0
	}
	if t.is('-') {
		t = p.nextFlagToken("missing flag")
		p.checkFlagToken(t, "missing flag")
		for {
			f := flagOf(t.c)
			if f&typeFlags != 0 {
				p.lx.fail("bad inline flags: cannot turn off flags 'a', 'u' and 'L'", 0)
			}
			del |= f
			t = p.nextFlagToken("missing :")
			if t.is(':') {
				break
			}
			p.checkFlagToken(t, "missing :")
		}
	}
	if add&del != 0 {
		p.lx.fail("bad inline flags: flag turned on and off", 1)
	}
	return false, add, del
}

func (p *parser) nextFlagToken(atEnd string) token {
	t, ok := p.lx.get()
	if !ok {
		p.lx.fail(atEnd, 0)
	}
	return t
}

// checkFlagToken rejects a token that is not a flag letter the way Python
// does: letters are unknown flags, anything else a missing terminator.
func (p *parser) checkFlagToken(t token, otherwise string) {
	if !t.esc && flagOf(t.c) != 0 {
		return
	}
	if !t.esc && isAlpha(t.c) {
		p.lx.fail("unknown flag", t.width())
	}
	p.lx.fail(otherwise, t.width())
}
