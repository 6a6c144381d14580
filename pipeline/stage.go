package pipeline

import "sync"

// fragStage is the second stage: it names each finished fragment, updates
// the server request and layer aggregates and keeps the slowest instance
// trees.
type fragStage struct {
	mu     sync.Mutex
	lim    *limits
	mapper *URIMapper

	uris map[string]string // raw URI -> mapped name, a bounded cache
	// sqlArgs: raw statement -> its text in trees (sql_parsing_mode), a
	// bounded cache
	sqlArgs map[string]string
	srs     map[srKey]*srAgg
	layers  []layerAgg // indexed by layerInfo.id

	fragments        uint64
	trimmedFragments uint64
}

func newFragStage(lim *limits, mapper *URIMapper) *fragStage {
	return &fragStage{
		lim:     lim,
		mapper:  mapper,
		uris:    make(map[string]string),
		sqlArgs: make(map[string]string),
		srs:     make(map[srKey]*srAgg),
	}
}

// add folds one finished fragment and returns its server request's key.
// The caller holds mu.
func (fs *fragStage) add(f *fragment) srKey {
	fs.fragments++
	k := srKey{name: f.root.name}
	if f.attrs.hasURI {
		k = srKey{name: fs.mapURI(f.attrs.uri), http: true}
	}
	sr := fs.srs[k]
	if sr == nil {
		sr = &srAgg{key: k}
		fs.srs[k] = sr
	}
	dur := max(f.end-f.start, 0)
	sr.st.add(dur, f.err)
	sr.pids.add(f.pid)
	sr.inbound = sr.inbound || f.attrs.inbound
	for _, l := range f.layers {
		fs.addLayer(l)
	}
	if dur < fs.lim.minFragment {
		fs.trimmedFragments++
		return k
	}
	fs.keep(sr, f, dur)
	return k
}

// mapURI names an HTTP server request; regular expressions are costly, so
// names are cached by raw URI.
func (fs *fragStage) mapURI(uri string) string {
	if name, ok := fs.uris[uri]; ok {
		return name
	}
	name := fs.mapper.Map(uri)
	if len(fs.uris) >= rawCacheMax {
		clear(fs.uris)
	}
	fs.uris[uri] = name
	return name
}

func (fs *fragStage) addLayer(l layerAcc) {
	id := l.info.id
	for len(fs.layers) <= id {
		fs.layers = append(fs.layers, layerAgg{})
	}
	a := &fs.layers[id]
	a.info = l.info
	a.calls += l.calls
	a.exclusive += l.exclusive
	a.fragments++
}

// keep makes f one of the slowest instances of sr when it is slower than
// the fastest kept one. Only kept trees are copied.
func (fs *fragStage) keep(sr *srAgg, f *fragment, dur int64) {
	if fs.lim.keep == 0 {
		return
	}
	if len(sr.kept) < fs.lim.keep {
		sr.kept = append(sr.kept, kept{dur, fs.instance(sr, f)})
		return
	}
	low := 0
	for i, k := range sr.kept {
		if k.dur < sr.kept[low].dur {
			low = i
		}
	}
	if dur > sr.kept[low].dur {
		sr.kept[low] = kept{dur, fs.instance(sr, f)}
	}
}
