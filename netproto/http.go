package netproto

import (
	"bytes"
	"strconv"
)

// maxHead bounds the bytes of one message head kept while it is incomplete.
const maxHead = 16 << 10

// Head is an HTTP/1.x message head: a request's or a response's.
type Head struct {
	Request bool
	Method  string // request: GET, POST, ...
	Target  string // request: the request target (path and query)
	Status  int    // response: the status code
	Reason  string // response: the reason phrase
	Host    string // request: the Host header
	// Traceparent is the W3C traceparent header of a request.
	Traceparent string
	// Color is the X-Mercury-Diag-HTTP-Color header of a request.
	Color string
	// KeepAlive is false when the connection closes after the message.
	KeepAlive bool
}

// HTTPStream parses the HTTP/1.x messages of one direction of a
// connection. Its zero value parses requests; set Responses for the other
// direction.
type HTTPStream struct {
	// Responses: the stream carries responses, else requests.
	Responses bool
	// NoBody, for a response stream, is called before a response head is
	// reported to tell whether it answers a HEAD request (no body).
	NoBody func() bool

	buf    []byte
	skip   int64 // body bytes still to pass over
	resync bool  // the end of the last message is unknown
}

// Feed adds the data captured from one call that transferred n bytes
// (len(data) <= n) and calls emit for each complete head.
func (s *HTTPStream) Feed(data []byte, n int64, emit func(*Head)) {
	if n < int64(len(data)) {
		n = int64(len(data))
	}
	tail := n - int64(len(data)) // transferred but not captured
	for {
		if s.skip > 0 {
			if s.skip >= int64(len(data))+tail {
				s.skip -= int64(len(data)) + tail
				return
			}
			if s.skip > int64(len(data)) {
				// The next message starts in the uncaptured part.
				s.skip, s.resync = 0, true
				return
			}
			data = data[s.skip:]
			s.skip = 0
		}
		if len(data) == 0 {
			return
		}
		if s.resync || len(s.buf) == 0 {
			if !s.startsMessage(data) {
				if len(s.buf) == 0 {
					s.resync = true
				}
				return
			}
			s.resync = false
			s.buf = s.buf[:0]
		}
		s.buf = append(s.buf, data...)
		data = data[:0]
		end := bytes.Index(s.buf, []byte("\r\n\r\n"))
		if end < 0 {
			if tail > 0 || len(s.buf) > maxHead {
				s.buf, s.resync = s.buf[:0], true
			}
			return
		}
		h, bodyLen, known := s.parseHead(s.buf[:end+2])
		rest := s.buf[end+4:]
		if h != nil {
			emit(h)
		}
		switch {
		case h == nil || !known:
			s.buf, s.resync = s.buf[:0], true
			return
		case bodyLen >= int64(len(rest))+tail:
			s.skip = bodyLen - int64(len(rest)) - tail
			s.buf = s.buf[:0]
			return
		case bodyLen > int64(len(rest)):
			s.buf, s.resync = s.buf[:0], true
			return
		}
		// Another message (pipelined) follows in the same data.
		next := append([]byte(nil), rest[bodyLen:]...)
		s.buf = s.buf[:0]
		data = next
	}
}

// startsMessage tells whether data begins a request or response line.
func (s *HTTPStream) startsMessage(data []byte) bool {
	if s.Responses {
		return bytes.HasPrefix(data, []byte("HTTP/1.")) || (len(data) < 7 && bytes.HasPrefix([]byte("HTTP/1."), data))
	}
	return LooksLikeRequest(data)
}

// methods are the request methods recognised at the start of a message.
var methods = [...]string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT"}

// LooksLikeRequest tells whether data begins an HTTP/1.x request line.
func LooksLikeRequest(data []byte) bool {
	sp := bytes.IndexByte(data, ' ')
	if sp <= 0 {
		return false
	}
	for _, m := range methods {
		if string(data[:sp]) == m {
			return true
		}
	}
	return false
}

// parseHead parses a head (start line and headers, each ending in CRLF).
// It returns the head (nil if malformed), the length of the body that
// follows, and whether that length is known.
func (s *HTTPStream) parseHead(b []byte) (h *Head, bodyLen int64, known bool) {
	line, rest, _ := bytes.Cut(b, []byte("\r\n"))
	h = &Head{Request: !s.Responses}
	var version string
	if s.Responses {
		v, after, ok := bytes.Cut(line, []byte(" "))
		if !ok {
			return nil, 0, false
		}
		code, reason, _ := bytes.Cut(after, []byte(" "))
		st, err := strconv.Atoi(string(code))
		if err != nil || st < 100 || st > 999 {
			return nil, 0, false
		}
		version, h.Status, h.Reason = string(v), st, string(reason)
	} else {
		parts := bytes.Split(line, []byte(" "))
		if len(parts) != 3 {
			return nil, 0, false
		}
		h.Method, h.Target, version = string(parts[0]), string(parts[1]), string(parts[2])
	}
	if version != "HTTP/1.1" && version != "HTTP/1.0" {
		return nil, 0, false
	}
	h.KeepAlive = version == "HTTP/1.1"
	bodyLen, known = 0, true
	hasLength, chunked := false, false
	for len(rest) > 0 {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return h, 0, false
			}
			bodyLen, hasLength = n, true
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			switch {
			case bytes.EqualFold(value, []byte("close")):
				h.KeepAlive = false
			case bytes.EqualFold(value, []byte("keep-alive")):
				h.KeepAlive = true
			}
		case bytes.EqualFold(name, []byte("Host")):
			h.Host = string(value)
		case bytes.EqualFold(name, []byte("traceparent")):
			h.Traceparent = string(value)
		case bytes.EqualFold(name, []byte("X-Mercury-Diag-HTTP-Color")):
			h.Color = string(value)
		}
	}
	switch {
	case s.Responses && (h.Status < 200 || h.Status == 204 || h.Status == 304):
		return h, 0, true
	case s.Responses && s.NoBody != nil && s.NoBody():
		return h, 0, true
	case chunked:
		return h, 0, false
	case hasLength:
		return h, bodyLen, true
	case s.Responses:
		return h, 0, false // until the connection closes
	}
	return h, 0, true // a request without a body
}
