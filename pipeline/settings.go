package pipeline

import (
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// The guide's defaults, used when Options.Config is nil.
const (
	defaultMaxDepth    = 25
	defaultMinMethod   = 51 * time.Millisecond
	defaultMinFragment = 51 * time.Millisecond
	defaultMaxCalls    = 1000
	defaultMinSQL      = 1000 * time.Millisecond
	defaultSQLMode     = SQLModeSimilar
	defaultKeep        = 5

	// openNodeSlack bounds how many open (still running) captured calls the
	// node arena holds beyond maximum_method_calls; see limits.arenaCap.
	openNodeSlack = 4096
)

// limits are the [Probe] settings the stages apply, in nanoseconds.
type limits struct {
	maxDepth    int
	minMethod   int64
	minFragment int64
	maxCalls    int
	minSQL      int64
	sqlMode     int
	showURL     bool
	keep        int

	// arenaCap bounds the nodes a fragment holds while it runs. The final
	// tree keeps the first maxCalls nodes in call order; a node refused when
	// the arena is full would have been cut by that rule anyway, because at
	// most min(maxDepth, openNodeSlack) of the nodes before it can still be
	// removed (the open calls, whose latency is not known yet).
	arenaCap int
}

// newLimits derives the limits from a configuration; nil means the guide's
// defaults. The root of a fragment is always kept, so depth and call limits
// below 1 act as 1. An sql_parsing_mode outside 1–4 (a Config built by hand)
// falls back to mode 3.
func newLimits(c *conf.Config, keep int) limits {
	l := limits{
		maxDepth:    defaultMaxDepth,
		minMethod:   int64(defaultMinMethod),
		minFragment: int64(defaultMinFragment),
		maxCalls:    defaultMaxCalls,
		minSQL:      int64(defaultMinSQL),
		sqlMode:     defaultSQLMode,
		showURL:     true,
	}
	if c != nil {
		p := &c.Probe
		l.maxDepth = p.MaximumStackDepth
		l.minMethod = int64(p.MinimumMethodLatency)
		l.minFragment = int64(p.MinimumFragmentLatency)
		l.maxCalls = p.MaximumMethodCalls
		l.minSQL = int64(p.MinimumSQLLatency)
		l.sqlMode = p.SQLParsingMode
		l.showURL = p.HTTPClientShowURL
	}
	l.maxDepth = max(l.maxDepth, 1)
	l.maxCalls = max(l.maxCalls, 1)
	if l.sqlMode < SQLModeNone || l.sqlMode > SQLModeIdentical {
		l.sqlMode = defaultSQLMode
	}
	switch {
	case keep == 0:
		l.keep = defaultKeep
	case keep > 0:
		l.keep = keep
	}
	l.arenaCap = l.maxCalls + min(l.maxDepth, openNodeSlack)
	return l
}
