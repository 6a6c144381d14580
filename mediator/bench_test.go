package mediator

import (
	"context"
	"testing"

	"github.com/hpdiag/hpdiag-trace/internal/otlptest"
)

// BenchmarkFragmentExport measures a fragment of two calls turned into
// spans and exported (threaded: batched) to a loopback OTLP/HTTP receiver.
func BenchmarkFragmentExport(b *testing.B) {
	rcv, err := otlptest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer rcv.Stop()
	set := benchSettings(b, rcv.Addr())
	m, err := New(context.Background(), Options{Settings: set, ProbeID: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	f := fragment(1)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Fragment(f)
	}
	if err := m.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fragments/s")
	if st := m.Stats(); st.SpansOverflowed != 0 || st.SpansExported != uint64(2*b.N) {
		b.Fatalf("stats %+v", st)
	}
}
