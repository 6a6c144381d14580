package loader

import (
	"encoding/binary"
	"testing"

	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// discardSink hands the Session the same batch back: only the Session's
// own allocations are counted.
type discardSink struct{ batch []pipeline.Event }

func (d *discardSink) NewBatch() []pipeline.Event             { return d.batch[:0] }
func (d *discardSink) Submit([]pipeline.Event)                {}
func (d *discardSink) AddDropped(uint64)                      {}
func (d *discardSink) SetProcess(int32, pipeline.ProcessInfo) {}

// BenchmarkBatchedCalls measures the Session's share of every reported
// call: decoding one call of a batch record (bpf/threads.h) and turning it
// into a pipeline event. One op is one call; it must not allocate.
func BenchmarkBatchedCalls(b *testing.B) {
	const calls = 120
	sink := &discardSink{batch: make([]pipeline.Event, 0, 1024)}
	s, err := NewSession(nil, SessionOptions{Matcher: matcher.New(nil, matcher.Options{}), Sink: sink})
	if err != nil {
		b.Fatal(err)
	}
	s.methods = []*codeState{{method: &matcher.Method{Module: "app", Name: "f"}}}
	rec := make([]byte, hdrSize+calls*batchedCallSize)
	le := binary.LittleEndian
	rec[0] = evBatch
	le.PutUint32(rec[4:], 7)      // tgid
	le.PutUint32(rec[8:], 9)      // tid
	le.PutUint32(rec[12:], calls) // calls in the batch
	le.PutUint64(rec[16:], 1_000_000)
	for i := 0; i < calls; i++ {
		what := uint32(1) << bcMethodShift
		if i%2 == 1 {
			what |= bcExit
		}
		le.PutUint32(rec[hdrSize+i*batchedCallSize:], uint32(i*100))
		le.PutUint32(rec[hdrSize+i*batchedCallSize+4:], what)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += calls {
		s.handle(rec)
	}
	if s.stats.Events == 0 {
		b.Fatal("no call reported")
	}
}
