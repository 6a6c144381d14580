package probehttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// Options configure the server.
type Options struct {
	// Address and Port to listen on ([Probe] httpserver_address and
	// httpserver_port); port 0 picks a free one (tests).
	Address string
	Port    int
	// Username and Password are [Probe] username and password (encoded by
	// encode-password). An empty password makes a random one for the run,
	// logged once at warning level.
	Username, Password string
	// ConfigFile names probe.conf in error messages.
	ConfigFile string
	// Snapshot returns the live report (with the mediator and system
	// metrics parts filled by the caller).
	Snapshot func() *pipeline.Report
	Log      logrus.FieldLogger
}

// Server is the probe's HTTP server.
type Server struct {
	srv   *http.Server
	ln    net.Listener
	auth  *authenticator
	snap  func() *pipeline.Report
	start time.Time
	done  chan struct{}
}

// Start listens and serves until Close.
func Start(opts Options) (*Server, error) {
	log := opts.Log
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	where := opts.ConfigFile
	if where == "" {
		where = "probe.conf"
	}
	encoded := opts.Password
	if encoded == "" {
		plain, enc, err := randomPassword()
		if err != nil {
			return nil, fmt.Errorf("probe HTTP server: %w", err)
		}
		encoded = enc
		user := opts.Username
		if user == "" {
			user = DefaultUsername
		}
		log.Warnf("probe HTTP server: %s sets no [Probe] password; this run's is %s (user %s); set one with hpdiag-trace encode-password", where, plain, user)
	} else if err := conf.ValidPassword(encoded); err != nil {
		return nil, fmt.Errorf("%s: [Probe] password: %v", where, err)
	}
	addr := net.JoinHostPort(opts.Address, strconv.Itoa(opts.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: [Probe] httpserver_port %d: cannot listen on %s: %v; choose a free port", where, opts.Port, addr, err)
	}
	s := &Server{
		ln:    ln,
		auth:  newAuthenticator(opts.Username, encoded),
		snap:  opts.Snapshot,
		start: time.Now(),
		done:  make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.HandleFunc("GET /status", s.status)
	mux.HandleFunc("GET /api/report", s.report)
	s.srv = &http.Server{
		Handler:           s.authenticated(mux),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warnf("probe HTTP server stopped: %v", err)
		}
	}()
	log.Debugf("probe HTTP server on http://%s", ln.Addr())
	return s, nil
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops the server within ctx.
func (s *Server) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	<-s.done
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("closing the probe HTTP server: %w", err)
	}
	return nil
}

func (s *Server) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.auth.ok(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="hpdiag-trace", charset="UTF-8"`)
			http.Error(w, "401 unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Status is what /status answers.
type Status struct {
	ProbeID        string                   `json:"probe_id"`
	Engine         string                   `json:"engine"`
	PIDs           []int32                  `json:"pids"`
	UptimeS        float64                  `json:"uptime_s"`
	Events         uint64                   `json:"events"`
	Fragments      uint64                   `json:"fragments"`
	DroppedEvents  uint64                   `json:"dropped_events"`
	UnmatchedExits uint64                   `json:"unmatched_exits"`
	Mediator       *pipeline.MediatorReport `json:"mediator,omitempty"`
}

func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	r := s.snap()
	st := Status{
		ProbeID: r.Probe.ID, Engine: r.Probe.Engine, PIDs: r.Probe.PIDs,
		UptimeS: time.Since(s.start).Seconds(), Events: r.Events, Fragments: r.Fragments,
		DroppedEvents: r.DroppedEvents, UnmatchedExits: r.UnmatchedExits, Mediator: r.Mediator,
	}
	writeJSON(w, st)
}

func (s *Server) report(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = s.snap().WriteJSON(w)
}

func (s *Server) metrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_ = WritePrometheus(w, s.snap(), time.Since(s.start))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
