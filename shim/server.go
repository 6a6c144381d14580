package shim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// Sink receives what the shims report: the pipeline's engine-facing side.
type Sink = pipeline.Sink

// Defaults of Options.
const (
	DefaultBatchInterval = 50 * time.Millisecond
	DefaultMaxQueued     = 1_000_000
	DefaultMaxValueLen   = 512
)

// helloTimeout bounds how long an accepted connection may stay silent
// before its hello.
const helloTimeout = 30 * time.Second

// Options configure a Server.
type Options struct {
	Matcher *matcher.Matcher // required: the verdicts
	Sink    Sink             // required: where events go
	Log     logrus.FieldLogger
	// Points are the points Matcher was built from, optional. The shims use
	// their method patterns to skip asking for code whose name no point can
	// select; without them every code object a process runs is asked about
	// once (a loopback round trip each).
	Points []*conf.Point
	// TraceShimThreads traces the shim's own code and thread too
	// (probe.conf instrument_pyprobe_threads).
	TraceShimThreads bool
	// BatchInterval is how often a shim ships its queue (0: 50ms).
	BatchInterval time.Duration
	// MaxQueued bounds a shim's queue, in records; past it records are
	// dropped and counted (0: 1,000,000).
	MaxQueued int
	// MaxValueLen cuts captured argument values, in characters (0: 512).
	MaxValueLen int
	// TempDir is where the Python files are extracted ("": the system's
	// temporary directory).
	TempDir string
	// ManualInstrument is probe.conf auto_instrument = false: the shims
	// trace nothing until the application calls pyprobe.instrument().
	ManualInstrument bool
	// InstrumentLoadedModules is probe.conf instrument_loaded_modules: a
	// shim started by pyprobe.init() also traces code of the modules that
	// were imported before init() (a launched one starts before them all).
	InstrumentLoadedModules bool
	// ErrorOnDuplicateLocation is probe.conf error_on_duplicate_location:
	// a pyprobe point for a location that already has one raises ValueError
	// in the application instead of a warning in the log.
	ErrorOnDuplicateLocation bool
	// CustomCodeDir is the directory of the points' custom code
	// (before:code / after:code): the custom_code directory of the
	// configuration directory.
	CustomCodeDir string
	// Token authenticates the shims ("": a new random one). A collector
	// started by pyprobe.init() is given the token its shim will send.
	Token string
}

// Server is the tracer's end of the shim engine: it accepts the shims'
// connections, answers their hellos and verdict questions and feeds their
// events to the Sink.
type Server struct {
	opts    Options
	log     logrus.FieldLogger
	dir     string
	ln      *net.TCPListener
	token   string
	welcome welcome

	mu       sync.Mutex
	conns    map[*conn]struct{}
	changed  chan struct{} // closed and replaced on every change of conns
	sentinel map[string]chan struct{}
	stats    Stats
	closing  bool

	events  atomic.Uint64 // delivered to the Sink
	invalid atomic.Uint64 // records of code ids never matched

	wg        sync.WaitGroup
	closed    chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Start extracts the Python half into a private temporary directory and
// listens on 127.0.0.1 with a fresh random token. When ctx ends the Server
// closes itself.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Matcher == nil || opts.Sink == nil {
		return nil, errors.New("shim: Options.Matcher and Options.Sink are required")
	}
	s := &Server{
		opts:     opts,
		log:      opts.Log,
		conns:    make(map[*conn]struct{}),
		changed:  make(chan struct{}),
		sentinel: make(map[string]chan struct{}),
		closed:   make(chan struct{}),
	}
	if s.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		s.log = l
	}
	s.welcome = newWelcome(opts)
	s.token = opts.Token
	if s.token == "" {
		token := make([]byte, 16)
		if _, err := rand.Read(token); err != nil {
			return nil, fmt.Errorf("shim: making a token: %w", err)
		}
		s.token = hex.EncodeToString(token)
	}
	dir, err := extract(opts.TempDir)
	if err != nil {
		return nil, fmt.Errorf("shim: %w", err)
	}
	s.dir = dir
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("shim: listening on 127.0.0.1: %w", err)
	}
	s.ln = ln
	s.log.WithFields(logrus.Fields{"addr": ln.Addr(), "dir": dir}).Debug("shim engine listening")
	s.wg.Add(1)
	go s.acceptLoop()
	if ctx != nil && ctx.Done() != nil {
		go func() {
			select {
			case <-ctx.Done():
				s.Close()
			case <-s.closed:
			}
		}()
	}
	return s, nil
}

func newWelcome(opts Options) welcome {
	w := welcome{
		OK:         true,
		IntervalMS: opts.BatchInterval.Milliseconds(),
		MaxRecords: opts.MaxQueued,
		MaxValue:   opts.MaxValueLen,
		TraceShim:  opts.TraceShimThreads,

		AutoInstrument:          !opts.ManualInstrument,
		InstrumentLoadedModules: opts.InstrumentLoadedModules,
		ErrorOnDuplicate:        opts.ErrorOnDuplicateLocation,
		CustomCodeDir:           opts.CustomCodeDir,
	}
	if w.IntervalMS <= 0 {
		w.IntervalMS = DefaultBatchInterval.Milliseconds()
	}
	if w.MaxRecords <= 0 {
		w.MaxRecords = DefaultMaxQueued
	}
	if w.MaxValue <= 0 {
		w.MaxValue = DefaultMaxValueLen
	}
	if opts.Points != nil {
		w.Methods = []string{}
		for _, p := range opts.Points {
			if p != nil && p.Module != nil && p.Method != nil {
				w.Methods = append(w.Methods, p.Method.String())
			}
		}
	}
	return w
}

// Dir is the directory holding the extracted Python files.
func (s *Server) Dir() string { return s.dir }

// Addr is the address the Server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Token is the secret a shim's hello must carry.
func (s *Server) Token() string { return s.token }

// Traced returns how many interpreters were traced so far and how many of
// them are still connected without having said goodbye.
func (s *Server) Traced() (traced, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for cn := range s.conns {
		if cn.state == stateTraced && !cn.goodbye {
			open++
		}
	}
	return s.stats.Processes, open
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.closed:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			s.log.WithError(err).Warn("shim engine: accepting connections failed; no more processes can be traced")
			return
		}
		cn := &conn{s: s, c: c}
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			c.Close()
			continue
		}
		s.conns[cn] = struct{}{}
		s.notifyLocked()
		s.mu.Unlock()
		s.wg.Add(1)
		go cn.serve()
	}
}

// notifyLocked wakes Wait; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Close stops listening, closes the connections still open (their shims
// stop tracing; the processes run on) and removes the extracted files.
// It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closing = true
		for cn := range s.conns {
			cn.c.Close()
		}
		s.mu.Unlock()
		close(s.closed)
		err := s.ln.Close()
		s.wg.Wait()
		if rmErr := os.RemoveAll(s.dir); rmErr != nil && err == nil {
			err = rmErr
		}
		if err != nil && !errors.Is(err, net.ErrClosed) {
			s.closeErr = fmt.Errorf("shim: closing: %w", err)
		}
	})
	return s.closeErr
}
