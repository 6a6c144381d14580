package pyre

type kind uint8

const (
	kLiteral kind = iota
	kAny
	kClass
	kAt
	kGroup // capturing group, or non-capturing group with scoped flags
	kBranch
	kRepeat
	kAssert
	kBackref
	kCond
	kAtomic
)

// atKind is a zero-width position assertion.
type atKind uint8

const (
	atBeginning       atKind = iota // ^
	atBeginningString               // \A
	atEnd                           // $
	atEndString                     // \Z
	atBoundary                      // \b
	atNonBoundary                   // \B
)

type repeatMode uint8

const (
	greedy repeatMode = iota
	lazy
	possessive
)

// unbounded is the max of an open repeat such as * or {2,}.
const unbounded = -1

// node is one item of a parsed Python pattern. Only the fields of its kind
// are set; a flat struct keeps the parser and the emitter simple.
type node struct {
	kind  kind
	pos   int // position in the pattern, for errors found after parsing
	r     rune
	class *charClass
	at    atKind

	group    int   // kGroup (0: non-capturing), kBackref, kCond
	add, del flags // kGroup: scoped flags

	min, max int // kRepeat
	mode     repeatMode

	behind, negate bool // kAssert

	sub    seq   // kGroup, kRepeat, kAssert, kAtomic; the yes branch of kCond
	alt    seq   // the no branch of kCond
	hasAlt bool  // kCond has a no branch
	alts   []seq // kBranch
}

// seq is a sequence of nodes matched one after the other.
type seq []*node

// category is one of the class escapes \d \D \s \S \w \W.
type category uint8

const (
	catDigit category = iota
	catNotDigit
	catSpace
	catNotSpace
	catWord
	catNotWord
)

// charClass is a [...] set, or a lone category escape outside a set.
type charClass struct {
	negate bool
	runes  runeSet // literal characters and ranges, as written
	cats   []category
}
