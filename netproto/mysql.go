package netproto

import "encoding/binary"

// MySQL commands with SQL text or a statement id.
const (
	myQuery       = 0x03
	myStmtPrepare = 0x16
	myStmtExecute = 0x17
	myStmtClose   = 0x19
)

// IsMySQLGreeting tells whether a server's first bytes are a MySQL or
// MariaDB initial handshake (protocol version 10).
func IsMySQLGreeting(b []byte) bool {
	if len(b) < 6 {
		return false
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	return n > 0 && n < 1024 && b[3] == 0 && b[4] == 10
}

// MySQLConn follows the statements of one MySQL connection: COM_QUERY and
// prepared statements (COM_STMT_PREPARE, COM_STMT_EXECUTE). A statement
// ends at the first packet of the server's answer (its latency is the time
// to the first row or status, not to the last row).
type MySQLConn struct {
	client, server framer
	prepared       map[uint32]string
	preparing      string // the text of a COM_STMT_PREPARE awaiting its id
	pending        *Statement
}

func myHeader(b []byte) (int64, bool) {
	if len(b) < 4 {
		return 0, false
	}
	return 4 + (int64(b[0]) | int64(b[1])<<8 | int64(b[2])<<16), true
}

// Client feeds what the client wrote at time t.
func (c *MySQLConn) Client(data []byte, n int64, t int64) {
	if c.prepared == nil {
		c.prepared = map[uint32]string{}
	}
	c.client.feed(data, n, myHeader, func(m []byte) {
		if len(m) < 5 || m[3] != 0 {
			return // not a command (seq 0): the handshake response
		}
		body := m[5:]
		switch m[4] {
		case myQuery:
			c.pending = &Statement{Text: string(body), Start: t}
		case myStmtPrepare:
			c.preparing = string(body)
		case myStmtExecute:
			if len(body) >= 4 {
				if q := c.prepared[binary.LittleEndian.Uint32(body)]; q != "" {
					c.pending = &Statement{Text: q, Start: t}
				}
			}
		case myStmtClose:
			if len(body) >= 4 {
				delete(c.prepared, binary.LittleEndian.Uint32(body))
			}
		}
	})
}

// Server feeds what the server wrote, read by the client at time t; done
// is called for every statement answered.
func (c *MySQLConn) Server(data []byte, n int64, t int64, done func(Statement)) {
	c.server.feed(data, n, myHeader, func(m []byte) {
		if len(m) < 5 || m[3] != 1 {
			return // only the first packet of an answer
		}
		if c.preparing != "" {
			if m[4] == 0 && len(m) >= 9 {
				c.prepared[binary.LittleEndian.Uint32(m[5:])] = c.preparing
			}
			c.preparing = ""
			return
		}
		if c.pending != nil {
			st := *c.pending
			st.End, st.Failed = t, m[4] == 0xff
			c.pending = nil
			done(st)
		}
	})
}
