package pipeline

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Percentiles come from log-linear buckets: within 2% of the exact value
// from 1 µs to 1 h.
func TestPercentileAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dists := map[string]func() int64{
		"log-uniform 1µs..1h": func() int64 { return int64(math.Exp(rng.Float64()*math.Log(3.6e12/1e3)) * 1e3) },
		"normal around 80ms":  func() int64 { return int64(max(80e6+rng.NormFloat64()*10e6, 1e3)) },
		"bimodal":             func() int64 { return []int64{2e6, 900e6}[rng.IntN(2)] + rng.Int64N(1e5) },
	}
	for name, draw := range dists {
		t.Run(name, func(t *testing.T) {
			var s stat
			vals := make([]int64, 20000)
			for i := range vals {
				vals[i] = draw()
				s.add(vals[i], false)
			}
			slices.Sort(vals)
			for _, q := range []float64{0.5, 0.95, 0.99} {
				exact := float64(vals[int(math.Ceil(q*float64(len(vals))))-1])
				got := s.hist.quantile(q, s.count, s.min, s.max)
				if rel := math.Abs(got-exact) / exact; rel > 0.02 {
					t.Errorf("p%v = %v, exact %v: off by %.2f%%", q*100, got, exact, rel*100)
				}
			}
		})
	}
}

func TestHistogramBuckets(t *testing.T) {
	prev := -1
	for _, v := range []int64{-5, 0, 1, 31, 32, 33, 63, 64, 1000, 1e6, 1e9, 3.6e12, 1 << 42, 1 << 50, math.MaxInt64} {
		b := bucketOf(v)
		if b < prev || b >= histBuckets {
			t.Errorf("bucketOf(%d) = %d: not monotonic or out of range (prev %d)", v, b, prev)
		}
		prev = b
		if v > 0 && v < 1<<43 {
			low, w := bucketBounds(b)
			if float64(v) < low || float64(v) >= low+w {
				t.Errorf("%d is not in its bucket [%v, %v)", v, low, low+w)
			}
		}
	}
}

func TestStatEdgeCases(t *testing.T) {
	var s stat
	if s.pMS(0.95) != 0 || s.avgMS() != 0 {
		t.Error("an empty stat must report zeros")
	}
	s.add(5e6, true)
	if s.pMS(0.99) != 5 || s.minMS() != 5 || s.maxMS() != 5 || s.errors != 1 {
		t.Errorf("one value of 5 ms: p99 %v min %v max %v errors %d", s.pMS(0.99), s.minMS(), s.maxMS(), s.errors)
	}
	s.add(-1, false)
	if s.min != 0 {
		t.Errorf("a negative latency counts as 0, min = %d", s.min)
	}
}
