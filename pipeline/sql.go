package pipeline

import "strings"

// The values of sql_parsing_mode.
const (
	SQLModeNone      = 1 // just methods, no SQL statements
	SQLModeCategory  = 2 // SELECT, INSERT, ...: the main category only
	SQLModeSimilar   = 3 // the statement with its literals replaced by '?'
	SQLModeIdentical = 4 // the statement as executed, literals included
)

// NormalizeSQL returns the key under which a statement is aggregated in
// sql_parsing_mode mode, and false when the statement is not reported
// (mode 1, an empty statement or an unknown mode).
//
// Mode 2 gives the upper-cased first keyword (WITH gives the verb of its main
// statement). Mode 3 replaces every literal (strings, numbers, hex and bit
// strings, TRUE/FALSE, dollar-quoted strings) by '?', drops comments,
// collapses whitespace, collapses IN lists of literals or placeholders to
// "IN (?)" and repeated identical VALUES tuples to one, so statements that
// differ only in their values share a key. Only mode 4 keeps literals: it is
// the statement with surrounding whitespace trimmed.
func NormalizeSQL(stmt string, mode int) (key string, ok bool) {
	switch mode {
	case SQLModeCategory:
		key = sqlCategory(stmt)
	case SQLModeSimilar:
		key = normalizeSimilar(stmt)
	case SQLModeIdentical:
		key = strings.TrimSpace(stmt)
	default:
		return "", false
	}
	return key, key != ""
}

// sqlVerbs are the categories reported under their own name; any other
// statement is reported under its first keyword.
var sqlVerbs = [...]string{
	"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER",
	"BEGIN", "COMMIT", "ROLLBACK", "CALL", "WITH", "REPLACE", "MERGE",
	"VALUES", "TABLE", "SET", "SHOW", "EXPLAIN", "PRAGMA", "TRUNCATE",
	"SAVEPOINT", "RELEASE", "START", "GRANT", "REVOKE", "VACUUM", "ANALYZE",
}

// cteVerbs are the statements a WITH clause can introduce.
var cteVerbs = [...]string{"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE"}

// sqlCategory returns the upper-cased first keyword of stmt, skipping
// comments and opening parentheses; for WITH, the first verb found outside
// parentheses after it (the CTE bodies are inside parentheses).
func sqlCategory(stmt string) string {
	var sc sqlScanner
	sc.s = stmt
	depth := 0
	first := ""
	for {
		tok, kind := sc.next()
		switch kind {
		case tokEOF:
			return first
		case tokSpace:
			continue
		case tokPunct:
			switch tok {
			case "(":
				depth++
			case ")":
				depth--
			}
			continue
		case tokWord:
		default:
			if first == "" {
				return ""
			}
			continue
		}
		if first == "" {
			first = canonicalWord(tok, sqlVerbs[:])
			if first != "WITH" {
				return first
			}
			continue
		}
		if depth == 0 {
			if v := knownWord(tok, cteVerbs[:]); v != "" {
				return v
			}
		}
	}
}

// knownWord returns the entry of list equal to w ignoring case, or "".
func knownWord(w string, list []string) string {
	for _, k := range list {
		if strings.EqualFold(w, k) {
			return k
		}
	}
	return ""
}

// canonicalWord returns the upper-case form of w, without allocating when w
// is in list.
func canonicalWord(w string, list []string) string {
	if k := knownWord(w, list); k != "" {
		return k
	}
	return strings.ToUpper(w)
}
