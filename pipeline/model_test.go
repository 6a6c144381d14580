package pipeline

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hpdiag/hpdiag-trace/conf"
	"github.com/hpdiag/hpdiag-trace/matcher"
)

// The tracker trims trees incrementally, in an arena. This test compares it
// with the rules applied the obvious way, on a whole tree: a call is kept
// when it is the root, or when it is at most maximum_stack_depth deep, not
// method_trim, not inside a no_layer_recurse call of its layer, and not
// faster than minimum_method_latency unless method_no_trim; kept calls hang
// under their nearest kept caller; the first maximum_method_calls in call
// order stay.
func TestTrimmingMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	methods := modelMethods()
	for i := range 300 {
		depth := 1 + rng.IntN(6)
		calls := 1 + rng.IntN(8)
		minLat := time.Duration(rng.IntN(60)) * time.Millisecond
		root := randomCall(rng, methods, 0)
		name := fmt.Sprintf("case %d depth %d calls %d latency %v", i, depth, calls, minLat)
		t.Run(name, func(t *testing.T) {
			s := &script{pid: 1, tid: 1}
			s.play(t, root)
			r := run(t, Options{Config: testConfig(func(p *conf.Probe) {
				p.MaximumStackDepth = depth
				p.MaximumMethodCalls = calls
				p.MinimumMethodLatency = minLat
				p.MinimumFragmentLatency = 0
			})}, s.evs)
			m := model{depth: depth, calls: calls, minLat: float64(minLat) / 1e6}
			want := m.apply(root)
			if got := treeString(onlyInstance(t, r).Tree); got != want {
				t.Errorf("tree = %s\nwant   %s", got, want)
			}
			if r.Trimmed != m.trimmed {
				t.Errorf("trimmed = %+v, want %+v", r.Trimmed, m.trimmed)
			}
		})
	}
}

// modelMethods: plain ones in two layers and one of each detail.
func modelMethods() []*matcher.Method {
	w := newWorld()
	return []*matcher.Method{
		w.mw("p", "web", conf.Detail{}),
		w.mw("q", "db", conf.Detail{}),
		w.mw("r", "db", conf.Detail{}),
		w.mw("T", "web", conf.Detail{MethodTrim: true}),
		w.mw("K", "web", conf.Detail{MethodNoTrim: true}),
		w.mw("N", "db", conf.Detail{NoLayerRecurse: true}),
	}
}

// randomCall makes a random call tree; durations in whole ms.
func randomCall(rng *rand.Rand, methods []*matcher.Method, level int) call {
	c := call{m: methods[rng.IntN(len(methods))]}
	if level < 5 {
		for range rng.IntN(5 - level/2) {
			c.kids = append(c.kids, randomCall(rng, methods, level+1))
		}
	}
	for _, k := range c.kids {
		c.dur += k.dur
	}
	c.dur += float64(rng.IntN(12))
	return c
}

// model applies the trimming rules to a whole tree.
type model struct {
	depth, calls int
	minLat       float64
	trimmed      Trimmed
	kept         int // nodes kept so far, in call order
}

type modelNode struct {
	name string
	kids []*modelNode
}

func (m *model) apply(root call) string {
	top := &modelNode{name: root.m.Name}
	m.kept = 1
	for _, k := range root.kids {
		m.walk(k, top, 2, []call{root})
	}
	return modelString(top)
}

func (m *model) walk(c call, parent *modelNode, depth int, stack []call) {
	d := c.m.Point.Detail
	fast := c.dur < m.minLat && !d.MethodNoTrim
	keep := false
	switch {
	case depth > m.depth:
		m.trimmed.Depth++
	case d.MethodTrim:
		m.trimmed.MethodTrim++
	case insideNLR(stack, c.m.Point.Layer):
		m.trimmed.LayerRecurse++
	case fast:
		m.trimmed.Latency++
	case m.kept >= m.calls:
		m.trimmed.Calls++
	default:
		keep = true
		m.kept++
	}
	// the prefix cut runs after latency trimming, but a kept node's
	// position is fixed at its Enter: counting in call order is the same.
	under := parent
	if keep {
		n := &modelNode{name: c.m.Name}
		parent.kids = append(parent.kids, n)
		under = n
	}
	for _, k := range c.kids {
		m.walk(k, under, depth+1, append(stack, c))
	}
}

func insideNLR(stack []call, layer string) bool {
	for _, c := range stack {
		if c.m.Point.Detail.NoLayerRecurse && c.m.Point.Layer == layer {
			return true
		}
	}
	return false
}

func modelString(n *modelNode) string {
	if len(n.kids) == 0 {
		return n.name
	}
	s := n.name + "("
	for i, k := range n.kids {
		if i > 0 {
			s += " "
		}
		s += modelString(k)
	}
	return s + ")"
}
