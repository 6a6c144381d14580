package pyre

import (
	"fmt"
	"strings"
)

// The emitter writes a regexp2 pattern (no options) that matches what the
// Python tree matches. It spells out every construct whose meaning differs
// between .NET and Python instead of relying on regexp2's flags:
// \w \d \s \b use Python's Unicode (or ASCII) definitions, IGNORECASE is
// expanded into explicit sets with sre's folding rules, named groups become
// numbered groups (.NET would renumber them after the unnamed ones).
type emitter struct {
	b strings.Builder
}

// Python's Unicode \s: str.isspace() characters, including \x1c-\x1f,
// which .NET's \s leaves out.
var unicodeSpace = runeSet{
	{'\t', '\r'}, {0x1c, ' '}, {0x85, 0x85}, {0xa0, 0xa0}, {0x1680, 0x1680},
	{0x2000, 0x200a}, {0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f}, {0x3000, 0x3000},
}

var (
	asciiSpace = runeSet{{'\t', '\r'}, {' ', ' '}}
	asciiDigit = runeSet{{'0', '9'}}
	asciiWord  = runeSet{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
)

// unicodeWord is Python's Unicode \w (str.isalnum() or '_'), which is
// exactly the L* and N* categories plus '_'.
const unicodeWord = `\p{L}\p{N}_`

func translate(tree seq, global flags, minWidth uint64) string {
	var e emitter
	if cc, ok := prefixCheck(tree, global, minWidth); ok {
		e.b.WriteString(`(?=`)
		e.set(cc, global&^flagIgnoreCase)
		e.b.WriteByte(')')
	}
	e.seq(tree, global)
	return e.b.String()
}

func (e *emitter) seq(s seq, f flags) {
	for _, n := range s {
		e.node(n, f)
	}
}

func (e *emitter) node(n *node, f flags) {
	switch n.kind {
	case kLiteral:
		if f&flagIgnoreCase != 0 {
			if s := foldLiteral(n.r, f&flagASCII != 0); len(s) > 1 || s[0].lo != s[0].hi {
				e.set(&charClass{runes: s}, f&^flagIgnoreCase)
				return
			}
		}
		e.b.WriteString(escapeRune(n.r))
	case kAny:
		if f&flagDotAll != 0 {
			e.b.WriteString(`(?s:.)`)
		} else {
			e.b.WriteString(`.`)
		}
	case kClass:
		e.set(n.class, f)
	case kAt:
		e.at(n.at, f)
	case kGroup:
		e.group(n, f)
	case kBranch:
		e.b.WriteString(`(?:`)
		for i, a := range n.alts {
			if i > 0 {
				e.b.WriteByte('|')
			}
			e.seq(a, f)
		}
		e.b.WriteByte(')')
	case kRepeat:
		e.repeat(n, f)
	case kAssert:
		e.b.WriteString(assertOpen(n))
		e.seq(n.sub, f)
		e.b.WriteByte(')')
	case kBackref:
		e.backref(n.group, f)
	case kCond:
		fmt.Fprintf(&e.b, `(?(%d)(?:`, n.group)
		e.seq(n.sub, f)
		e.b.WriteString(`)|(?:`)
		e.seq(n.alt, f)
		e.b.WriteString(`))`)
	case kAtomic:
		e.b.WriteString(`(?>`)
		e.seq(n.sub, f)
		e.b.WriteByte(')')
	}
}

func (e *emitter) group(n *node, f flags) {
	if n.group > 0 {
		e.b.WriteByte('(')
	} else {
		e.b.WriteString(`(?:`)
	}
	e.seq(n.sub, f.combine(n.add, n.del))
	e.b.WriteByte(')')
}

func (e *emitter) repeat(n *node, f flags) {
	if n.mode == possessive {
		e.b.WriteString(`(?>`)
	}
	e.b.WriteString(`(?:`)
	e.seq(n.sub, f)
	e.b.WriteByte(')')
	switch {
	case n.min == 0 && n.max == unbounded:
		e.b.WriteByte('*')
	case n.min == 1 && n.max == unbounded:
		e.b.WriteByte('+')
	case n.min == 0 && n.max == 1:
		e.b.WriteByte('?')
	case n.max == unbounded:
		fmt.Fprintf(&e.b, "{%d,}", n.min)
	case n.min == n.max:
		fmt.Fprintf(&e.b, "{%d}", n.min)
	default:
		fmt.Fprintf(&e.b, "{%d,%d}", n.min, n.max)
	}
	switch n.mode {
	case lazy:
		e.b.WriteByte('?')
	case possessive:
		e.b.WriteByte(')')
	}
}

func assertOpen(n *node) string {
	switch {
	case n.behind && n.negate:
		return `(?<!`
	case n.behind:
		return `(?<=`
	case n.negate:
		return `(?!`
	}
	return `(?=`
}

// backref compares case-insensitively by simple lowercase, as sre's
// GROUPREF_UNI_IGNORE does; regexp2's (?i) backreference does the same.
func (e *emitter) backref(g int, f flags) {
	if f&flagIgnoreCase != 0 {
		fmt.Fprintf(&e.b, `(?i:\k<%d>)`, g)
		return
	}
	fmt.Fprintf(&e.b, `\k<%d>`, g)
}

// at writes an anchor. Python's $ is .NET's \Z (end, or before a final
// newline); Python's \Z is .NET's \z.
func (e *emitter) at(a atKind, f flags) {
	multiline := f&flagMultiline != 0
	switch a {
	case atBeginning:
		if multiline {
			e.b.WriteString(`(?m:^)`)
		} else {
			e.b.WriteString(`\A`)
		}
	case atBeginningString:
		e.b.WriteString(`\A`)
	case atEnd:
		if multiline {
			e.b.WriteString(`(?m:$)`)
		} else {
			e.b.WriteString(`\Z`)
		}
	case atEndString:
		e.b.WriteString(`\z`)
	case atBoundary:
		w := wordClass(f)
		fmt.Fprintf(&e.b, `(?:(?<=%[1]s)(?!%[1]s)|(?<!%[1]s)(?=%[1]s))`, w)
	case atNonBoundary:
		// sre's \B never matches in an empty string.
		w := wordClass(f)
		fmt.Fprintf(&e.b, `(?!\A\z)(?:(?<=%[1]s)(?=%[1]s)|(?<!%[1]s)(?!%[1]s))`, w)
	}
}

func wordClass(f flags) string {
	if f&flagASCII != 0 {
		return `[` + setBody(asciiWord) + `]`
	}
	return `[` + unicodeWord + `]`
}

// set writes a class or category. Python's Unicode \W and \D are
// complements of .NET categories; they are never written as \P{..} inside
// a set, because regexp2 stops at the first negated category that contains
// the character (so [\P{Nd}\p{N}] misses '1'), and its optimizer merges
// sets of alternatives into such classes. Instead a set with complements is
// built as an alternation (or, negated, as lookaheads) of plain sets.
func (e *emitter) set(cc *charClass, f flags) {
	runes := cc.runes
	if f&flagIgnoreCase != 0 {
		runes = foldSet(runes, f&flagASCII != 0)
	}
	runes = runes.clone()
	var pos strings.Builder
	var neg []string // S = runes ∪ pos ∪ ¬neg[0] ∪ ¬neg[1] ...
	for _, c := range cc.cats {
		if f&flagASCII != 0 {
			runes.addSet(asciiCategory(c))
			continue
		}
		switch c {
		case catDigit:
			pos.WriteString(`\p{Nd}`)
		case catNotDigit:
			neg = append(neg, `\p{Nd}`)
		case catWord:
			pos.WriteString(unicodeWord)
		case catNotWord:
			neg = append(neg, unicodeWord)
		case catSpace:
			runes.addSet(unicodeSpace)
		case catNotSpace:
			runes.addSet(unicodeSpace.complement())
		}
	}
	body := setBody(runes.normalize()) + pos.String()
	switch {
	case len(neg) == 0 && cc.negate:
		e.b.WriteString(`[^` + body + `]`)
	case len(neg) == 0:
		e.b.WriteString(`[` + body + `]`)
	case cc.negate:
		// ¬S = ¬body ∩ neg[0] ∩ neg[1] ...
		if body != "" {
			e.b.WriteString(`(?![` + body + `])`)
		}
		for _, n := range neg[:len(neg)-1] {
			e.b.WriteString(`(?=[` + n + `])`)
		}
		e.b.WriteString(`[` + neg[len(neg)-1] + `]`)
	default:
		e.b.WriteString(`(?:`)
		if body != "" {
			e.b.WriteString(`[` + body + `]|`)
		}
		for i, n := range neg {
			if i > 0 {
				e.b.WriteByte('|')
			}
			e.b.WriteString(`[^` + n + `]`)
		}
		e.b.WriteByte(')')
	}
}

func asciiCategory(c category) runeSet {
	switch c {
	case catDigit:
		return asciiDigit
	case catNotDigit:
		return asciiDigit.complement()
	case catSpace:
		return asciiSpace
	case catNotSpace:
		return asciiSpace.complement()
	case catWord:
		return asciiWord
	}
	return asciiWord.complement()
}

// setBody writes normalized ranges for use inside [...].
func setBody(s runeSet) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(escapeRune(r.lo))
		if r.hi == r.lo {
			continue
		}
		if r.hi > r.lo+1 {
			b.WriteByte('-')
		}
		b.WriteString(escapeRune(r.hi))
	}
	return b.String()
}

// escapeRune spells r so that regexp2 reads it as a literal both inside and
// outside of a set: ASCII letters and digits as is, other printable ASCII
// with a backslash, everything else as \x{hex}. < and ' stay bare because
// regexp2 reads \<...> and \'...' as backreferences.
func escapeRune(r rune) string {
	switch {
	case r < 0x80 && (isASCIILetter(r) || isDigit(r) || r == '_' || r == '<' || r == '\''):
		return string(r)
	case r > ' ' && r < 0x7f:
		return `\` + string(r)
	}
	return fmt.Sprintf(`\x{%X}`, r)
}
