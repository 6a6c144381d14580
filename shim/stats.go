package shim

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"net"
	"sort"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// Stats is what the shim engine saw of the launched command.
type Stats struct {
	// Processes is the number of interpreters traced (fork children count).
	Processes int
	// Connected: at least one interpreter loaded the shim, traced or
	// refused. False means no Python of the command read PYTHONPATH:
	// not Python at all, or run with -E, -I or -S.
	Connected bool
	// Refused are the interpreters the shim cannot trace; each ended with
	// status 3 before its main module ran.
	Refused []Refusal
	// LostAtExit are traced processes that ended without saying goodbye
	// (os._exit, a signal, a crash): their events of the last batch
	// interval are lost.
	LostAtExit []Lost
	// Running are the pids of traced processes still connected when Wait
	// gave up (daemons the command left behind).
	Running []int32
	// Failures are internal errors shims reported; tracing stopped in
	// those processes while they ran on.
	Failures []Failure
	// Events is the number of events handed to the Sink.
	Events uint64
	// Dropped is the number of events shims dropped because their queue
	// was full.
	Dropped uint64
	// Invalid counts records naming a code id that was never matched.
	Invalid uint64
}

// Refusal is an interpreter the shim cannot trace.
type Refusal struct {
	PID        int32
	Python     string // version, e.g. "3.7.16"
	Executable string
	Reason     string // one line naming the interpreter and the fix
}

// Lost is a traced process that ended without a goodbye.
type Lost struct {
	PID    int32
	Reason string
}

// Failure is an internal error of a shim.
type Failure struct {
	PID       int32
	Message   string
	Traceback string
}

// Wait is called once the launched command has exited. It waits, at most
// timeout, until every connection made so far said goodbye or closed, and
// returns what the engine saw. Connections still queued in the listener's
// backlog are accepted first, so none made before the command exited is
// missed.
func (s *Server) Wait(timeout time.Duration) Stats {
	deadline := time.Now().Add(timeout)
	s.drainBacklog(deadline)
	for {
		s.mu.Lock()
		open := 0
		for cn := range s.conns {
			if cn.state != stateOther && !cn.goodbye {
				open++
			}
		}
		ch := s.changed
		s.mu.Unlock()
		left := time.Until(deadline)
		if open == 0 || left <= 0 {
			break
		}
		timer := time.NewTimer(left)
		select {
		case <-ch:
		case <-s.closed:
		case <-timer.C:
		}
		timer.Stop()
	}
	return s.snapshot()
}

// drainBacklog connects to the Server itself and waits until that
// connection is accepted: the backlog is first in, first out, so every
// connection made before has been accepted (and registered) by then.
func (s *Server) drainBacklog(deadline time.Time) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return
	}
	key := hex.EncodeToString(nonce)
	arrived := make(chan struct{})
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return
	}
	s.sentinel[key] = arrived
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.sentinel, key)
		s.mu.Unlock()
	}()
	c, err := net.DialTimeout("tcp", s.ln.Addr().String(), time.Until(deadline))
	if err != nil {
		s.log.WithError(err).Debug("shim: cannot reach the listener to drain it")
		return
	}
	defer c.Close()
	w := bufio.NewWriter(c)
	if writeFrame(w, frameSentinel, []byte(key)) != nil || w.Flush() != nil {
		return
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-arrived:
	case <-timer.C:
	case <-s.closed:
	}
}

func (s *Server) sentinelArrived(key []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.sentinel[string(key)]; ok {
		close(ch)
		delete(s.sentinel, string(key))
	}
}

// snapshot copies the stats, with the processes still connected.
func (s *Server) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Events, st.Invalid = s.events.Load(), s.invalid.Load()
	st.Refused = append([]Refusal(nil), st.Refused...)
	st.LostAtExit = append([]Lost(nil), st.LostAtExit...)
	st.Failures = append([]Failure(nil), st.Failures...)
	st.Running = nil
	for cn := range s.conns {
		if cn.state == stateTraced && !cn.goodbye {
			st.Running = append(st.Running, cn.pid)
		}
	}
	sort.Slice(st.Running, func(i, j int) bool { return st.Running[i] < st.Running[j] })
	return st
}

// traced records an accepted interpreter and tells the Sink.
func (s *Server) traced(cn *conn, h *hello) {
	s.opts.Sink.SetProcess(h.PID, pipeline.ProcessInfo{
		Python:     h.version(),
		Executable: h.Executable,
		Argv:       h.Argv,
		Parent:     h.Parent,
	})
	s.mu.Lock()
	cn.state, cn.pid = stateTraced, h.PID
	s.stats.Processes++
	s.stats.Connected = true
	s.notifyLocked()
	s.mu.Unlock()
	s.log.WithFields(logrus.Fields{"pid": h.PID, "python": h.version(), "parent": h.Parent}).Debug("shim: tracing a process")
}

func (s *Server) refused(cn *conn, h *hello, reason string) {
	s.mu.Lock()
	cn.state, cn.pid = stateRefused, h.PID
	s.stats.Connected = true
	s.stats.Refused = append(s.stats.Refused, Refusal{
		PID: h.PID, Python: h.version(), Executable: h.Executable, Reason: reason,
	})
	s.notifyLocked()
	s.mu.Unlock()
}

func (s *Server) sayGoodbye(cn *conn) {
	s.mu.Lock()
	cn.goodbye = true
	s.notifyLocked()
	s.mu.Unlock()
}

func (s *Server) failed(cn *conn, e shimError) {
	s.mu.Lock()
	cn.disabled = cn.disabled || e.Disabled
	s.stats.Failures = append(s.stats.Failures, Failure{PID: cn.pid, Message: e.Message, Traceback: e.Traceback})
	s.mu.Unlock()
	s.log.WithFields(logrus.Fields{"pid": cn.pid, "traceback": e.Traceback}).Warnf("shim: %s; tracing stopped in that process", e.Message)
}

func (s *Server) addDropped(n uint64) {
	s.mu.Lock()
	s.stats.Dropped += n
	s.mu.Unlock()
}

// finish ends a connection: a traced process that closed without goodbye
// is lost.
func (cn *conn) finish() {
	cn.c.Close()
	s := cn.s
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, cn)
	if cn.state == stateTraced && !cn.goodbye && !cn.disabled {
		s.stats.LostAtExit = append(s.stats.LostAtExit, Lost{
			PID:    cn.pid,
			Reason: "ended without saying goodbye (os._exit, a signal or a crash): the events of its last batch interval are lost",
		})
	}
	if cn.state == stateNew {
		cn.state = stateOther
	}
	s.notifyLocked()
}
