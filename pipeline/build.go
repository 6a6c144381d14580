package pipeline

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// report assembles a Report from the stages, each read under its lock.
func (p *Pipeline) report(now time.Time) *Report {
	r := &Report{
		Started:        p.started,
		Ended:          now,
		ServerRequests: []ServerRequest{},
		Methods:        []MethodStat{},
		SQL:            []SQLStat{},
		Outbound:       []OutboundStat{},
		Layers:         []LayerStat{},
		Instances:      []Instance{},
		DroppedEvents:  p.dropped.Load(),
		DurationMS:     ms(float64(now.Sub(p.started))),
	}
	p.tr.mu.Lock()
	p.tr.fill(r)
	p.tr.mu.Unlock()
	p.fs.mu.Lock()
	p.fs.fill(r)
	p.fs.mu.Unlock()
	p.fillProbe(r)
	sortReport(r)
	return r
}

// fillProbe describes the probe and the processes.
func (p *Pipeline) fillProbe(r *Report) {
	r.Probe.ID, r.Probe.Engine = p.opts.ProbeID, p.opts.Engine
	if r.Probe.ID == "" && p.opts.Config != nil {
		r.Probe.ID = p.opts.Config.Probe.ProbeID
	}
	pids := r.Probe.PIDs
	r.Probe.Processes = []ProcessInfo{}
	var versions []string
	p.procMu.Lock()
	for pid, info := range p.procs {
		if !slices.Contains(pids, pid) {
			pids = append(pids, pid)
		}
		info.Argv = slices.Clone(info.Argv)
		r.Probe.Processes = append(r.Probe.Processes, info)
		if info.Python != "" && !slices.Contains(versions, info.Python) {
			versions = append(versions, info.Python)
		}
	}
	p.procMu.Unlock()
	slices.Sort(pids)
	slices.Sort(versions)
	slices.SortFunc(r.Probe.Processes, func(a, b ProcessInfo) int { return cmp.Compare(a.PID, b.PID) })
	r.Probe.PIDs = append([]int32{}, pids...)
	r.Probe.Python = strings.Join(versions, ", ")
}

// fill copies the tracker's aggregates and counters. The caller holds mu.
func (tr *tracker) fill(r *Report) {
	r.Events = tr.events
	r.UnmatchedExits = tr.unmatched
	r.UnwoundCalls = tr.unwound
	r.IncompleteFragments = tr.incomplete
	r.OrphanAttributes = tr.orphans
	r.InvalidEvents = tr.invalid
	r.Trimmed = Trimmed{
		Depth:        tr.trimmed.depth,
		Latency:      tr.trimmed.latency,
		Calls:        tr.trimmed.calls,
		MethodTrim:   tr.trimmed.methodTrim,
		LayerRecurse: tr.trimmed.layerRecurse,
	}
	for pid := range tr.procs {
		r.Probe.PIDs = append(r.Probe.PIDs, pid)
	}
	for _, a := range tr.methods {
		if a.st.count == 0 {
			continue // entered, never left yet
		}
		r.Methods = append(r.Methods, MethodStat{
			Module: a.m.Module, Class: a.m.Class, Method: a.m.Name,
			Layer: a.layer.name, LayerType: string(a.layer.typ),
			Latency: a.st.latency(), PIDs: a.pids.sorted(),
		})
	}
	for _, a := range tr.sqlKey {
		r.SQL = append(r.SQL, SQLStat{
			Statement: a.key, Category: a.category,
			Latency: a.st.latency(), Trended: a.trended,
		})
	}
	for _, a := range tr.outKey {
		r.Outbound = append(r.Outbound, OutboundStat{
			Target: a.target, Latency: a.st.latency(),
		})
	}
}

// fill copies the fragment stage's aggregates and kept instances. The
// caller holds mu.
func (fs *fragStage) fill(r *Report) {
	r.Fragments = fs.fragments
	r.Trimmed.Fragments = fs.trimmedFragments
	for _, sr := range fs.srs {
		r.ServerRequests = append(r.ServerRequests, ServerRequest{
			Name: sr.key.name, Type: srType(sr.key.http),
			Latency: sr.st.latency(),
			Inbound: sr.inbound, PIDs: sr.pids.sorted(),
		})
		for _, k := range sr.kept {
			r.Instances = append(r.Instances, *k.in) // kept trees never change: sharing them is safe
		}
	}
	for _, l := range fs.layers {
		if l.info == nil {
			continue
		}
		avg := 0.0
		if l.fragments > 0 {
			avg = ms(float64(l.exclusive) / float64(l.fragments))
		}
		r.Layers = append(r.Layers, LayerStat{
			Layer: l.info.name, LayerType: string(l.info.typ), Calls: l.calls,
			ExclusiveMS: ms(float64(l.exclusive)), Fragments: l.fragments, AvgMS: avg,
		})
	}
}

// sortReport orders every list deterministically: by total time, slowest
// first, then by name.
func sortReport(r *Report) {
	srRank := make(map[srKey]int, len(r.ServerRequests))
	slices.SortFunc(r.ServerRequests, func(a, b ServerRequest) int {
		return cmp.Or(cmp.Compare(b.TotalMS, a.TotalMS), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type))
	})
	for i, s := range r.ServerRequests {
		srRank[srKey{s.Name, s.Type == "HTTP"}] = i
	}
	slices.SortFunc(r.Methods, func(a, b MethodStat) int {
		return cmp.Or(cmp.Compare(b.TotalMS, a.TotalMS), cmp.Compare(a.Module, b.Module),
			cmp.Compare(a.Class, b.Class), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Layer, b.Layer))
	})
	slices.SortFunc(r.SQL, func(a, b SQLStat) int {
		return cmp.Or(cmp.Compare(b.TotalMS, a.TotalMS), cmp.Compare(a.Statement, b.Statement))
	})
	slices.SortFunc(r.Outbound, func(a, b OutboundStat) int {
		return cmp.Or(cmp.Compare(b.TotalMS, a.TotalMS), cmp.Compare(a.Target, b.Target))
	})
	slices.SortFunc(r.Layers, func(a, b LayerStat) int {
		return cmp.Or(cmp.Compare(b.ExclusiveMS, a.ExclusiveMS), cmp.Compare(a.Layer, b.Layer),
			cmp.Compare(a.LayerType, b.LayerType))
	})
	slices.SortFunc(r.Instances, func(a, b Instance) int {
		ra := srRank[srKey{a.ServerRequest, a.Type == "HTTP"}]
		rb := srRank[srKey{b.ServerRequest, b.Type == "HTTP"}]
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(b.DurationMS, a.DurationMS),
			cmp.Compare(a.PID, b.PID), cmp.Compare(a.TID, b.TID), cmp.Compare(a.Start, b.Start))
	})
}
