package pipeline

import "strconv"

// fragAttrs are the request attributes reported for a fragment.
type fragAttrs struct {
	uri        string
	hasURI     bool
	inbound    bool
	status     int
	statusDesc string
	remoteIP   string
	serverPort string
	consumerID string
	method     string // HTTP request method
}

// set records an attribute; the first URI reported wins, the outermost
// call's, later ones describe inner dispatch.
func (a *fragAttrs) set(key AttrKey, v string) {
	switch key {
	case AttrURI:
		if !a.hasURI {
			a.uri, a.hasURI = v, true
		}
	case AttrHTTPStatus:
		if n, err := strconv.Atoi(v); err == nil {
			a.status = n
		}
	case AttrHTTPStatusDesc:
		a.statusDesc = v
	case AttrInboundColoring:
		a.inbound = true
	case AttrRemoteIP:
		a.remoteIP = v
	case AttrServerPort:
		a.serverPort = v
	case AttrConsumerID:
		a.consumerID = v
	case AttrHTTPMethod:
		if a.method == "" {
			a.method = v
		}
	}
}

// node is a captured call of an instance tree. Nodes live in the fragment's
// arena in call (pre-)order; parent indexes the arena, -1 for the root.
type node struct {
	agg        *methodAgg
	start, end int64
	parent     int32
	err        bool
	sql        bool // arg is SQL text: it follows sql_parsing_mode when reported
	arg        string
}

// layerAcc is a layer's share of one fragment.
type layerAcc struct {
	info      *layerInfo
	calls     uint64
	exclusive int64
}

// fragment is one server request instance: the outermost matched call of a
// thread, from its Enter to its Exit. The tracker fills it; the fragment
// stage consumes it and gives it back to the pool.
type fragment struct {
	pid        int32
	tid        uint64
	root       *methodAgg
	start, end int64
	offset     int64 // start - first event time seen for pid
	wall       int64 // start on the wall clock, Unix ns (process.wall + offset)
	err        bool
	full       bool // a node was refused: the arena reached its cap
	attrs      fragAttrs
	nodes      []node
	layers     []layerAcc
}

// reset empties a fragment for reuse, keeping its slices' memory unless a
// rare huge tree grew them.
func (f *fragment) reset() {
	clear(f.nodes)
	nodes, layers := f.nodes[:0], f.layers[:0]
	if cap(nodes) > maxPooledNodes {
		nodes = nil
	}
	*f = fragment{nodes: nodes, layers: layers}
}

// maxPooledNodes bounds the arena a pooled fragment keeps.
const maxPooledNodes = 4096

// addLayer adds a call's exclusive time to its layer.
func (f *fragment) addLayer(l *layerInfo, exclusive int64) {
	for i := range f.layers {
		if f.layers[i].info == l {
			f.layers[i].calls++
			f.layers[i].exclusive += exclusive
			return
		}
	}
	f.layers = append(f.layers, layerAcc{info: l, calls: 1, exclusive: exclusive})
}

// removeNode takes node i out of the arena; its children become children of
// its parent, so its time stays in the parent's. Every node after i is a
// descendant of i (i was open while they were entered) and closed already,
// so only their indexes shift; open calls are ancestors of i, before it.
func (f *fragment) removeNode(i int32) {
	last := int32(len(f.nodes) - 1)
	if i == last {
		f.nodes[i] = node{}
		f.nodes = f.nodes[:i]
		return
	}
	up := f.nodes[i].parent
	for j := i + 1; j <= last; j++ {
		switch p := f.nodes[j].parent; {
		case p == i:
			f.nodes[j].parent = up
		case p > i:
			f.nodes[j].parent = p - 1
		}
	}
	copy(f.nodes[i:], f.nodes[i+1:])
	f.nodes[last] = node{}
	f.nodes = f.nodes[:last]
}
