package netproto

import "encoding/binary"

// PostgreSQL protocol 3.0 startup codes.
const (
	pgProtocol3 = 196608
	pgSSLReq    = 80877103
	pgGSSReq    = 80877104
	pgCancelReq = 80877102
)

// IsPGStartup tells whether a client's first bytes are a PostgreSQL
// startup, SSL or GSS request.
func IsPGStartup(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	n := binary.BigEndian.Uint32(b)
	code := binary.BigEndian.Uint32(b[4:])
	return n >= 8 && n < 10000 && (code == pgProtocol3 || code == pgSSLReq || code == pgGSSReq || code == pgCancelReq)
}

// PGConn follows the statements of one PostgreSQL connection: simple
// queries (Q) and the extended protocol (Parse, Bind, Execute, Sync), each
// ending at the server's ReadyForQuery.
type PGConn struct {
	client, server framer
	started        bool              // the startup message was passed
	named          map[string]string // prepared statement name -> text
	portals        map[string]string // portal -> statement text
	pending        []Statement       // sent, not yet answered
	parsed         Statement         // the last Parse: reported if it fails
	failed         bool
}

func pgHeader(startup bool) func(b []byte) (int64, bool) {
	return func(b []byte) (int64, bool) {
		if startup {
			if len(b) < 4 {
				return 0, false
			}
			return int64(binary.BigEndian.Uint32(b)), true
		}
		if len(b) < 5 {
			return 0, false
		}
		return 1 + int64(binary.BigEndian.Uint32(b[1:])), true
	}
}

// Client feeds what the client wrote at time t.
func (c *PGConn) Client(data []byte, n int64, t int64) {
	if c.named == nil {
		c.named, c.portals = map[string]string{}, map[string]string{}
	}
	for {
		if !c.started {
			// Startup, SSL and GSS requests have no type byte.
			if !IsPGStartup(data) {
				c.started = true
				break
			}
			l := int(binary.BigEndian.Uint32(data))
			if l > len(data) {
				c.started = true
				return
			}
			code := binary.BigEndian.Uint32(data[4:])
			data, n = data[l:], n-int64(l)
			if code == pgProtocol3 {
				c.started = true
			}
			if len(data) == 0 {
				return
			}
			continue
		}
		break
	}
	c.client.feed(data, n, pgHeader(false), func(m []byte) {
		if len(m) < 5 {
			return
		}
		body := m[5:]
		switch m[0] {
		case 'Q':
			q, _ := cstring(body)
			c.pending = append(c.pending, Statement{Text: q, Start: t})
		case 'P':
			name, rest := cstring(body)
			q, _ := cstring(rest)
			c.named[name] = q
			c.parsed = Statement{Text: q, Start: t}
		case 'B':
			portal, rest := cstring(body)
			stmt, _ := cstring(rest)
			c.portals[portal] = c.named[stmt]
		case 'E':
			portal, _ := cstring(body)
			if q := c.portals[portal]; q != "" {
				c.pending = append(c.pending, Statement{Text: q, Start: t})
			}
		}
	})
}

// Server feeds what the server wrote, read by the client at time t; done
// is called for every statement answered.
func (c *PGConn) Server(data []byte, n int64, t int64, done func(Statement)) {
	if len(data) == 1 && n == 1 && (data[0] == 'N' || data[0] == 'S' || data[0] == 'G') {
		return // the answer to an SSL or GSS request
	}
	c.server.feed(data, n, pgHeader(false), func(m []byte) {
		switch m[0] {
		case 'E':
			c.failed = true
		case 'Z':
			for _, st := range c.pending {
				st.End, st.Failed = t, c.failed
				done(st)
			}
			if len(c.pending) == 0 && c.failed && c.parsed.Text != "" {
				// The statement failed to parse: it never ran.
				st := c.parsed
				st.End, st.Failed = t, true
				done(st)
			}
			c.pending, c.failed, c.parsed = c.pending[:0], false, Statement{}
		}
	})
}
