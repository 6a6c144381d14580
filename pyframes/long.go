package pyframes

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"
)

// LongSize decodes the header word of an int (the 8 bytes at Long.Header):
// the number of digits and whether the number is negative.
func (l *Layout) LongSize(header []byte) (ndigits int, negative bool, err error) {
	if len(header) < 8 {
		return 0, false, fmt.Errorf("int header: %d bytes, need 8", len(header))
	}
	w := binary.LittleEndian.Uint64(header)
	if !l.Long.Tagged {
		size := int64(w)
		if size < 0 {
			return int(-size), true, nil
		}
		return int(size), false, nil
	}
	switch w & l.Long.SignMask {
	case 0: // positive
	case 1: // zero
		if w>>uint(l.Long.NonSizeBits) != 0 {
			return 0, false, fmt.Errorf("int lv_tag %#x: zero with digits", w)
		}
	case 2:
		negative = true
	default:
		return 0, false, fmt.Errorf("int lv_tag %#x: bad sign", w)
	}
	n := w >> uint(l.Long.NonSizeBits)
	if n > 1<<40 {
		return 0, false, fmt.Errorf("int lv_tag %#x: implausible size", w)
	}
	return int(n), negative, nil
}

// DecodeLong returns the decimal string of an int from its header word (8
// bytes at Long.Header) and the digit bytes read from Long.Digit (least
// significant digit first, Long.DigitSize bytes each, Long.Shift bits used).
//
// When digits holds every digit the result is exact, whatever the size. When
// it holds fewer (the reader stopped early), the leading decimal digits cannot
// be known: the result is the sign, "0x…" and the low-order bits that were
// read, in hex (exact as far as it goes; the ellipsis marks the truncation),
// e.g. "-0x…3fffffff00000001". Bytes that cannot be an int give
// "<invalid int: reason>".
func DecodeLong(l *Layout, header []byte, digits []byte) string {
	n, neg, err := l.LongSize(header)
	if err != nil {
		return "<invalid int: " + err.Error() + ">"
	}
	size, shift := l.Long.DigitSize, uint(l.Long.Shift)
	if size != 2 && size != 4 {
		return fmt.Sprintf("<invalid int: digit size %d>", size)
	}
	have := min(n, len(digits)/size)
	v := new(big.Int)
	for i := have - 1; i >= 0; i-- {
		var d uint64
		if size == 4 {
			d = uint64(binary.LittleEndian.Uint32(digits[i*4:]))
		} else {
			d = uint64(binary.LittleEndian.Uint16(digits[i*2:]))
		}
		if d>>shift != 0 {
			return fmt.Sprintf("<invalid int: digit %d is %#x, above %d bits>", i, d, shift)
		}
		v.Lsh(v, shift)
		v.Or(v, new(big.Int).SetUint64(d))
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if have < n {
		h := v.Text(16)
		// Pad to the bits read so leading zero digits are not lost.
		if w := (have*int(shift) + 3) / 4; len(h) < w {
			h = strings.Repeat("0", w-len(h)) + h
		}
		if have == 0 {
			h = ""
		}
		return sign + "0x…" + h
	}
	if v.Sign() == 0 {
		return "0"
	}
	return sign + v.String()
}
