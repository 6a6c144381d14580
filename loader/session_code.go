package loader

import (
	"strings"

	"github.com/hpdiag/hpdiag-trace/bpf"
	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pyframes"
)

// codeState is user space's verdict on one code object of one process.
type codeState struct {
	method   *matcher.Method // nil: not selected
	captures []capture       // what args:n / args:name take, in the point's order
	layout   *pyframes.Layout
}

// capture is one args:n or args:name item of a matched code object: a fast
// local read by the BPF program (slot, and its place arg in the event), or a
// text known once and for all (a module function's args:name).
type capture struct {
	slot   int    // fast-local index; -1 for fixed
	arg    int    // index in the event's args when the verdict was known
	fixed  string // args:name of a function: its module name
	isSelf bool   // args:name of a method: the instance, shown by its type
}

// maxValueLen cuts a captured value, as the shim does.
const maxValueLen = 512

// newCode resolves a code object the BPF program met for the first time,
// writes the verdict back and releases the calls held for it.
func (s *Session) newCode(h hdr, b []byte) {
	ev, ok := view[bpf.E1EvCode](b)
	p := s.procs[h.tgid]
	if !ok || p == nil || p.target == nil {
		return
	}
	t := p.target
	l := t.layout
	utf8 := h.flags&flagUTF8 != 0
	name := codeStr(l, utf8, ev.NameState, ev.Name[:min(int(ev.NameLen), len(ev.Name))])
	file := codeStr(l, utf8, ev.FileState, ev.File[:min(int(ev.FileLen), len(ev.File))])
	// The BPF program cannot read memory that is not resident (swapped out,
	// never touched): read such names the slow way.
	if name == "" {
		name = p.readName(l, utf8, ev.NamePtr, nameMaxRead)
	}
	if file == "" {
		file = p.readName(l, utf8, ev.FilePtr, fileMaxRead)
	}
	ci := matcher.CodeInfo{
		Filename:  file,
		Name:      name,
		FirstLine: int(ev.Firstlineno),
		// USDT probes say nothing of co_flags: a class body named like a
		// selected method would be counted (docs/engines.md).
		Body: !utf8 && ev.CoFlags&l.Code.FlagNewlocals == 0,
	}
	if !utf8 && l.Code.Qualname != pyframes.Absent {
		ci.Qualname = name
		ci.Name = name[strings.LastIndexByte(name, '.')+1:]
	} else if !ci.Body {
		ci.Qualname = p.sourceQualname(file, ci.FirstLine, name)
	}
	cs := &codeState{layout: l, method: s.opts.Matcher.Match(ci)}
	v := bpf.E1Verdict{NamePtr: ev.NamePtr, FilePtr: ev.FilePtr, State: verdictSkip, Slots: [maxArgs]int16{-1, -1, -1, -1}}
	if !utf8 && ev.CoFlags&t.proc.L.GenFlags != 0 {
		v.Gen = 1
	}
	if cs.method != nil {
		s.methods = append(s.methods, cs)
		v.State, v.Method = verdictMatch, uint32(len(s.methods))
		cs.captures = s.captures(p, ev, cs.method)
		for _, c := range cs.captures {
			if c.arg >= 0 {
				v.Slots[c.arg] = int16(c.slot)
			}
		}
	}
	p.codes[h.code] = cs
	s.stats.Codes++
	if err := s.e1.putVerdict(bpf.E1Vkey{Tgid: h.tgid, Code: h.code}, &v); err != nil {
		s.warnf("pid %d: writing a verdict: %v", h.tgid, err)
	}
	s.release()
}

// captures works out where the point's args:n and args:name items are: a
// method's positional arguments come after self or cls, as the guide counts
// them.
func (s *Session) captures(p *traced, ev *bpf.E1EvCode, m *matcher.Method) []capture {
	specs := m.Point.Detail.Args
	if len(specs) == 0 {
		return nil
	}
	argc := int(ev.Argcount)
	first := decodeStr(p.target.layout, ev.FirstState, ev.First[:min(int(ev.FirstLen), len(ev.First))])
	if argc > 0 && first == "" {
		// The BPF program could not read it (not resident): the slow way.
		var err error
		if first, argc, err = p.codeArgs(ev.H.Code); err != nil {
			s.warnf("pid %d: %s: cannot read its argument names, args are not captured: %v", p.pid, m, err)
			return nil
		}
	}
	bound := m.Class != "" && (first == "self" || first == "cls" || first == "klass" || first == "mcs")
	var out []capture
	used := 0
	for _, a := range specs {
		c := capture{slot: -1, arg: -1}
		switch {
		case a.Name && m.Class != "" && first == "self":
			c.slot, c.isSelf = 0, true
		case a.Name:
			// The guide: a function's (or class method's) docstring, else
			// its module's name.
			c.fixed = decodeStr(p.target.layout, ev.DocState, ev.Doc[:min(int(ev.DocLen), len(ev.Doc))])
			if c.fixed == "" {
				c.fixed = m.Module
			}
		default:
			c.slot = a.Index
			if bound {
				c.slot++
			}
			if c.slot >= argc {
				continue // beyond the named positional arguments
			}
		}
		if c.slot >= 0 {
			if used == maxArgs {
				s.warnf("point [%s]: the eBPF engine captures at most %d arguments; the rest are left out", m.Point.Name, maxArgs)
				continue
			}
			c.arg = used
			used++
		}
		out = append(out, c)
	}
	return out
}

// value formats the captured arguments of an Enter as the shim does: each
// value's text, joined by ", ". A call that ran before its verdict was
// known carries its first fast locals instead of the chosen ones.
func (cs *codeState) value(b []byte, pending bool) string {
	ev, ok := view[bpf.E1EvCallArgs](b)
	if !ok {
		return ""
	}
	var sb strings.Builder
	for _, c := range cs.captures {
		var text string
		switch {
		case c.slot < 0:
			text = c.fixed
		case pending && c.slot < maxArgs:
			text, ok = formatArg(cs.layout, &ev.Args[c.slot])
		case !pending:
			text, ok = formatArg(cs.layout, &ev.Args[c.arg])
		default:
			ok = false
		}
		if !ok {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(text)
	}
	return sb.String()
}

// formatArg gives an argument's text: str(value) for str, int, float, bool
// and None, the type's name for anything else.
func formatArg(l *pyframes.Layout, a *bpf.E1ArgVal) (string, bool) {
	data := a.Data[:min(int(a.Len), len(a.Data))]
	switch a.Kind {
	case argStr:
		return cut(decodeStr(l, a.Aux, data)), true
	case argInt:
		if len(data) < 8 {
			return "", false
		}
		return pyframes.DecodeLong(l, data[:8], data[8:]), true
	case argFloat:
		f, err := pyframes.DecodeFloat(data)
		return f, err == nil
	case argTrue:
		return "True", true
	case argFalse:
		return "False", true
	case argNone:
		return "None", true
	case argOther:
		return string(data), true
	}
	return "", false
}

func cut(s string) string {
	if len(s) <= maxValueLen {
		return s
	}
	return s[:maxValueLen]
}

// codeStr decodes a name of an EV_CODE: a str object's data, or the UTF-8
// C string a USDT probe passes.
func codeStr(l *pyframes.Layout, utf8 bool, state uint32, data []byte) string {
	if utf8 {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return decodeStr(l, state, data)
}

// decodeStr decodes the bytes the BPF program copied from a str; a string
// cut by the copy keeps what was read.
func decodeStr(l *pyframes.Layout, state uint32, data []byte) string {
	kind := l.StrState(state).Kind
	if kind == 0 {
		return ""
	}
	s, _ := l.DecodeUnicode(state, data, len(data)/kind)
	return s
}
