package pipeline

import "slices"

// stat is the latency aggregate shared by server requests, methods, SQL
// statements and outbound calls.
type stat struct {
	count  uint64
	errors uint64
	total  int64 // ns
	min    int64 // ns
	max    int64 // ns
	hist   histogram
}

func (s *stat) add(ns int64, failed bool) {
	if ns < 0 {
		ns = 0
	}
	if s.count == 0 || ns < s.min {
		s.min = ns
	}
	if ns > s.max {
		s.max = ns
	}
	s.count++
	s.total += ns
	if failed {
		s.errors++
	}
	s.hist.add(ns)
}

// ms converts ns to the report's milliseconds.
func ms(ns float64) float64 { return ns / 1e6 }

func (s *stat) minMS() float64 { return ms(float64(s.min)) }
func (s *stat) maxMS() float64 { return ms(float64(s.max)) }
func (s *stat) totalMS() float64 {
	return ms(float64(s.total))
}

func (s *stat) avgMS() float64 {
	if s.count == 0 {
		return 0
	}
	return ms(float64(s.total) / float64(s.count))
}

func (s *stat) pMS(q float64) float64 {
	return ms(s.hist.quantile(q, s.count, s.min, s.max))
}

// pidSet remembers which processes contributed to an aggregate. Most
// aggregates see one process, so the last one short-cuts the search.
type pidSet struct {
	last int32
	pids []int32
}

func (p *pidSet) add(pid int32) {
	if len(p.pids) > 0 && pid == p.last {
		return
	}
	p.last = pid
	if !slices.Contains(p.pids, pid) {
		p.pids = append(p.pids, pid)
	}
}

// sorted returns a sorted copy for a report.
func (p *pidSet) sorted() []int32 {
	out := slices.Clone(p.pids)
	slices.Sort(out)
	if out == nil {
		out = []int32{}
	}
	return out
}

// latency is the stat as the report shows it.
func (s *stat) latency() Latency {
	return Latency{
		Count: s.count, Errors: s.errors, TotalMS: s.totalMS(),
		MinMS: s.minMS(), AvgMS: s.avgMS(), MaxMS: s.maxMS(),
		P95MS: s.pMS(0.95), P99MS: s.pMS(0.99),
	}
}
