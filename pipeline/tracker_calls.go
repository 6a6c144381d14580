package pipeline

// enter opens a call; the outermost call of a thread opens a fragment.
func (tr *tracker) enter(ev *Event) {
	if ev.Method == nil {
		tr.invalid++
		return
	}
	t := tr.thread(ev.PID, ev.TID, ev.Time, false)
	agg := tr.method(ev.Method)
	if len(t.stack) == 0 {
		tr.openFragment(t, agg, ev.Time)
	}
	frag := t.frag
	f := frame{agg: agg, start: ev.Time, node: -1, parentNode: -1}
	if n := len(t.stack); n > 0 {
		top := &t.stack[n-1]
		f.parentNode = top.node
		if top.node < 0 {
			f.parentNode = top.parentNode
		}
		f.cut = tr.cutOf(t, agg, n+1)
	}
	if f.cut == cutNone {
		f.node = int32(len(frag.nodes))
		frag.nodes = append(frag.nodes, node{agg: agg, start: ev.Time, parent: f.parentNode, arg: ev.Value})
	}
	switch {
	case agg.flags&flagSQL != 0:
		f.sql = ev.Value
	case agg.flags&flagOutbound != 0:
		f.out = ev.Value
	}
	if agg.flags&flagInbound != 0 && ev.Value != "" {
		method, uri := splitRequestLine(ev.Value)
		if method != "" {
			frag.attrs.set(AttrHTTPMethod, method)
		}
		frag.attrs.set(AttrURI, uri)
	}
	if agg.flags&flagNoLayerRecurse != 0 {
		t.nlr++
	}
	t.stack = append(t.stack, f)
}

// openFragment starts the fragment of a thread's outermost call.
func (tr *tracker) openFragment(t *thread, root *methodAgg, now int64) {
	frag := tr.get()
	frag.pid, frag.tid = t.key.pid, t.key.tid
	frag.root, frag.start = root, now
	frag.offset = now - t.proc.first
	frag.wall = t.proc.wall + frag.offset
	if t.hasAttrs {
		frag.attrs, t.pending, t.hasAttrs = t.pending, fragAttrs{}, false
	}
	t.frag = frag
}

// cutOf decides whether a call below the root gets a node, at the given
// stack depth (the root is depth 1), and counts the calls left out.
func (tr *tracker) cutOf(t *thread, agg *methodAgg, depth int) cut {
	switch {
	case depth > tr.lim.maxDepth:
		tr.trimmed.depth++
		return cutDepth
	case agg.flags&flagTrim != 0:
		tr.trimmed.methodTrim++
		return cutTrim
	case t.nlr > 0 && insideSameLayer(t, agg):
		tr.trimmed.layerRecurse++
		return cutLayer
	case t.frag.full || len(t.frag.nodes) >= tr.lim.arenaCap:
		t.frag.full = true
		return cutFull // counted at exit, as latency or calls
	}
	return cutNone
}

// insideSameLayer tells whether an open no_layer_recurse call has the layer
// of agg: the guide records no callee of such a call "unless the callee
// belongs to a different layer".
func insideSameLayer(t *thread, agg *methodAgg) bool {
	for i := len(t.stack) - 1; i >= 0; i-- {
		a := t.stack[i].agg
		if a.flags&flagNoLayerRecurse != 0 && a.layer.name == agg.layer.name {
			return true
		}
	}
	return false
}

// exit closes the innermost open call of ev.Method. Calls above it on the
// stack lost their Exit (dropped events): they are closed now. An Exit with
// no such open call is counted and ignored.
func (tr *tracker) exit(ev *Event) {
	t := tr.thread(ev.PID, ev.TID, ev.Time, true)
	if t == nil || ev.Method == nil {
		tr.unmatched++
		return
	}
	i := len(t.stack) - 1
	for i >= 0 && t.stack[i].agg.m != ev.Method {
		i--
	}
	if i < 0 {
		tr.unmatched++
		return
	}
	for len(t.stack)-1 > i {
		tr.unwound++
		tr.closeTop(t, ev.Time, false)
	}
	tr.closeTop(t, ev.Time, ev.Exception)
}

// closeTop closes the top call of a thread at now.
func (tr *tracker) closeTop(t *thread, now int64, failed bool) {
	n := len(t.stack)
	f := &t.stack[n-1]
	frag := t.frag
	agg := f.agg
	dur := max(now-f.start, 0)
	agg.st.add(dur, failed)
	agg.pids.add(t.key.pid)
	frag.addLayer(agg.layer, max(dur-f.children, 0))
	if n > 1 {
		t.stack[n-2].children += dur
	}
	if f.sql != "" {
		tr.addSQL(f.sql, dur, failed)
	}
	if f.out != "" {
		tr.addOutbound(f.out, dur, failed)
	}
	if agg.flags&flagNoLayerRecurse != 0 {
		t.nlr--
	}
	fast := n > 1 && dur < tr.lim.minMethod && agg.flags&flagNoTrim == 0
	switch f.cut {
	case cutNone:
		nd := &frag.nodes[f.node]
		nd.end, nd.err = now, failed
		if f.sql != "" {
			nd.sql, nd.arg = true, f.sql
		}
		if fast {
			tr.trimmed.latency++
			frag.removeNode(f.node)
		}
	case cutFull:
		if fast {
			tr.trimmed.latency++
		} else {
			tr.trimmed.calls++
		}
	}
	*f = frame{}
	t.stack = t.stack[:n-1]
	if n == 1 {
		tr.finishFragment(t, now, failed)
	}
}

// finishFragment hands the fragment of a thread whose stack emptied over to
// the fragment stage, keeping the first maximum_method_calls nodes.
func (tr *tracker) finishFragment(t *thread, now int64, failed bool) {
	frag := t.frag
	t.frag = nil
	frag.end = now
	frag.err = failed || frag.attrs.status >= 500
	if extra := len(frag.nodes) - tr.lim.maxCalls; extra > 0 {
		tr.trimmed.calls += uint64(extra)
		clear(frag.nodes[tr.lim.maxCalls:])
		frag.nodes = frag.nodes[:tr.lim.maxCalls]
	}
	tr.out = append(tr.out, frag)
}

// attr records a request attribute for the open call of the thread, or for
// its next fragment when no call is open.
func (tr *tracker) attr(ev *Event) {
	t := tr.thread(ev.PID, ev.TID, ev.Time, false)
	n := len(t.stack)
	switch {
	case (ev.AttrKey == AttrSQL || ev.AttrKey == AttrOutbound) && ev.Duration > 0:
		if ev.AttrKey == AttrSQL {
			tr.addSQL(ev.Value, ev.Duration, ev.Exception)
		} else {
			tr.addOutbound(ev.Value, ev.Duration, ev.Exception)
		}
	case ev.AttrKey == AttrSQL || ev.AttrKey == AttrOutbound:
		if n == 0 {
			tr.orphans++ // no call to take the latency from
			return
		}
		if ev.AttrKey == AttrSQL {
			t.stack[n-1].sql = ev.Value
		} else {
			t.stack[n-1].out = ev.Value
		}
	case n == 0:
		t.pending.set(ev.AttrKey, ev.Value)
		t.hasAttrs = true
	default:
		t.frag.attrs.set(ev.AttrKey, ev.Value)
	}
}

// finish closes the threads still open at the end as incomplete fragments:
// their open calls are not invented, the fragments are not reported.
func (tr *tracker) finish() {
	for _, t := range tr.threads {
		if t.frag != nil {
			tr.incomplete++
			tr.put(t.frag)
			t.frag = nil
			t.stack = t.stack[:0]
		}
	}
}
