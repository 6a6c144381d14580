package netproto

import (
	"encoding/binary"
	"reflect"
	"testing"
)

func pgMsg(typ byte, parts ...string) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
		body = append(body, 0)
	}
	b := []byte{typ, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(4+len(body)))
	return append(b, body...)
}

func pgStartup() []byte {
	body := []byte("user\x00u\x00\x00")
	b := make([]byte, 8)
	binary.BigEndian.PutUint32(b, uint32(8+len(body)))
	binary.BigEndian.PutUint32(b[4:], pgProtocol3)
	return append(b, body...)
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// step is one call on a connection: by the client (write) or the server.
type step struct {
	client bool
	data   []byte
	t      int64
}

func TestPGConn(t *testing.T) {
	ready := pgMsg('Z', "I")
	q := pgMsg('Q', "SELECT 1")
	tests := []struct {
		name  string
		steps []step
		want  []Statement
	}{
		{"simple query", []step{
			{true, pgStartup(), 1}, {false, cat(pgMsg('R', ""), ready), 2},
			{true, q, 10}, {false, cat(pgMsg('T', ""), pgMsg('D', ""), pgMsg('C', "SELECT 1"), ready), 15},
		}, []Statement{{Text: "SELECT 1", Start: 10, End: 15}}},
		{"split answer", []step{
			{true, q, 10}, {false, pgMsg('C', "SELECT 1")[:3], 12}, {false, cat(pgMsg('C', "SELECT 1")[3:], ready[:2]), 13}, {false, ready[2:], 14},
		}, []Statement{{Text: "SELECT 1", Start: 10, End: 14}}},
		{"error", []step{
			{true, pgMsg('Q', "SELEC"), 1}, {false, cat(pgMsg('E', "Mbad"), ready), 3},
		}, []Statement{{Text: "SELEC", Start: 1, End: 3, Failed: true}}},
		{"extended", []step{
			{true, cat(pgMsg('P', "s1", "SELECT $1"), pgMsg('B', "", "s1"), pgMsg('E', ""), pgMsg('S')), 5},
			{false, cat(pgMsg('1'), pgMsg('2'), pgMsg('C', "SELECT 1"), ready), 9},
			{true, cat(pgMsg('B', "", "s1"), pgMsg('E', ""), pgMsg('S')), 20},
			{false, cat(pgMsg('2'), pgMsg('C', "SELECT 1"), ready), 22},
		}, []Statement{{Text: "SELECT $1", Start: 5, End: 9}, {Text: "SELECT $1", Start: 20, End: 22}}},
		{"parse error", []step{
			{true, cat(pgMsg('P', "", "SELECT * FROM nope"), pgMsg('D', "S"), pgMsg('S')), 3},
			{false, cat(pgMsg('E', "Mno such table"), ready), 4},
		}, []Statement{{Text: "SELECT * FROM nope", Start: 3, End: 4, Failed: true}}},
		{"ssl refused", []step{
			{true, []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}, 1}, {false, []byte("N"), 2},
			{true, cat(pgStartup()), 3}, {false, ready, 4}, {true, q, 5}, {false, ready, 6},
		}, []Statement{{Text: "SELECT 1", Start: 5, End: 6}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c PGConn
			var got []Statement
			for _, s := range tt.steps {
				if s.client {
					c.Client(s.data, int64(len(s.data)), s.t)
				} else {
					c.Server(s.data, int64(len(s.data)), s.t, func(st Statement) { got = append(got, st) })
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func myPkt(seq byte, body ...byte) []byte {
	n := len(body)
	return append([]byte{byte(n), byte(n >> 8), byte(n >> 16), seq}, body...)
}

func TestMySQLConn(t *testing.T) {
	greeting := myPkt(0, append([]byte{10}, "8.0.0\x00"...)...)
	query := myPkt(0, append([]byte{myQuery}, "SELECT * FROM t WHERE id=1"...)...)
	prep := myPkt(0, append([]byte{myStmtPrepare}, "SELECT ?"...)...)
	prepOK := myPkt(1, 0, 7, 0, 0, 0, 1, 0, 1, 0)
	exec := myPkt(0, myStmtExecute, 7, 0, 0, 0, 0, 1, 0, 0, 0)
	tests := []struct {
		name  string
		steps []step
		want  []Statement
	}{
		{"query", []step{
			{false, greeting, 1}, {true, myPkt(1, 1, 2, 3), 2}, {false, myPkt(2, 0, 0, 0), 3},
			{true, query, 10}, {false, cat(myPkt(1, 1), myPkt(2, 3)), 12},
		}, []Statement{{Text: "SELECT * FROM t WHERE id=1", Start: 10, End: 12}}},
		{"error", []step{{true, query, 1}, {false, myPkt(1, 0xff, 1, 2), 2}}, []Statement{{Text: "SELECT * FROM t WHERE id=1", Start: 1, End: 2, Failed: true}}},
		{"prepared", []step{{true, prep, 1}, {false, prepOK, 2}, {true, exec, 5}, {false, myPkt(1, 1), 8}}, []Statement{{Text: "SELECT ?", Start: 5, End: 8}}},
		{"split query", []step{{true, query[:6], 1}, {true, query[6:], 2}, {false, myPkt(1, 0), 3}}, []Statement{{Text: "SELECT * FROM t WHERE id=1", Start: 2, End: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c MySQLConn
			var got []Statement
			for _, s := range tt.steps {
				if s.client {
					c.Client(s.data, int64(len(s.data)), s.t)
				} else {
					c.Server(s.data, int64(len(s.data)), s.t, func(st Statement) { got = append(got, st) })
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if !IsMySQLGreeting(greeting) || IsMySQLGreeting(query) {
		t.Error("IsMySQLGreeting")
	}
}
