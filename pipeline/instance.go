package pipeline

// instance copies a fragment into a kept Instance with its call tree.
func (fs *fragStage) instance(sr *srAgg, f *fragment) *Instance {
	in := &Instance{
		ServerRequest: sr.key.name,
		Type:          srType(sr.key.http),
		PID:           f.pid,
		TID:           f.tid,
		Start:         f.offset,
		DurationMS:    ms(float64(max(f.end-f.start, 0))),
		Error:         f.err,
		HTTPStatus:    f.attrs.status,
		Inbound:       f.attrs.inbound,
		RemoteIP:      f.attrs.remoteIP,
	}
	if f.attrs.hasURI {
		in.URI = f.attrs.uri
	}
	in.Tree = fs.tree(f.nodes)
	return in
}

// srType names the type of a server request: the guide's "If any method
// reported an URI, the server request type is reported as 'HTTP'; otherwise
// it will show up as "Pseudo"".
func srType(http bool) string {
	if http {
		return "HTTP"
	}
	return "Pseudo"
}

// tree builds the nested tree of an arena (pre-order, parent indexes).
// Exclusive time is a node's duration minus its reported children's, so the
// time of trimmed callees stays in their reported ancestor.
func (fs *fragStage) tree(nodes []node) *TreeNode {
	if len(nodes) == 0 {
		return nil
	}
	all := make([]TreeNode, len(nodes))
	for i := range nodes {
		nd := &nodes[i]
		dur := max(nd.end-nd.start, 0)
		m := nd.agg.m
		all[i] = TreeNode{
			Method:      m.Name,
			Module:      m.Module,
			Class:       m.Class,
			Layer:       nd.agg.layer.name,
			DurationMS:  ms(float64(dur)),
			ExclusiveMS: ms(float64(dur)),
			Error:       nd.err,
			Arg:         fs.arg(nd),
			Children:    []*TreeNode{},
		}
		if p := nd.parent; p >= 0 && int(p) < i {
			parent := &all[p]
			parent.Children = append(parent.Children, &all[i])
			parent.ExclusiveMS -= all[i].DurationMS
		}
	}
	for i := range all {
		all[i].ExclusiveMS = max(all[i].ExclusiveMS, 0)
	}
	return &all[0]
}

// arg is the argument a node shows. SQL text obeys sql_parsing_mode: its
// literals leave only in mode 4.
func (fs *fragStage) arg(nd *node) string {
	if !nd.sql {
		return nd.arg
	}
	if key, ok := fs.sqlArgs[nd.arg]; ok {
		return key
	}
	key, _ := NormalizeSQL(nd.arg, fs.lim.sqlMode)
	if len(fs.sqlArgs) >= rawCacheMax {
		clear(fs.sqlArgs)
	}
	fs.sqlArgs[nd.arg] = key
	return key
}
