package pipeline

import (
	"math"
	"math/bits"
)

// The histogram keeps latencies in log-linear buckets: every power of two is
// split into histSub equal buckets, so a bucket is at most 1/32 of its lower
// bound wide and its midpoint is within ~1.6% of any value in it. Values
// below 2^histSubBits ns get a bucket each. The top bucket also collects
// everything from 2^(histMaxBit+1) ns (~2.4 h) up; percentiles are clamped to the exact
// maximum, so a slow outlier is never reported faster than the slowest call
// in its bucket, nor slower than the slowest one seen.
const (
	histSubBits = 5
	histSub     = 1 << histSubBits
	histMaxBit  = 42 // 2^43 ns ≈ 2.4 h: beyond the 1 h the report must resolve
	histBuckets = (histMaxBit-histSubBits+1)*histSub + histSub
)

// histogram counts latencies without allocating per value.
type histogram struct {
	counts [histBuckets]uint32
}

// bucketOf returns the bucket of a latency in ns; negative values count as 0.
func bucketOf(ns int64) int {
	if ns < histSub {
		if ns < 0 {
			return 0
		}
		return int(ns)
	}
	v := uint64(ns)
	msb := bits.Len64(v) - 1
	if msb > histMaxBit {
		return histBuckets - 1
	}
	shift := msb - histSubBits
	return (shift+1)*histSub + int(v>>uint(shift))&(histSub-1)
}

// bucketBounds returns the lowest value of a bucket and its width.
func bucketBounds(b int) (low, width float64) {
	if b < histSub {
		return float64(b), 1
	}
	shift := b/histSub - 1
	mant := b%histSub + histSub
	w := math.Ldexp(1, shift)
	return float64(mant) * w, w
}

func (h *histogram) add(ns int64) {
	h.counts[bucketOf(ns)]++
}

// quantile returns the q-quantile (0 < q <= 1) in ns of count values: the
// midpoint of the bucket holding the ceil(q*count)-th smallest value,
// clamped to [min, max], which are exact.
func (h *histogram) quantile(q float64, count uint64, min, max int64) float64 {
	if count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(count)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for b := range h.counts {
		seen += uint64(h.counts[b])
		if seen < rank {
			continue
		}
		low, w := bucketBounds(b)
		v := low + w/2
		if w == 1 {
			v = low
		}
		return math.Min(math.Max(v, float64(min)), float64(max))
	}
	return float64(max)
}
