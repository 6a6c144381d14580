package shim

import (
	"bufio"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
)

// connState is what a connection turned out to be.
type connState uint8

const (
	stateNew     connState = iota // accepted, no hello yet
	stateTraced                   // a traced interpreter
	stateRefused                  // an interpreter the shim cannot trace
	stateOther                    // the Server's sentinel, or a stranger
)

// conn is one shim's connection. The fields below s.mu are read by Wait;
// the rest belong to the serving goroutine.
type conn struct {
	s *Server
	c net.Conn

	// Guarded by s.mu.
	state    connState
	pid      int32
	goodbye  bool
	disabled bool

	log     logrus.FieldLogger
	order   binary.ByteOrder
	methods []*matcher.Method // by code id
	values  map[uint64]string // captured values not yet claimed by a record
	// matcher is the Server's, or the Server's With the points this
	// process created in code (api).
	matcher *matcher.Matcher
	api     []*conf.Point
}

// verdictQ asks for a code object's verdict.
type verdictQ struct {
	ID     uint64 `json:"id"`
	File   string `json:"file"`
	Qual   string `json:"qual"`
	Name   string `json:"name"`
	Line   int    `json:"line"`
	Module string `json:"module"`
	Body   bool   `json:"body"` // a class or module body
}

// verdictA is the answer: matched or not, and what to capture on Enter.
type verdictA struct {
	ID    uint64 `json:"id"`
	Match bool   `json:"match"`
	// Args are the args:n indexes, -1 for args:name, in the point's order.
	Args []int `json:"args,omitempty"`
	// IsMethod: the code is a method (its verdict has a class), so args:n
	// skips the instance or class argument.
	IsMethod bool `json:"method,omitempty"`
	// Module replaces args:name's doc string when the function has none.
	Module string `json:"module,omitempty"`
	// Before and After name the point's custom code (before:code,
	// after:code); Inbound and Outbound are its detail flags, which tell
	// the custom code's diag_arg where it goes.
	Point    string `json:"point,omitempty"` // the point's name, for messages
	Before   string `json:"before,omitempty"`
	After    string `json:"after,omitempty"`
	Inbound  bool   `json:"inbound,omitempty"`
	Outbound bool   `json:"outbound,omitempty"`
}

// shimError is an internal failure a shim reports.
type shimError struct {
	Message   string `json:"message"`
	Traceback string `json:"traceback"`
	Disabled  bool   `json:"disabled"`
}

// maxCodeIDs bounds the code ids of one process: far more than the code
// objects of any application.
const maxCodeIDs = 1 << 24

func (cn *conn) serve() {
	defer cn.s.wg.Done()
	defer cn.finish()
	cn.log = cn.s.log.WithField("remote", cn.c.RemoteAddr().String())
	r := bufio.NewReaderSize(cn.c, 256<<10)
	if cn.handshake(r) {
		cn.loop(r)
	}
}

// handshake reads the first frame and answers a hello; it reports whether
// the connection is a traced interpreter's.
func (cn *conn) handshake(r *bufio.Reader) bool {
	_ = cn.c.SetReadDeadline(time.Now().Add(helloTimeout))
	kind, payload, _, err := readFrame(r, nil)
	if err != nil {
		cn.log.WithError(err).Debug("shim connection closed before its hello")
		return false
	}
	switch kind {
	case frameSentinel:
		cn.s.sentinelArrived(payload)
		return false
	case frameHello:
	default:
		cn.log.Warnf("shim connection: first frame %#x is not a hello; closed", kind)
		return false
	}
	var h hello
	if err := json.Unmarshal(payload, &h); err != nil {
		cn.log.WithError(err).Warn("shim connection: unreadable hello; closed")
		return false
	}
	if subtle.ConstantTimeCompare([]byte(h.Token), []byte(cn.s.token)) != 1 {
		cn.log.Warn("shim connection with a wrong token; closed")
		return false
	}
	cn.log = cn.log.WithField("pid", h.PID)
	if reason := h.refusal(); reason != "" {
		cn.refuse(r, &h, reason)
		return false
	}
	if err := writeJSON(cn.c, frameWelcome, cn.s.welcome); err != nil {
		cn.log.WithError(err).Warn("shim connection: cannot answer the hello")
		return false
	}
	cn.order, _ = h.byteOrder()
	cn.values = make(map[uint64]string)
	cn.matcher = cn.s.opts.Matcher
	cn.s.traced(cn, &h)
	_ = cn.c.SetReadDeadline(time.Time{})
	return true
}

// loop handles a traced interpreter's frames until it closes.
func (cn *conn) loop(r *bufio.Reader) {
	var buf []byte
	for {
		kind, payload, next, err := readFrame(r, buf)
		buf = next
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				cn.log.WithError(err).Debug("shim connection ended")
			}
			return
		}
		if err := cn.handle(kind, payload); err != nil {
			cn.log.WithError(err).Warn("shim connection: protocol error; closed (the process runs on untraced)")
			return
		}
	}
}

// refuse answers an interpreter the shim cannot trace; its bootstrap ends
// the process with status 3.
func (cn *conn) refuse(r *bufio.Reader, h *hello, reason string) {
	cn.s.refused(cn, h, reason)
	if err := writeJSON(cn.c, frameWelcome, welcome{Refuse: reason}); err != nil {
		cn.log.WithError(err).Warn("shim connection: cannot send the refusal")
		return
	}
	// Wait (bounded) until the process has gone.
	_ = cn.c.SetReadDeadline(time.Now().Add(helloTimeout))
	_, _ = io.Copy(io.Discard, r)
}

func (cn *conn) handle(kind byte, payload []byte) error {
	switch kind {
	case frameVerdictQ:
		return cn.verdict(payload)
	case frameBatch:
		return cn.batch(payload)
	case frameGoodbye:
		cn.s.sayGoodbye(cn)
		return nil
	case framePoints:
		return cn.points(payload)
	case frameLog:
		return cn.logMessage(payload)
	case frameError:
		var e shimError
		if err := json.Unmarshal(payload, &e); err != nil {
			return fmt.Errorf("unreadable error report: %w", err)
		}
		cn.s.failed(cn, e)
		return nil
	}
	return fmt.Errorf("unknown frame type %#x", kind)
}

func (cn *conn) verdict(payload []byte) error {
	var q verdictQ
	if err := json.Unmarshal(payload, &q); err != nil {
		return fmt.Errorf("unreadable verdict question: %w", err)
	}
	if q.ID == 0 || q.ID > maxCodeIDs {
		return fmt.Errorf("code id %d out of range", q.ID)
	}
	m := cn.matcher.Match(matcher.CodeInfo{
		Filename:   q.File,
		Qualname:   q.Qual,
		Name:       q.Name,
		FirstLine:  q.Line,
		ModuleHint: q.Module,
		Body:       q.Body,
	})
	for uint64(len(cn.methods)) <= q.ID {
		cn.methods = append(cn.methods, nil)
	}
	cn.methods[q.ID] = m
	a := verdictA{ID: q.ID}
	if m != nil {
		a.Match = true
		a.IsMethod = m.Class != ""
		a.Module = m.Module
		if m.Point != nil {
			d := &m.Point.Detail
			a.Before, a.After, a.Inbound, a.Outbound = d.BeforeCode, d.AfterCode, d.Inbound, d.Outbound
			if a.Before != "" || a.After != "" {
				a.Point = m.Point.Name
			}
			for _, spec := range m.Point.Detail.Args {
				if spec.Name {
					a.Args = append(a.Args, -1)
				} else {
					a.Args = append(a.Args, spec.Index)
				}
			}
		}
		cn.log.WithFields(logrus.Fields{"method": m.String(), "file": q.File, "line": q.Line}).Debug("shim: code matched")
	}
	return writeJSON(cn.c, frameVerdict, a)
}
