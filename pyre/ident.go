package pyre

import "unicode"

// isIdentifier approximates Python's str.isidentifier (XID_Start followed
// by XID_Continue) with the Unicode tables Go ships.
func isIdentifier(name []rune) bool {
	if len(name) == 0 {
		return false
	}
	for i, r := range name {
		if !isIDStart(r) && (i == 0 || !isIDContinue(r)) {
			return false
		}
	}
	return true
}

func isIDStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIDContinue(r rune) bool {
	return isIDStart(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}

// isAlpha approximates Python's str.isalpha for one character.
func isAlpha(r rune) bool { return unicode.IsLetter(r) }
