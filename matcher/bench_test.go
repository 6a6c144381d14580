package matcher

import "testing"

// TestMatchCachedNoAlloc guards the hot path: an engine asks about every
// new code object, and the cached answer must cost no garbage.
func TestMatchCachedNoAlloc(t *testing.T) {
	points, codes := workload()
	m := New(points, Options{Stat: newFakeFS("/srv/proj/pkg/__init__.py").isFile})
	hit, miss := codes[0], codes[1]
	if m.Match(hit) == nil || m.Match(miss) != nil {
		t.Fatalf("workload changed: want %s matched and %s not", hit.Qualname, miss.Qualname)
	}
	for _, ci := range []CodeInfo{hit, miss} {
		if n := testing.AllocsPerRun(100, func() { m.Match(ci) }); n != 0 {
			t.Errorf("cached Match(%s) allocates %v times per call, want 0", ci.Qualname, n)
		}
	}
}

func BenchmarkMatchCached(b *testing.B) {
	points, codes := workload()
	m := New(points, Options{Stat: newFakeFS("/srv/proj/pkg/__init__.py").isFile})
	for _, ci := range codes {
		m.Match(ci)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Match(codes[i%len(codes)])
	}
}

func BenchmarkMatchCachedParallel(b *testing.B) {
	points, codes := workload()
	m := New(points, Options{Stat: newFakeFS("/srv/proj/pkg/__init__.py").isFile})
	for _, ci := range codes {
		m.Match(ci)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			m.Match(codes[i%len(codes)])
		}
	})
}

// BenchmarkMatchUncached measures the first sight of a code object: path
// derivation (cached per file) and the regexes of every point.
func BenchmarkMatchUncached(b *testing.B) {
	points, codes := workload()
	b.ReportAllocs()
	for b.Loop() {
		m := New(points, Options{Stat: newFakeFS("/srv/proj/pkg/__init__.py").isFile})
		for _, ci := range codes {
			m.Match(ci)
		}
	}
}
