package pyre

import "math"

// maxWidth stands for Python's MAXWIDTH: widths saturate there.
const maxWidth = math.MaxUint64

// maxLookbehind is sre's MAXCODE, the longest look-behind it can encode.
const maxLookbehind = 1<<32 - 1

func addWidth(a, b uint64) uint64 {
	if a > maxWidth-b {
		return maxWidth
	}
	return a + b
}

func mulWidth(a uint64, n int) uint64 {
	if n == 0 || a == 0 {
		return 0
	}
	if a > maxWidth/uint64(n) {
		return maxWidth
	}
	return a * uint64(n)
}

// width returns the minimum and maximum number of characters s can match,
// computed as sre's SubPattern.getwidth so look-behind checks agree.
func (p *parser) width(s seq) (lo, hi uint64) {
	for _, n := range s {
		i, j := p.nodeWidth(n)
		lo, hi = addWidth(lo, i), addWidth(hi, j)
	}
	return lo, hi
}

func (p *parser) nodeWidth(n *node) (lo, hi uint64) {
	switch n.kind {
	case kLiteral, kAny, kClass:
		return 1, 1
	case kGroup, kAtomic:
		return p.width(n.sub)
	case kBranch:
		lo = maxWidth
		for _, a := range n.alts {
			i, j := p.width(a)
			lo, hi = min(lo, i), max(hi, j)
		}
		return lo, hi
	case kRepeat:
		i, j := p.width(n.sub)
		lo = mulWidth(i, n.min)
		if n.max == unbounded {
			if j > 0 {
				return lo, maxWidth
			}
			return lo, 0
		}
		return lo, mulWidth(j, n.max)
	case kBackref:
		w := p.widths[n.group]
		return w.lo, w.hi
	case kCond:
		lo, hi = p.width(n.sub)
		if !n.hasAlt {
			return 0, hi
		}
		i, j := p.width(n.alt)
		return min(lo, i), max(hi, j)
	}
	return 0, 0 // kAt, kAssert
}

// checkLookbehinds applies the checks sre makes when compiling: every
// look-behind must have a fixed width. Python reports these errors without
// a position; pyre adds the position of the look-behind.
func (p *parser) checkLookbehinds(s seq) {
	for _, n := range s {
		if n.kind == kAssert && n.behind {
			lo, hi := p.width(n.sub)
			if lo > maxLookbehind {
				panic(&Error{Msg: "looks too much behind", Pattern: p.lx.text, Pos: n.pos})
			}
			if lo != hi {
				panic(&Error{Msg: "look-behind requires fixed-width pattern", Pattern: p.lx.text, Pos: n.pos})
			}
		}
		p.checkLookbehinds(n.sub)
		p.checkLookbehinds(n.alt)
		for _, a := range n.alts {
			p.checkLookbehinds(a)
		}
	}
}
