package outputs

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// syncBuffer is a bytes.Buffer safe for the live goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLive(t *testing.T) {
	r := &pipeline.Report{Events: 10, Fragments: 2, DurationMS: 3000,
		ServerRequests: []pipeline.ServerRequest{{Name: "/items/{id}", Type: "HTTP", Latency: pipeline.Latency{Count: 2, AvgMS: 1.5}}}}
	for _, tt := range []struct {
		name     string
		terminal bool
		want     []string
	}{
		{"plain lines", false, []string{"hpdiag-trace: 3 s: 10 events, 2 server request instances; top /items/{id}: 2, avg 1.50 ms"}},
		{"terminal table redrawn", true, []string{"SERVER REQUEST", "/items/{id}", "\x1b[3A\x1b[J"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out syncBuffer
			calls := make(chan struct{}, 100)
			stop := Live(context.Background(), &out, tt.terminal, time.Millisecond, func() *pipeline.Report {
				select {
				case calls <- struct{}{}:
				default:
				}
				return r
			})
			for range 3 {
				<-calls
			}
			stop()
			got := out.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%q", w, got)
				}
			}
			if !tt.terminal && strings.Contains(got, "\x1b") {
				t.Errorf("escape sequences in plain output: %q", got)
			}
		})
	}
	stop := Live(context.Background(), &syncBuffer{}, true, 0, nil)
	stop() // interval 0: off
}
