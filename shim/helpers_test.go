package shim

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
	"github.com/hpdiag/hpdiag-trace/pyre"
)

// supportedPythons are the interpreters the shim traces, where installed.
func supportedPythons(t *testing.T) []string {
	t.Helper()
	var found []string
	for _, minor := range []string{"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"} {
		m, _ := filepath.Glob("/root/.pyenv/versions/" + minor + "*/bin/python3")
		found = append(found, m...)
	}
	if _, err := os.Stat("/usr/bin/python3.11"); err == nil {
		found = append(found, "/usr/bin/python3.11")
	}
	if len(found) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Python 3.8-3.13 interpreter found, and CI=true")
		}
		t.Skip("no Python 3.8-3.13 interpreter found")
	}
	return found
}

// refusedPythons are installed interpreters the shim must refuse.
func refusedPythons() []string {
	var found []string
	for _, pattern := range []string{
		"/root/.pyenv/versions/2.7*/bin/python", "/root/.pyenv/versions/3.6*/bin/python3",
		"/root/.pyenv/versions/3.7*/bin/python3",
	} {
		m, _ := filepath.Glob(pattern)
		found = append(found, m...)
	}
	return found
}

// pyName is a subtest name for an interpreter path.
func pyName(py string) string {
	return strings.TrimSuffix(strings.TrimPrefix(py, "/root/.pyenv/versions/"), "/bin/python3")
}

// recSink records what a Server delivers.
type recSink struct {
	mu      sync.Mutex
	events  []pipeline.Event
	dropped uint64
	procs   map[int32]pipeline.ProcessInfo
}

func newRecSink() *recSink { return &recSink{procs: map[int32]pipeline.ProcessInfo{}} }

func (r *recSink) NewBatch() []pipeline.Event { return make([]pipeline.Event, 0, 64) }

func (r *recSink) Submit(b []pipeline.Event) {
	r.mu.Lock()
	r.events = append(r.events, b...)
	r.mu.Unlock()
}

func (r *recSink) AddDropped(n uint64) {
	r.mu.Lock()
	r.dropped += n
	r.mu.Unlock()
}

func (r *recSink) SetProcess(pid int32, info pipeline.ProcessInfo) {
	r.mu.Lock()
	r.procs[pid] = info
	r.mu.Unlock()
}

func (r *recSink) snapshot() ([]pipeline.Event, map[int32]pipeline.ProcessInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	procs := make(map[int32]pipeline.ProcessInfo, len(r.procs))
	for k, v := range r.procs {
		procs[k] = v
	}
	return append([]pipeline.Event(nil), r.events...), procs
}

// point builds a point the way conf would.
func point(name, module, class, method string, args ...conf.ArgSpec) *conf.Point {
	p := &conf.Point{
		Name:   name,
		Module: pyre.MustCompile(module),
		Method: pyre.MustCompile(method),
		Layer:  name,
		Detail: conf.Detail{Args: args},
	}
	if class != "" {
		p.Class = pyre.MustCompile(class)
	}
	return p
}

func argN(n int) conf.ArgSpec { return conf.ArgSpec{Index: n} }
func argName() conf.ArgSpec   { return conf.ArgSpec{Index: -1, Name: true} }
func testLog(t *testing.T) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(testWriter{t})
	l.SetLevel(logrus.WarnLevel)
	return l
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// startServer starts a Server for points, closed when the test ends.
func startServer(t *testing.T, points []*conf.Point, mod func(*Options)) (*Server, *recSink) {
	t.Helper()
	sink := newRecSink()
	opts := Options{
		Matcher: matcher.New(points, matcher.Options{}),
		Sink:    sink,
		Log:     testLog(t),
		Points:  points,
	}
	if mod != nil {
		mod(&opts)
	}
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, sink
}

// result is how a command ended.
type result struct {
	stdout, stderr string
	code           int
	pid            int
}

// run runs argv with env and returns its output; the process is killed by
// pid if the test ends first.
func run(t *testing.T, env []string, argv ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	err := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("%v: %v", argv, err)
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code, pid: cmd.Process.Pid}
}

// methodCounts counts Enter, Exit and Exit-with-exception per method name.
type counts struct{ enter, exit, exc int }

func countByMethod(events []pipeline.Event, pid int32) map[string]counts {
	out := map[string]counts{}
	for _, ev := range events {
		if pid != 0 && ev.PID != pid {
			continue
		}
		c := out[ev.Method.String()]
		switch {
		case ev.Kind == pipeline.Enter:
			c.enter++
		case ev.Kind == pipeline.Exit && ev.Exception:
			c.exit++
			c.exc++
		case ev.Kind == pipeline.Exit:
			c.exit++
		}
		out[ev.Method.String()] = c
	}
	return out
}

// valuesOf returns the distinct values captured on Enter of a method.
func valuesOf(events []pipeline.Event, method string) []string {
	seen := map[string]bool{}
	for _, ev := range events {
		if ev.Kind == pipeline.Enter && ev.Method.String() == method {
			seen[ev.Value] = true
		}
	}
	var out []string
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func netDial(s *Server) (net.Conn, error) { return net.Dial("tcp", s.Addr().String()) }
