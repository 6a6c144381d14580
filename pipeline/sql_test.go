package pipeline

import "testing"

func TestNormalizeSQL(t *testing.T) {
	tests := []struct {
		name string
		mode int
		in   string
		want string
		ok   bool
	}{
		{"mode 1: \"just methods, no SQL queries\"", 1, "SELECT * FROM t WHERE id = 5", "", false},
		{"unknown mode", 7, "SELECT 1", "", false},

		{"mode 2: \"main categories for SQL queries (select/update/insert/delete/...)\"", 2, "select * from t where a = 'x'", "SELECT", true},
		{"mode 2 insert", 2, "  INSERT INTO t VALUES (1)", "INSERT", true},
		{"mode 2 update", 2, "Update t set a=1", "UPDATE", true},
		{"mode 2 delete", 2, "DELETE FROM t", "DELETE", true},
		{"mode 2 create", 2, "CREATE TABLE t (a int)", "CREATE", true},
		{"mode 2 drop", 2, "drop table t", "DROP", true},
		{"mode 2 alter", 2, "ALTER TABLE t ADD b int", "ALTER", true},
		{"mode 2 begin", 2, "BEGIN", "BEGIN", true},
		{"mode 2 commit", 2, "commit", "COMMIT", true},
		{"mode 2 rollback", 2, "ROLLBACK", "ROLLBACK", true},
		{"mode 2 call", 2, "CALL proc(1)", "CALL", true},
		{"mode 2 other keyword", 2, "upsert into t", "UPSERT", true},
		{"mode 2 leading comment and paren", 2, "/* app */ -- x\n (SELECT 1) UNION (SELECT 2)", "SELECT", true},
		{"mode 2 WITH gives its verb", 2, "WITH a AS (SELECT 1), b(x) AS (SELECT 2) INSERT INTO t SELECT * FROM a", "INSERT", true},
		{"mode 2 WITH RECURSIVE", 2, "with recursive r(n) as (select 1 union all select n+1 from r) select * from r", "SELECT", true},
		{"mode 2 empty", 2, "  -- nothing\n", "", false},

		{"mode 3: \"aggregating similar statements\": numbers", 3, "SELECT * FROM t WHERE id = 42", "SELECT * FROM t WHERE id = ?", true},
		{"mode 3 strings with escapes", 3, `SELECT 'it''s', 'a\'b', E'x\n' FROM t`, "SELECT ?, ?, ? FROM t", true},
		{"mode 3 whitespace collapsed", 3, "SELECT  a,\n\tb\r\nFROM   t  ", "SELECT a, b FROM t", true},
		{"mode 3 floats, exponents, hex, signs", 3, "UPDATE t SET a = -1.5e3, b = 0xFF, c = .5, d = a - 2 WHERE e=-3", "UPDATE t SET a = ?, b = ?, c = ?, d = a - ? WHERE e=?", true},
		{"mode 3 booleans", 3, "SELECT * FROM t WHERE a = TRUE OR b = false", "SELECT * FROM t WHERE a = ? OR b = ?", true},
		{"mode 3 NULL is structure", 3, "SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a IS NULL", true},
		{"mode 3 IN list collapsed", 3, "SELECT * FROM t WHERE id IN (1, 2, 3) AND x IN ('a')", "SELECT * FROM t WHERE id IN (?) AND x IN (?)", true},
		{"mode 3 IN list of placeholders", 3, "SELECT * FROM t WHERE id IN (%s, %s, %s)", "SELECT * FROM t WHERE id IN (?)", true},
		{"mode 3 IN subquery kept", 3, "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE v IN (1,2))", "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE v IN (?))", true},
		{"mode 3 VALUES rows collapsed", 3, "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'),(3,'z')", "INSERT INTO t (a, b) VALUES (?, ?)", true},
		{"mode 3 different VALUES rows kept", 3, "INSERT INTO t VALUES (1, 2), (3, DEFAULT), (4, 5)", "INSERT INTO t VALUES (?, ?), (?, DEFAULT), (?, ?)", true},
		{"mode 3 placeholders kept", 3, "SELECT * FROM t WHERE a = %s AND b = %(name)s AND c = ? AND d = :id AND e = $1", "SELECT * FROM t WHERE a = %s AND b = %(name)s AND c = ? AND d = :id AND e = $1", true},
		{"mode 3 identifiers with digits kept", 3, `SELECT t1.col2, "Weird 1" FROM t1`, `SELECT t1.col2, "Weird 1" FROM t1`, true},
		{"mode 3 comments dropped", 3, "SELECT a -- id 5\nFROM t /* secret 'x' */ WHERE b = 1", "SELECT a FROM t WHERE b = ?", true},
		{"mode 3 dollar-quoted", 3, "SELECT $$secret$$, $tag$x$tag$", "SELECT ?, ?", true},
		{"mode 3 hex and bit strings", 3, "SELECT X'DEAD', B'101', N'nat', U&'d\\0061t'", "SELECT ?, ?, ?, ?", true},
		{"mode 3 unterminated string hides the rest", 3, "SELECT 'abc FROM secret", "SELECT ?", true},
		{"mode 3 casts", 3, "SELECT a::int FROM t WHERE b = '5'::text", "SELECT a::int FROM t WHERE b = ?::text", true},

		{"mode 4: \"aggregating only identical statements\"", 4, "  SELECT * FROM t WHERE id = 42 \n", "SELECT * FROM t WHERE id = 42", true},
		{"mode 4 empty", 4, " \t", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeSQL(tt.in, tt.mode)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeSQL(%q, %d) = %q, %v; want %q, %v", tt.in, tt.mode, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Statements that differ only in their literals share the mode 3 key.
func TestNormalizeSQLAggregatesSimilar(t *testing.T) {
	a, _ := NormalizeSQL("SELECT * FROM users WHERE name = 'bob' AND age > 30 AND id IN (1,2)", 3)
	b, _ := NormalizeSQL("SELECT *  FROM users WHERE name = 'alice'\nAND age > 41 AND id IN (7, 8, 9, 10)", 3)
	if a != b {
		t.Errorf("keys differ:\n%s\n%s", a, b)
	}
}

func BenchmarkNormalizeSQL(b *testing.B) {
	stmt := "SELECT u.id, u.name FROM users u JOIN orders o ON o.user_id = u.id WHERE u.name = 'bob' AND o.total > 100.5 AND o.state IN (1, 2, 3) ORDER BY o.created DESC LIMIT 50"
	for _, mode := range []int{2, 3, 4} {
		b.Run(map[int]string{2: "category", 3: "similar", 4: "identical"}[mode], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(stmt)))
			for b.Loop() {
				NormalizeSQL(stmt, mode)
			}
		})
	}
}
