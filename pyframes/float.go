package pyframes

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DecodeFloat returns Python's repr of the double in the 8 bytes of ob_fval
// (little-endian): the shortest string that round-trips, "inf", "-inf",
// "nan", fixed notation with ".0" for integral values, and exponent notation
// ("1e+16", "1e-05") when the decimal exponent is below -4 or at least 16,
// as float_repr does.
func DecodeFloat(b []byte) (string, error) {
	if len(b) < 8 {
		return "", fmt.Errorf("float: %d bytes, need 8", len(b))
	}
	return FormatFloat(math.Float64frombits(binary.LittleEndian.Uint64(b))), nil
}

// FormatFloat formats f as Python's repr(f) does.
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// Shortest round-trip digits and exponent: d.ddde±XX.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // value = 0.digits × 10^decpt
	if decpt <= -4 || decpt > 16 {
		s := digits[:1]
		if len(digits) > 1 {
			s += "." + digits[1:]
		}
		esign := "+"
		if exp < 0 {
			esign, exp = "-", -exp
		}
		return fmt.Sprintf("%s%se%s%02d", sign, s, esign, exp)
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}
