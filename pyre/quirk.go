package pyre

import "sort"

// sre speeds up searches with a "charset prefix": when a pattern (of
// non-zero width) starts with a set, possibly inside groups, each candidate
// position is first checked against that set. CPython (3.7 to at least
// 3.13) compiles this set with the pattern's global flags rather than those
// of the enclosing scoped-flag group, so re.search(r'(?a)(?u:\w)', 'é')
// finds nothing although (?u:\w) alone matches 'é'. pyre reproduces that by
// prefixing the same check as a lookahead. Python also factors common
// prefixes out of alternatives (\wa|\wb) before looking for the set; pyre
// does not model that rarer form.

// prefixCheck returns the set sre checks first and whether the check can
// change the outcome, i.e. the set has categories whose meaning (ASCII or
// Unicode) differs between the global and the scoped flags.
func prefixCheck(tree seq, global flags, minWidth uint64) (*charClass, bool) {
	if minWidth == 0 {
		return nil, false
	}
	s, f := tree, global
	for {
		for len(s) > 0 && isPlainGroup(s[0]) {
			s = append(append(seq(nil), s[0].sub...), s[1:]...)
		}
		if len(s) == 0 || s[0].kind != kGroup {
			break
		}
		f = f.combine(s[0].add, s[0].del)
		s = s[0].sub
	}
	if len(s) == 0 || (f^global)&flagASCII == 0 {
		return nil, false
	}
	cc := leadingSet(s[0])
	if cc == nil || len(cc.cats) == 0 || (f&flagIgnoreCase != 0 && hasCased(cc.runes, f&flagASCII != 0)) {
		return nil, false
	}
	return cc, true
}

func isPlainGroup(n *node) bool {
	return n.kind == kGroup && n.group == 0 && n.add == 0 && n.del == 0
}

// leadingSet returns n as sre's parser sees it when it is a set: a class,
// or an alternation of single characters and non-negated sets, which
// sre_parse turns into one set.
func leadingSet(n *node) *charClass {
	switch n.kind {
	case kClass:
		return n.class
	case kLiteral:
		return &charClass{runes: runeSet{{n.r, n.r}}}
	case kBranch:
		union := &charClass{}
		for _, a := range n.alts {
			if len(a) != 1 || (a[0].kind != kLiteral && a[0].kind != kClass) {
				return nil
			}
			cc := leadingSet(a[0])
			if cc.negate {
				return nil
			}
			union.runes = append(union.runes, cc.runes...)
			union.cats = append(union.cats, cc.cats...)
		}
		return union
	}
	return nil
}

// hasCased reports whether sre's charset-prefix search gives up on s under
// IGNORECASE: a member is cased, or a range reaches beyond the BMP.
func hasCased(s runeSet, ascii bool) bool {
	special := folds().special
	for _, rr := range s {
		if rr.hi != rr.lo && rr.hi > 0xffff {
			return true
		}
		if ascii {
			if max(rr.lo, 'A') <= min(rr.hi, 'z') && !(rr.lo > 'Z' && rr.hi < 'a') {
				return true
			}
			continue
		}
		i := sort.Search(len(special), func(i int) bool { return special[i] >= rr.lo })
		for ; i < len(special) && special[i] <= rr.hi; i++ {
			if isCased(special[i]) {
				return true
			}
		}
	}
	return false
}
