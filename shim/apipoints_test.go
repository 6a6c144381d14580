package shim

import (
	"bufio"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// fakeShim speaks the protocol as the Python shim does, for tests of the
// Server's answers.
type fakeShim struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialFake(t *testing.T, s *Server) *fakeShim {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	f := &fakeShim{t: t, c: c, r: bufio.NewReader(c)}
	var w welcome
	f.ask(frameHello, hello{Token: s.Token(), PID: 77, Version: []int{3, 12, 1}, Release: "final", Impl: "cpython", ByteOrder: "little"}, frameWelcome, &w)
	if !w.OK {
		t.Fatalf("hello refused: %s", w.Refuse)
	}
	return f
}

func (f *fakeShim) ask(kind byte, q any, want byte, a any) {
	f.t.Helper()
	if err := writeJSON(f.c, kind, q); err != nil {
		f.t.Fatal(err)
	}
	got, payload, _, err := readFrame(f.r, nil)
	if err != nil || got != want {
		f.t.Fatalf("answer to %#x: frame %#x, %v; want %#x", kind, got, err, want)
	}
	if err := json.Unmarshal(payload, a); err != nil {
		f.t.Fatal(err)
	}
}

func args(kv ...string) []conf.PointArg {
	var out []conf.PointArg
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, conf.PointArg{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

// TestPointsCreatedInCode: the Server parses points a process sends, keeps
// out duplicates and bad ones with messages naming file:line, and matches
// that process's code with them after the points file's.
func TestPointsCreatedInCode(t *testing.T) {
	file := point("FileCharge", "^app$", "", "^charge$")
	file.Detail.BeforeCode = "cc_before"
	for _, strict := range []bool{false, true} {
		s, _ := startServer(t, []*conf.Point{file}, func(o *Options) { o.ErrorOnDuplicateLocation = strict })
		f := dialFake(t, s)
		var a pointsA
		f.ask(framePoints, pointsQ{Points: []apiPoint{
			{Name: "deco", File: "/srv/fibo.py", Line: 19, Args: args("module", "^fibo$", "clazz", "^Fibo$", "method", "^fib$|rfib", "layer", "fiboLayer", "args", "0")},
			{Name: "dup", File: "/srv/app.py", Line: 3, Args: args("module", "^app$", "method", "^charge$", "layer", "X")},
			{Name: "bad", File: "/srv/app.py", Line: 4, Args: args("module", "(", "method", "x", "layer", "X")},
		}}, frameAccepted, &a)
		if len(a.Methods) != 1 || a.Methods[0] != "^fib$|rfib" {
			t.Errorf("strict=%v: methods %v", strict, a.Methods)
		}
		if len(a.Duplicates) != 1 || !strings.Contains(a.Duplicates[0], "/srv/app.py:3") || !strings.Contains(a.Duplicates[0], "[FileCharge]") {
			t.Errorf("strict=%v: duplicates %v", strict, a.Duplicates)
		}
		if len(a.Errors) != 1 || !strings.Contains(a.Errors[0], "/srv/app.py:4") {
			t.Errorf("strict=%v: errors %v", strict, a.Errors)
		}
		tests := []struct {
			q    verdictQ
			want verdictA
		}{
			{verdictQ{ID: 1, File: "/srv/fibo.py", Qual: "Fibo.rfib_seq", Name: "rfib_seq", Line: 30, Module: "fibo"},
				verdictA{ID: 1, Match: true, Args: []int{0}, IsMethod: true, Module: "fibo"}},
			{verdictQ{ID: 2, File: "/srv/app.py", Qual: "charge", Name: "charge", Line: 9, Module: "app"},
				verdictA{ID: 2, Match: true, Module: "app", Point: "FileCharge", Before: "cc_before"}},
			{verdictQ{ID: 3, File: "/srv/fibo.py", Qual: "Fibo.fib_seq2", Name: "fib_seq2", Line: 40, Module: "fibo"},
				verdictA{ID: 3}},
		}
		for _, tt := range tests {
			var got verdictA
			f.ask(frameVerdictQ, tt.q, frameVerdict, &got)
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tt.want)
			if string(gj) != string(wj) {
				t.Errorf("strict=%v: verdict for %s = %s, want %s", strict, tt.q.Qual, gj, wj)
			}
		}
	}
}
