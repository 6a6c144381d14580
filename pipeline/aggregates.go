package pipeline

import (
	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
)

// Point details a call needs, copied into a methodAgg once so the hot path
// does not chase the point.
const (
	flagTrim uint8 = 1 << iota
	flagNoTrim
	flagNoLayerRecurse
	flagSQL
	flagInbound
	flagOutbound
)

// layerInfo names a layer; it never changes once made, so both stages may
// read it. id indexes the fragment stage's layer aggregates.
type layerInfo struct {
	id   int
	name string
	typ  conf.LayerType
}

// layerKey identifies a layer.
type layerKey struct {
	name string
	typ  conf.LayerType
}

// methodAgg aggregates every call of one matched method. The tracker owns
// the statistics; m, name, layer and flags never change and may be read by
// the fragment stage.
type methodAgg struct {
	m     *matcher.Method
	name  string // m.String(), the name of a Pseudo server request
	layer *layerInfo
	flags uint8

	st   stat
	pids pidSet
}

func (a *methodAgg) has(f uint8) bool { return a.flags&f != 0 }

// pointFlags reads the details of a point; nil (no point) has none.
func pointFlags(p *conf.Point) uint8 {
	if p == nil {
		return 0
	}
	d := &p.Detail
	var f uint8
	for _, b := range [...]struct {
		on   bool
		flag uint8
	}{
		{d.MethodTrim, flagTrim}, {d.MethodNoTrim, flagNoTrim},
		{d.NoLayerRecurse, flagNoLayerRecurse}, {d.IsSQLStatement, flagSQL},
		{d.Inbound, flagInbound}, {d.Outbound, flagOutbound},
	} {
		if b.on {
			f |= b.flag
		}
	}
	return f
}

// sqlAgg aggregates the statements sharing one NormalizeSQL key.
type sqlAgg struct {
	key      string
	category string
	st       stat
	trended  bool // one instance took at least minimum_sql_latency
}

// outAgg aggregates outbound calls to one target identity.
type outAgg struct {
	target string
	st     stat
}

// srKey identifies a server request: its name and whether it is HTTP.
type srKey struct {
	name string
	http bool
}

// srAgg aggregates the fragments of one server request and keeps the slowest
// instance trees.
type srAgg struct {
	key     srKey
	st      stat
	inbound bool
	pids    pidSet
	kept    []kept
}

// kept is one of the slowest instances of a server request.
type kept struct {
	dur int64
	in  *Instance
}

// layerAgg aggregates one layer's exclusive time over fragments.
type layerAgg struct {
	info      *layerInfo
	calls     uint64
	exclusive int64 // ns
	fragments uint64
}

// trimCounts counts calls left out of instance trees, by reason.
type trimCounts struct {
	depth, latency, calls, methodTrim, layerRecurse uint64
}
