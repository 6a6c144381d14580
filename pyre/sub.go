package pyre

import (
	"fmt"
	"strings"

	"github.com/dlclark/regexp2"
)

// Sub returns re.sub(pattern, repl, s) with count=0, where t is repl
// compiled by r.CompileTemplate. It follows Python 3.7+: an empty match
// right after a non-empty one is replaced too, so re.sub('x*', '-', 'abxd')
// is '-a-b--d-'; unmatched groups expand to "" (as since Python 3.5), and
// so do groups a template from another Regexp names beyond r's groups. If a
// match attempt times out, Sub returns s unchanged; use TrySub to see the
// error.
func (r *Regexp) Sub(s string, t *Template) string {
	out, err := r.TrySub(s, t)
	if err != nil {
		return s
	}
	return out
}

// TrySub is Sub that reports a match timeout as an error.
func (r *Regexp) TrySub(s string, t *Template) (string, error) {
	in := newSubject(s)
	var b strings.Builder
	last, pos := 0, 0
	matched, mustAdvance := false, false
	for pos <= len(in.runes) {
		m, err := r.next(in.runes, pos, mustAdvance)
		if err != nil {
			return s, fmt.Errorf("pyre: substituting %q: %w", r.pattern, err)
		}
		if m == nil {
			break
		}
		matched = true
		b.WriteString(in.slice(last, m.Index))
		t.expand(&b, in, m)
		last = m.Index + m.Length
		// Like sre, search again where the match ended; after an empty match
		// the next match must not be empty at that same position.
		mustAdvance = m.Length == 0
		pos = last
	}
	if !matched {
		return s, nil
	}
	b.WriteString(in.slice(last, len(in.runes)))
	return b.String(), nil
}

// next finds the leftmost match at or after pos. With mustAdvance, a match
// at pos must be non-empty (sre's must_advance): that is tried with the
// advance pattern, then the search continues from pos+1.
func (r *Regexp) next(runes []rune, pos int, mustAdvance bool) (*regexp2.Match, error) {
	if !mustAdvance {
		return r.re.FindRunesMatchStartingAt(runes, pos)
	}
	adv, err := r.advancePattern()
	if err != nil {
		return nil, err
	}
	m, err := adv.FindRunesMatchStartingAt(runes, pos)
	if m != nil || err != nil || pos >= len(runes) {
		return m, err
	}
	return r.re.FindRunesMatchStartingAt(runes, pos+1)
}

// advancePattern compiles, once, the pattern anchored at the search start
// (\G) that rejects an empty match ((?!\G) at its end). The wrapper adds no
// group, so group numbers are those of r.
func (r *Regexp) advancePattern() (*regexp2.Regexp, error) {
	r.advanceOnce.Do(func() {
		r.advance, r.advanceErr = compileExpr(`\G(?:`+r.expr+`)(?!\G)`, r.timeout)
	})
	return r.advance, r.advanceErr
}

// expand writes the template for match m.
func (t *Template) expand(b *strings.Builder, in subject, m *regexp2.Match) {
	for _, p := range t.parts {
		if p.group < 0 {
			b.WriteString(p.lit)
			continue
		}
		g := m.GroupByNumber(p.group)
		if g == nil || len(g.Captures) == 0 {
			continue // unmatched group: "" since Python 3.5
		}
		b.WriteString(in.slice(g.Index, g.Index+g.Length))
	}
}

// subject is the input of Sub as regexp2 sees it (code points) together
// with the byte offset of each code point, so that unchanged text, including
// invalid UTF-8, is copied from the original string.
type subject struct {
	s     string
	runes []rune
	offs  []int // nil when s is ASCII: rune index == byte index
}

func newSubject(s string) subject {
	in := subject{s: s, runes: []rune(s)}
	if len(in.runes) != len(s) {
		in.offs = make([]int, 0, len(in.runes)+1)
		for i := range s {
			in.offs = append(in.offs, i)
		}
		in.offs = append(in.offs, len(s))
	}
	return in
}

// slice returns the text of code points [i, j).
func (in subject) slice(i, j int) string {
	if in.offs == nil {
		return in.s[i:j]
	}
	return in.s[in.offs[i]:in.offs[j]]
}
