package pyframes

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrTruncated is wrapped by decoders given fewer bytes than the object
// holds; the partial result is returned with it.
var ErrTruncated = errors.New("truncated")

// Unicode kinds (PyUnicode_*_KIND): the size of one code point in bytes.
const (
	// KindLatin1 is PyUnicode_1BYTE_KIND: latin-1 (ASCII when state.ascii).
	KindLatin1 = 1
	// KindUCS2 is PyUnicode_2BYTE_KIND: UCS-2, little-endian on x86_64.
	KindUCS2 = 2
	// KindUCS4 is PyUnicode_4BYTE_KIND: UCS-4, little-endian on x86_64.
	KindUCS4 = 4
)

// StrState is a decoded PyASCIIObject.state.
type StrState struct {
	// Kind is KindLatin1, KindUCS2, KindUCS4 (0 for a legacy not-ready
	// string on ≤3.11).
	Kind int
	// Compact is state.compact: the data follows the object header.
	Compact bool
	// ASCII is state.ascii: every code point is below 128.
	ASCII bool
}

func bits(word uint32, shift, width int) uint32 {
	if shift < 0 || width <= 0 {
		return 0
	}
	return word >> uint(shift) & (1<<uint(width) - 1)
}

// StrState decodes the state word of a str (read at Unicode.State).
func (l *Layout) StrState(state uint32) StrState {
	u := l.Unicode
	return StrState{
		Kind:    int(bits(state, u.KindShift, u.KindBits)),
		Compact: bits(state, u.CompactShift, u.CompactBits) == 1,
		ASCII:   bits(state, u.ASCIIShift, u.ASCIIBits) == 1,
	}
}

// StrDataOffset returns where the characters of a compact str start,
// relative to the object: Unicode.ASCIIObjectSize for compact ASCII strings,
// Unicode.CompactObjectSize for other compact strings. Non-compact strings
// (created by the legacy C API) keep their data behind a pointer and are an
// error.
func (l *Layout) StrDataOffset(state uint32) (int, error) {
	s := l.StrState(state)
	switch {
	case !s.Compact:
		return 0, fmt.Errorf("str state %#x: not a compact string", state)
	case s.ASCII:
		return l.Unicode.ASCIIObjectSize, nil
	default:
		return l.Unicode.CompactObjectSize, nil
	}
}

// DecodeUnicode decodes the characters of a str: state is its state word,
// data the bytes from its data start (StrDataOffset) and length its length
// in code points (read at Unicode.Length). Kind 1 is latin-1 (checked to be
// ASCII when state.ascii), 2 UCS-2 LE, 4 UCS-4 LE. When data holds fewer
// than length code points the decoded prefix is returned with an error
// wrapping ErrTruncated. Lone surrogates, which a Python str may hold but
// UTF-8 cannot, become U+FFFD.
func (l *Layout) DecodeUnicode(state uint32, data []byte, length int) (string, error) {
	s := l.StrState(state)
	if length < 0 {
		return "", fmt.Errorf("str length %d: negative", length)
	}
	kind := s.Kind
	switch kind {
	case KindLatin1, KindUCS2, KindUCS4:
	default:
		return "", fmt.Errorf("str state %#x: kind %d is not 1, 2 or 4 (not ready, or not a str)", state, kind)
	}
	if s.ASCII && kind != KindLatin1 {
		return "", fmt.Errorf("str state %#x: ascii with kind %d", state, kind)
	}
	n := length
	var err error
	if avail := len(data) / kind; avail < n {
		n = avail
		err = fmt.Errorf("str of %d code points, %d read: %w", length, n, ErrTruncated)
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < n; i++ {
		var r rune
		switch kind {
		case KindLatin1:
			r = rune(data[i])
			if s.ASCII && r >= utf8.RuneSelf {
				return b.String(), fmt.Errorf("str marked ascii has byte %#x at %d", data[i], i)
			}
		case KindUCS2:
			r = rune(binary.LittleEndian.Uint16(data[2*i:]))
		case KindUCS4:
			c := binary.LittleEndian.Uint32(data[4*i:])
			if c > utf8.MaxRune {
				return b.String(), fmt.Errorf("str code point %#x at %d: beyond U+10FFFF", c, i)
			}
			r = rune(c)
		}
		b.WriteRune(r)
	}
	return b.String(), err
}
