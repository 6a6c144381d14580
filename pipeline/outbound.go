package pipeline

import "strings"

// addSQL aggregates one executed statement under its NormalizeSQL key.
func (tr *tracker) addSQL(text string, dur int64, failed bool) {
	if tr.lim.sqlMode == SQLModeNone {
		return
	}
	a := tr.sqlRaw[text]
	if a == nil {
		key, ok := NormalizeSQL(text, tr.lim.sqlMode)
		if !ok {
			return
		}
		if a = tr.sqlKey[key]; a == nil {
			a = &sqlAgg{key: key, category: sqlCategory(text)}
			tr.sqlKey[key] = a
		}
		if len(tr.sqlRaw) >= rawCacheMax {
			clear(tr.sqlRaw)
		}
		tr.sqlRaw[text] = a
	}
	a.st.add(dur, failed)
	if dur >= tr.lim.minSQL {
		a.trended = true
	}
}

// addOutbound aggregates one outbound call under its target identity.
func (tr *tracker) addOutbound(target string, dur int64, failed bool) {
	raw := target
	if !tr.lim.showURL {
		raw = outboundPrefix(target)
	}
	a := tr.outRaw[raw]
	if a == nil {
		key := raw
		if !tr.lim.showURL {
			key = OutboundIdentity(target)
		}
		if a = tr.outKey[key]; a == nil {
			a = &outAgg{target: key}
			tr.outKey[key] = a
		}
		if len(tr.outRaw) >= rawCacheMax {
			clear(tr.outRaw)
		}
		tr.outRaw[raw] = a
	}
	a.st.add(dur, failed)
}

// outboundPrefix returns the part of a target OutboundIdentity is made of,
// without allocating: scheme://authority, or what precedes the first '/'.
func outboundPrefix(target string) string {
	if i := strings.Index(target, "://"); i > 0 {
		rest := target[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			return target[:i+3+j]
		}
		return target
	}
	if j := strings.IndexAny(target, "/?#"); j >= 0 {
		return target[:j]
	}
	return target
}

// defaultPort returns the port added to targets written without one.
func defaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}

// OutboundIdentity returns the identity of an outbound call when
// http_client_show_url is false: scheme://host:port. User information
// (user:password@) is dropped, the scheme and host are lower-cased, and a
// missing port is the scheme's default for http, https, ws and wss. A
// target with no scheme keeps what precedes its first '/'.
func OutboundIdentity(target string) string {
	p := outboundPrefix(target)
	i := strings.Index(p, "://")
	if i <= 0 {
		return p
	}
	scheme := strings.ToLower(p[:i])
	host := p[i+3:]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	host = strings.ToLower(host)
	if port := defaultPort(scheme); port != "" && !hasPort(host) {
		host += ":" + port
	}
	return scheme + "://" + host
}

// hasPort tells whether a host (name, IPv4 or [IPv6]) carries a port.
func hasPort(host string) bool {
	colon := strings.LastIndexByte(host, ':')
	return colon >= 0 && colon > strings.LastIndexByte(host, ']')
}
