package pyre

import (
	"sort"
	"unicode"
)

// runeRange is the inclusive range lo..hi.
type runeRange struct{ lo, hi rune }

// runeSet is a set of code points as ranges; normalize sorts and merges it.
type runeSet []runeRange

func (s *runeSet) addRune(r rune)       { *s = append(*s, runeRange{r, r}) }
func (s *runeSet) addRange(lo, hi rune) { *s = append(*s, runeRange{lo, hi}) }
func (s *runeSet) addSet(o runeSet)     { *s = append(*s, o...) }
func (s runeSet) clone() runeSet        { return append(runeSet(nil), s...) }

// normalize sorts the ranges and merges overlapping or adjacent ones.
func (s runeSet) normalize() runeSet {
	if len(s) < 2 {
		return s
	}
	sort.Slice(s, func(i, j int) bool { return s[i].lo < s[j].lo })
	out := s[:1]
	for _, r := range s[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi+1 {
			last.hi = max(last.hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// complement returns the code points not in s; s must be normalized.
func (s runeSet) complement() runeSet {
	var out runeSet
	next := rune(0)
	for _, r := range s {
		if r.lo > next {
			out.addRange(next, r.lo-1)
		}
		next = r.hi + 1
	}
	if next <= unicode.MaxRune {
		out.addRange(next, unicode.MaxRune)
	}
	return out
}

// isSingleRune reports whether s is exactly one code point.
func (s runeSet) isSingleRune() (rune, bool) {
	if len(s) != 1 || s[0].lo != s[0].hi {
		return 0, false
	}
	return s[0].lo, true
}

// contains reports whether r is in s; s must be normalized.
func (s runeSet) contains(r rune) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].hi >= r })
	return i < len(s) && s[i].lo <= r
}
