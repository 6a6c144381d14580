package pyre

import "fmt"

// token is one unit of Python's re tokenizer: a character, or a backslash
// with the character after it. Error positions depend on this unit, so the
// lexer reproduces Python's tokenizer rather than scanning runes freely.
type token struct {
	c   rune
	esc bool
}

// String returns the token as written in the source.
func (t token) String() string {
	if t.esc {
		return `\` + string(t.c)
	}
	return string(t.c)
}

func (t token) width() int {
	if t.esc {
		return 2
	}
	return 1
}

// is reports whether t is the unescaped character c.
func (t token) is(c rune) bool { return !t.esc && t.c == c }

// lexer walks a pattern or template one token ahead, like sre's Tokenizer.
// Its errors are raised with panic(*Error) and recovered by the entry points
// (Compile, CompileTemplate), which keeps the recursive parser readable.
type lexer struct {
	src   []rune
	text  string
	index int // index just past next
	next  token
	eof   bool
}

func newLexer(text string) *lexer {
	l := &lexer{src: []rune(text), text: text}
	l.advance()
	return l
}

func (l *lexer) advance() {
	i := l.index
	if i >= len(l.src) {
		l.eof = true
		return
	}
	l.eof = false
	c := l.src[i]
	if c != '\\' {
		l.next = token{c: c}
		l.index = i + 1
		return
	}
	if i+1 >= len(l.src) {
		panic(&Error{Msg: "bad escape (end of pattern)", Pattern: l.text, Pos: len(l.src) - 1})
	}
	l.next = token{c: l.src[i+1], esc: true}
	l.index = i + 2
}

// tell returns the position of the next token.
func (l *lexer) tell() int {
	if l.eof {
		return l.index
	}
	return l.index - l.next.width()
}

func (l *lexer) seek(index int) {
	l.index = index
	l.advance()
}

// get consumes the next token; ok is false at the end of the text.
func (l *lexer) get() (t token, ok bool) {
	if l.eof {
		return token{}, false
	}
	t = l.next
	l.advance()
	return t, true
}

// peek reports whether the next token is the unescaped character c.
func (l *lexer) peek(c rune) bool { return !l.eof && l.next.is(c) }

// match consumes the next token if it is the unescaped character c.
func (l *lexer) match(c rune) bool {
	if !l.peek(c) {
		return false
	}
	l.advance()
	return true
}

// getWhile consumes up to n (n < 0: any number of) unescaped characters
// accepted by ok.
func (l *lexer) getWhile(n int, ok func(rune) bool) string {
	var out []rune
	for ; n != 0 && !l.eof && !l.next.esc && ok(l.next.c); n-- {
		out = append(out, l.next.c)
		l.advance()
	}
	return string(out)
}

// getUntil reads a name up to terminator, as in (?P<name>, (?P=name) and
// \g<name>. Escapes are kept as written so that they show up in messages.
func (l *lexer) getUntil(terminator rune, what string) []rune {
	var out []rune
	for {
		t, ok := l.get()
		if !ok {
			if len(out) == 0 {
				l.fail("missing "+what, 0)
			}
			l.fail(fmt.Sprintf("missing %c, unterminated name", terminator), len(out))
		}
		if t.is(terminator) {
			if len(out) == 0 {
				l.fail("missing "+what, 1)
			}
			return out
		}
		out = append(out, []rune(t.String())...)
	}
}

// fail raises an error at offset code points before the next token.
func (l *lexer) fail(msg string, offset int) {
	panic(&Error{Msg: msg, Pattern: l.text, Pos: l.tell() - offset})
}

// catch turns a panic(*Error) from the lexer or parser into a returned error.
func catch(err *error) {
	if r := recover(); r != nil {
		e, ok := r.(*Error)
		if !ok {
			panic(r)
		}
		*err = e
	}
}

func isDigit(r rune) bool    { return r >= '0' && r <= '9' }
func isOctDigit(r rune) bool { return r >= '0' && r <= '7' }
func isHexDigit(r rune) bool {
	return isDigit(r) || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}
func isASCIILetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
