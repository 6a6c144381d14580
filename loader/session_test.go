package loader

import (
	"bytes"
	"encoding/binary"
	"os"
	"sync"
	"testing"

	"github.com/hpdiag/hpdiag-trace/bpf"
	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
	"github.com/hpdiag/hpdiag-trace/pyframes"
	"github.com/hpdiag/hpdiag-trace/pyre"
)

func mustRe(t *testing.T, p string) *pyre.Regexp {
	t.Helper()
	re, err := pyre.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return re
}

// recordingSink keeps what a Session submits.
type recordingSink struct {
	mu      sync.Mutex
	events  []pipeline.Event
	dropped uint64
}

func (r *recordingSink) NewBatch() []pipeline.Event { return make([]pipeline.Event, 0, 16) }
func (r *recordingSink) Submit(b []pipeline.Event) {
	r.mu.Lock()
	r.events = append(r.events, b...)
	r.mu.Unlock()
}
func (r *recordingSink) AddDropped(n uint64)                    { r.dropped += n }
func (r *recordingSink) SetProcess(int32, pipeline.ProcessInfo) {}

// requireBPF loads E1 or skips; in CI it must load.
func requireBPF(t *testing.T) *E1 {
	t.Helper()
	e1, err := LoadE1(E1Options{})
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the eBPF engine must load in CI: %v", err)
		}
		t.Skipf("eBPF engine unavailable: %v", err)
	}
	t.Cleanup(func() { e1.Close() })
	return e1
}

func encodeRecord(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func codeRecord(t *testing.T, tgid, tid uint32, code uint64, name, file string) []byte {
	ev := bpf.E1EvCode{H: bpf.E1EvHdr{Type: evCode, Tgid: tgid, Tid: tid, Code: code}, NamePtr: code + 1, FilePtr: code + 2}
	ev.NameState = 1<<6 | 1<<5 | 1<<2 // ascii, compact, kind 1
	ev.FileState = ev.NameState
	ev.NameLen = uint32(copy(ev.Name[:], name))
	ev.FileLen = uint32(copy(ev.File[:], file))
	ev.Firstlineno = 1
	ev.CoFlags = 0x2 // CO_NEWLOCALS: a function, not a body
	return encodeRecord(t, &ev)
}

func callRecord(t *testing.T, typ, flags uint8, tgid, tid uint32, method uint32, code, ts uint64) []byte {
	return encodeRecord(t, &bpf.E1EvCall{H: bpf.E1EvHdr{Type: typ, Flags: flags, Tgid: tgid, Tid: tid, Method: method, Code: code, Ts: ts}})
}

// TestPendingCallsKeepThreadOrder: a call of code whose verdict is not known
// yet is held with every later event of its thread, so the pipeline sees
// each thread's events in order; unselected pending calls vanish.
func TestPendingCallsKeepThreadOrder(t *testing.T) {
	e1 := requireBPF(t)
	points := []*conf.Point{{Name: "P", Module: mustRe(t, "^app$"), Method: mustRe(t, "^(outer|inner)$"), Layer: "L"}}
	sink := &recordingSink{}
	sess, err := NewSession(e1, SessionOptions{Matcher: matcher.New(points, matcher.Options{}), Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := pyframes.For(pyframes.Version{Major: 3, Minor: 12})
	const tgid, tid = 4242, 4243
	sess.procs[tgid] = &traced{pid: tgid, target: &target{layout: l}, codes: map[uint64]*codeState{}}
	const outer, inner, other = 0x1000, 0x2000, 0x3000
	feed := [][]byte{
		codeRecord(t, tgid, tid, outer, "outer", "app.py"),          // known first
		callRecord(t, evEnter, flagPending, tgid, tid, 0, outer, 1), // resolvable at once
		callRecord(t, evEnter, flagPending, tgid, tid, 0, other, 2), // verdict not known yet: held
		callRecord(t, evEnter, flagPending, tgid, tid, 0, inner, 3), // held behind it
		callRecord(t, evExit, flagPending, tgid, tid, 0, inner, 4),  // held
		codeRecord(t, tgid, tid, inner, "inner", "app.py"),          // inner known, still held behind other
		callRecord(t, evExit, flagPending, tgid, tid, 0, other, 5),  // held
		codeRecord(t, tgid, tid, other, "helper", "app.py"),         // not selected: all released
		callRecord(t, evExit, flagPending, tgid, tid, 0, outer, 6),
	}
	for _, b := range feed {
		sess.handle(b)
	}
	sess.flushLocked()
	var got []string
	for _, ev := range sink.events {
		kind := map[pipeline.Kind]string{pipeline.Enter: "enter", pipeline.Exit: "exit"}[ev.Kind]
		got = append(got, kind+" "+ev.Method.Name)
	}
	want := []string{"enter outer", "enter inner", "exit inner", "exit outer"}
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %v, want %v", got, want)
		}
	}
	if len(sess.held) != 0 {
		t.Errorf("%d threads still held", len(sess.held))
	}
}

// TestDecodeBatched decodes the calls of a batch (struct batched_call):
// they are of the batch's thread, count their time from the batch's, and
// say Enter, Exit or Exit by exception.
func TestDecodeBatched(t *testing.T) {
	batch := hdr{typ: evBatch, tgid: 7, tid: 9, method: 3, ts: 1_000_000}
	for _, tc := range []struct {
		name      string
		dt, what  uint32
		typ, flag uint8
		method    uint32
	}{
		{"enter", 0, 5 << bcMethodShift, evEnter, 0, 5},
		{"exit", 250, 5<<bcMethodShift | bcExit, evExit, 0, 5},
		{"exception", 4_000_000_000, 1<<bcMethodShift | bcExit | bcException, evExit, flagException, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := make([]byte, batchedCallSize)
			binary.LittleEndian.PutUint32(b, tc.dt)
			binary.LittleEndian.PutUint32(b[4:], tc.what)
			h := decodeBatched(batch, b)
			want := hdr{typ: tc.typ, flags: tc.flag, tgid: 7, tid: 9, method: tc.method, ts: 1_000_000 + uint64(tc.dt)}
			if h != want {
				t.Errorf("got %+v, want %+v", h, want)
			}
		})
	}
}
