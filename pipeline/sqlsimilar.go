package pipeline

import (
	"bytes"
	"strings"
)

// parenKind tells what an open parenthesis of a statement introduced.
type parenKind uint8

const (
	parenOther  parenKind = iota
	parenInList           // IN ( ... )
	parenTuple            // a VALUES tuple
)

// paren is an open parenthesis: where it was written, and whether only
// literals, placeholders and commas came inside it so far.
type paren struct {
	open  int
	kind  parenKind
	pure  bool
	items int
}

// maxParens bounds the parentheses tracked; deeper ones are still written,
// just never collapsed.
const maxParens = 16

// similarWriter builds the mode 3 key of a statement.
type similarWriter struct {
	out    []byte
	space  bool // whitespace came since the last token
	parens [maxParens]paren
	depth  int  // open parentheses, including untracked ones
	lastIn bool // the last token was the word IN

	// VALUES (...), (...): consecutive identical tuples are written once.
	valuesDepth int // depth of the VALUES keyword, -1 outside
	wantTuple   bool
	lastStart   int // the last tuple written
	lastEnd     int
}

// normalizeSimilar returns the mode 3 key of stmt.
func normalizeSimilar(stmt string) string {
	w := similarWriter{out: make([]byte, 0, len(stmt)), valuesDepth: -1, lastStart: -1}
	sc := sqlScanner{s: stmt}
	for {
		tok, kind := sc.next()
		if kind == tokEOF {
			break
		}
		w.token(tok, kind)
	}
	return string(w.out)
}

func (w *similarWriter) token(tok string, kind tokKind) {
	switch kind {
	case tokSpace:
		w.space = true
		return
	case tokNumber, tokString:
		w.literal()
		return
	case tokWord:
		if strings.EqualFold(tok, "TRUE") || strings.EqualFold(tok, "FALSE") {
			w.literal()
			return
		}
		w.word(tok)
		return
	case tokParam:
		w.write(tok, true)
		return
	case tokPunct:
		w.punct(tok)
		return
	}
	w.write(tok, false)
}

// literal writes '?' for a literal; a sign right before it, where it cannot
// be a binary operator, is part of the literal.
func (w *similarWriter) literal() {
	if n := len(w.out); !w.space && n > 0 && (w.out[n-1] == '-' || w.out[n-1] == '+') {
		before := bytes.TrimRight(w.out[:n-1], " ")
		if len(before) == 0 || strings.IndexByte("=<>(,+-*/%|&^~!", before[len(before)-1]) >= 0 {
			w.out = w.out[:n-1]
		}
	}
	w.write("?", true)
}

func (w *similarWriter) word(tok string) {
	if w.valuesDepth == w.depth {
		w.valuesDepth = -1
	}
	w.write(tok, false)
	if strings.EqualFold(tok, "VALUES") {
		w.valuesDepth, w.wantTuple, w.lastStart = w.depth, true, -1
	}
	w.lastIn = strings.EqualFold(tok, "IN")
}

func (w *similarWriter) punct(tok string) {
	switch tok {
	case "(":
		w.openParen()
	case ")":
		w.closeParen()
	case ",":
		w.write(tok, true)
		w.space = true // "a,b" and "a, b" share a key
		if w.valuesDepth == w.depth {
			w.wantTuple = true
		}
	default:
		if w.valuesDepth == w.depth {
			w.valuesDepth = -1
		}
		w.write(tok, false)
	}
}

func (w *similarWriter) openParen() {
	kind := parenOther
	switch {
	case w.lastIn:
		kind = parenInList
	case w.valuesDepth == w.depth && w.wantTuple:
		kind = parenTuple
		w.wantTuple = false
	case w.valuesDepth == w.depth:
		w.valuesDepth = -1
	}
	w.write("(", false)
	w.lastIn = false
	if w.depth < maxParens {
		w.parens[w.depth] = paren{open: len(w.out) - 1, kind: kind, pure: true}
	}
	w.depth++
}

func (w *similarWriter) closeParen() {
	var p paren
	tracked := w.depth > 0 && w.depth <= maxParens
	if tracked {
		p = w.parens[w.depth-1]
	}
	if w.depth > 0 {
		w.depth--
	}
	w.space, w.lastIn = false, false
	w.out = append(w.out, ')')
	if !tracked {
		return
	}
	switch p.kind {
	case parenInList:
		if p.pure && p.items > 0 {
			w.out = append(w.out[:p.open+1], "?)"...)
		}
	case parenTuple:
		w.endTuple(p.open)
	}
}

// endTuple drops the tuple just written when it repeats the previous one.
func (w *similarWriter) endTuple(open int) {
	if w.lastStart >= 0 && isCommaGap(w.out[w.lastEnd:open]) &&
		bytes.Equal(w.out[open:], w.out[w.lastStart:w.lastEnd]) {
		w.out = w.out[:w.lastEnd]
		return
	}
	w.lastStart, w.lastEnd = open, len(w.out)
}

func isCommaGap(b []byte) bool {
	return bytes.Equal(bytes.Trim(b, " "), []byte{','})
}

// write appends a token, with one space before it when whitespace separated
// it from the previous one or it follows a comma (none after '(' or before
// ',' and ')'). item says
// whether the token may stand in a collapsible list.
func (w *similarWriter) write(tok string, item bool) {
	if w.depth > 0 && w.depth <= maxParens {
		p := &w.parens[w.depth-1]
		if !item {
			p.pure = false
		} else if tok != "," {
			p.items++
		}
	}
	if tok != "(" {
		w.lastIn = false
	}
	n := len(w.out)
	if w.space && n > 0 && w.out[n-1] != ' ' && w.out[n-1] != '(' && tok != "," && tok != ")" {
		w.out = append(w.out, ' ')
	}
	w.space = false
	w.out = append(w.out, tok...)
}
