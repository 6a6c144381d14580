package pyre

import (
	"sort"
	"sync"
	"unicode"
)

// extraCases are the groups of lowercase letters that share an uppercase
// form (by full case mapping), which sre also treats as equal under
// IGNORECASE: Python's re._casefix table (identical in 3.11 to 3.13),
// rebuilt from the Unicode data. TestCaseFixesAgainstPython checks it.
var extraCases = [][]rune{
	{0x69, 0x131}, {0x73, 0x17f}, {0xb5, 0x3bc}, {0x345, 0x3b9, 0x1fbe},
	{0x390, 0x1fd3}, {0x3b0, 0x1fe3}, {0x3b2, 0x3d0}, {0x3b5, 0x3f5},
	{0x3b8, 0x3d1}, {0x3ba, 0x3f0}, {0x3c0, 0x3d6}, {0x3c1, 0x3f1},
	{0x3c2, 0x3c3}, {0x3c6, 0x3d5}, {0x432, 0x1c80}, {0x434, 0x1c81},
	{0x43e, 0x1c82}, {0x441, 0x1c83}, {0x442, 0x1c84, 0x1c85}, {0x44a, 0x1c86},
	{0x463, 0x1c87}, {0x1c88, 0xa64b}, {0x1e61, 0x1e9b}, {0xfb05, 0xfb06},
}

// specialUpper are the characters without simple case mappings that have a
// full uppercase mapping (SpecialCasing.txt), e.g. ß -> SS. sre takes the
// first character of that mapping as their uppercase, so it counts them as
// cased. TestCasingAgainstPython checks isCased for every code point.
var specialUpper = runeSet{
	{0xdf, 0xdf}, {0x149, 0x149}, {0x1f0, 0x1f0}, {0x390, 0x390}, {0x3b0, 0x3b0},
	{0x587, 0x587}, {0x1e96, 0x1e9a}, {0x1f50, 0x1f50}, {0x1f52, 0x1f52},
	{0x1f54, 0x1f54}, {0x1f56, 0x1f56}, {0x1fb2, 0x1fb2}, {0x1fb4, 0x1fb4},
	{0x1fb6, 0x1fb7}, {0x1fc2, 0x1fc2}, {0x1fc4, 0x1fc4}, {0x1fc6, 0x1fc7},
	{0x1fd2, 0x1fd3}, {0x1fd6, 0x1fd7}, {0x1fe2, 0x1fe4}, {0x1fe6, 0x1fe7},
	{0x1ff2, 0x1ff2}, {0x1ff4, 0x1ff4}, {0x1ff6, 0x1ff7}, {0xfb00, 0xfb06},
	{0xfb13, 0xfb17},
}

// foldTable answers "which characters does c match under IGNORECASE" the
// way sre does for str patterns: x matches c when lower(x) is lower(c) or
// one of its extraCases partners (simple case mappings throughout).
type foldTable struct {
	fixes   map[rune][]rune // lowercase letter -> its extraCases partners
	uppers  map[rune][]rune // l -> the x != l with lower(x) == l
	special []rune          // sorted: every rune whose fold set is not {itself}
}

// folds is built on first use; it is read-only afterwards.
var folds = sync.OnceValue(buildFoldTable)

func buildFoldTable() *foldTable {
	t := &foldTable{fixes: map[rune][]rune{}, uppers: map[rune][]rune{}}
	seen := map[rune]bool{}
	mark := func(r rune) {
		if !seen[r] {
			seen[r] = true
			t.special = append(t.special, r)
		}
	}
	for _, g := range extraCases {
		for _, r := range g {
			mark(r)
			for _, o := range g {
				if o != r {
					t.fixes[r] = append(t.fixes[r], o)
				}
			}
		}
	}
	for _, rr := range specialUpper {
		for r := rr.lo; r <= rr.hi; r++ {
			mark(r)
		}
	}
	for _, cr := range unicode.CaseRanges {
		for r := rune(cr.Lo); r <= rune(cr.Hi); r++ {
			if !isCased(r) {
				continue
			}
			mark(r)
			if l := unicode.ToLower(r); l != r {
				t.uppers[l] = append(t.uppers[l], r)
				mark(l)
			}
		}
	}
	sort.Slice(t.special, func(i, j int) bool { return t.special[i] < t.special[j] })
	return t
}

// isCased is sre's unicode_iscased.
func isCased(r rune) bool {
	return unicode.ToLower(r) != r || unicode.ToUpper(r) != r || specialUpper.contains(r)
}

// matchesOf returns every x with lower(x) in {lower(c)} ∪ fixes[lower(c)].
func (t *foldTable) matchesOf(c rune) []rune {
	l := unicode.ToLower(c)
	var out []rune
	for _, k := range append([]rune{l}, t.fixes[l]...) {
		if unicode.ToLower(k) == k {
			out = append(out, k)
		}
		out = append(out, t.uppers[k]...)
	}
	return out
}

// foldLiteral returns the set a literal c matches under IGNORECASE.
// Uncased characters match only themselves, as in sre.
func foldLiteral(c rune, ascii bool) runeSet {
	var s runeSet
	s.addRune(c)
	switch {
	case ascii:
		if isASCIILetter(c) {
			s.addRune(c ^ 0x20)
		}
	case isCased(c):
		for _, x := range folds().matchesOf(c) {
			s.addRune(x)
		}
	}
	return s.normalize()
}

// foldSet returns the set a character class matches under IGNORECASE.
// sre lowers every member and compares lower(input); that only changes the
// set if a member is cased (else sre matches the members exactly).
func foldSet(set runeSet, ascii bool) runeSet {
	if ascii {
		return foldASCII(set)
	}
	t := folds()
	var extra runeSet
	cased := false
	for _, rr := range set {
		i := sort.Search(len(t.special), func(i int) bool { return t.special[i] >= rr.lo })
		for ; i < len(t.special) && t.special[i] <= rr.hi; i++ {
			c := t.special[i]
			cased = cased || isCased(c)
			for _, x := range t.matchesOf(c) {
				extra.addRune(x)
			}
		}
	}
	if !cased {
		return set
	}
	out := set.clone()
	out.addSet(extra)
	return out.normalize()
}

func foldASCII(set runeSet) runeSet {
	out := set.clone()
	for _, rr := range set {
		for _, letters := range []runeRange{{'A', 'Z'}, {'a', 'z'}} {
			lo, hi := max(rr.lo, letters.lo), min(rr.hi, letters.hi)
			if lo <= hi {
				out.addRange(lo^0x20, hi^0x20)
			}
		}
	}
	return out.normalize()
}
