package pyframes

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// DebugCookie is the first field of _Py_DebugOffsets (3.13+).
const DebugCookie = "xdebugpy"

// debugField pairs a field of _Py_DebugOffsets with the table value it
// duplicates.
type debugField struct {
	name   string // as in pycore_debug_offsets.h, e.g. "thread_state.interp"
	offset int    // offset of the uint64 inside _Py_DebugOffsets
	want   int    // the table's value
}

// allDebugFields lists the fields _Py_DebugOffsets may duplicate, with where
// they sit in it and a pointer to the table entry each duplicates.
func (l *Layout) allDebugFields() []debugFieldRef {
	d := l.Debug
	return []debugFieldRef{
		{"runtime_state.interpreters_head", d.RuntimeInterpretersHead, &l.Runtime.InterpretersHead},
		{"interpreter_state.next", d.InterpNext, &l.Interp.Next},
		{"interpreter_state.threads_head", d.InterpThreadsHead, &l.Interp.ThreadsHead},
		{"thread_state.next", d.ThreadNext, &l.Thread.Next},
		{"thread_state.interp", d.ThreadInterp, &l.Thread.Interp},
		{"thread_state.current_frame", d.ThreadCurrentFrame, &l.Thread.CurrentFrame},
		{"interpreter_frame.size", d.FrameSize, &l.Frame.Size},
		{"interpreter_frame.previous", d.FramePrevious, &l.Frame.Previous},
		{"interpreter_frame.executable", d.FrameExecutable, &l.Frame.Code},
		{"interpreter_frame.localsplus", d.FrameLocalsplus, &l.Frame.Localsplus},
		{"interpreter_frame.owner", d.FrameOwner, &l.Frame.Owner},
		{"code_object.filename", d.CodeFilename, &l.Code.Filename},
		{"code_object.name", d.CodeName, &l.Code.Name},
		{"code_object.qualname", d.CodeQualname, &l.Code.Qualname},
		{"code_object.firstlineno", d.CodeFirstlineno, &l.Code.Firstlineno},
		{"code_object.argcount", d.CodeArgcount, &l.Code.Argcount},
		{"code_object.localsplusnames", d.CodeLocalsplusnames, &l.Code.Localsplusnames},
		{"code_object.localspluskinds", d.CodeLocalspluskinds, &l.Code.Localspluskinds},
		{"pyobject.ob_type", d.ObjectObType, &l.Object.ObType},
		{"type_object.tp_name", d.TypeTpName, &l.Object.TpName},
		{"tuple_object.ob_item", d.TupleObItem, &l.Object.TupleObItem},
		{"tuple_object.ob_size", d.TupleObSize, &l.Object.ObSize},
		{"float_object.ob_fval", d.FloatFval, &l.Float.Fval},
		{"long_object.lv_tag", d.LongLvTag, &l.Long.Header},
		{"long_object.ob_digit", d.LongObDigit, &l.Long.Digit},
		{"unicode_object.state", d.UnicodeState, &l.Unicode.State},
		{"unicode_object.length", d.UnicodeLength, &l.Unicode.Length},
		{"unicode_object.asciiobject_size", d.UnicodeASCIIObjectSize, &l.Unicode.ASCIIObjectSize},
		{"gen_object.gi_iframe", d.GenIFrame, &l.Gen.IFrame},
		{"gen_object.gi_frame_state", d.GenFrameState, &l.Gen.FrameState},
	}
}

// debugFieldRef is a debugField whose table value can be filled in.
type debugFieldRef struct {
	name   string
	offset int
	field  *int
}

// debugFields lists the duplicated fields that both _Py_DebugOffsets and the
// table have.
func (l *Layout) debugFields() []debugField {
	var fs []debugField
	for _, f := range l.allDebugFields() {
		if f.offset != Absent && *f.field != Absent {
			fs = append(fs, debugField{f.name, f.offset, *f.field})
		}
	}
	return fs
}

// HasDebugOffsets reports whether the version has _Py_DebugOffsets at the
// start of _PyRuntime (3.13+).
func (l *Layout) HasDebugOffsets() bool { return l.Debug.Cookie != Absent }

// DebugOffsetsPrefix is how many bytes from the start of _Py_DebugOffsets
// (the start of _PyRuntime plus Runtime.DebugOffsets) CheckDebugOffsets
// needs: up to the end of the last field it compares. 0 before 3.13.
func (l *Layout) DebugOffsetsPrefix() int {
	if !l.HasDebugOffsets() {
		return 0
	}
	end := l.Debug.FreeThreaded + 8
	for _, f := range l.allDebugFields() {
		if f.offset != Absent {
			end = max(end, f.offset+8)
		}
	}
	return end
}

// DebugMismatch is one field of _Py_DebugOffsets that disagrees with the
// table.
type DebugMismatch struct {
	// Field is the name in pycore_debug_offsets.h, e.g. "thread_state.interp".
	Field string
	// Table is the value in this package's layout.
	Table int
	// Process is the value read from the process.
	Process uint64
}

// DebugOffsetsError is returned by CheckDebugOffsets when fields disagree.
type DebugOffsetsError struct {
	// Version is the layout's version.
	Version Version
	// Mismatches lists each disagreeing field.
	Mismatches []DebugMismatch
}

// Error lists each mismatch as "field: table X, process Y".
func (e *DebugOffsetsError) Error() string {
	parts := make([]string, len(e.Mismatches))
	for i, m := range e.Mismatches {
		parts[i] = fmt.Sprintf("%s: table %d, process %d", m.Field, m.Table, m.Process)
	}
	return fmt.Sprintf("_Py_DebugOffsets disagree with the Python %s layout: %s", e.Version, strings.Join(parts, "; "))
}

// CheckDebugOffsets checks the raw bytes of _Py_DebugOffsets read from a live
// process (the first DebugOffsetsPrefix bytes of _PyRuntime on 3.13+): the
// cookie, that the version is this layout's major.minor, that the build is not
// free-threaded, and that every field duplicating the table agrees with it. A
// disagreement is a *DebugOffsetsError.
func (l *Layout) CheckDebugOffsets(mem []byte) error {
	if err := l.checkDebugHeader(mem); err != nil {
		return err
	}
	u64 := func(off int) uint64 { return binary.LittleEndian.Uint64(mem[off:]) }
	var bad []DebugMismatch
	for _, f := range l.debugFields() {
		if got := u64(f.offset); got != uint64(f.want) {
			bad = append(bad, DebugMismatch{Field: f.name, Table: f.want, Process: got})
		}
	}
	if len(bad) > 0 {
		return &DebugOffsetsError{Version: l.Version, Mismatches: bad}
	}
	return nil
}

// checkDebugHeader checks the size, cookie, version and build of the raw
// _Py_DebugOffsets bytes.
func (l *Layout) checkDebugHeader(mem []byte) error {
	if !l.HasDebugOffsets() {
		return fmt.Errorf("Python %s has no _Py_DebugOffsets (3.13+ only)", l.Version)
	}
	if need := l.DebugOffsetsPrefix(); len(mem) < need {
		return fmt.Errorf("_Py_DebugOffsets: got %d bytes, need %d", len(mem), need)
	}
	u64 := func(off int) uint64 { return binary.LittleEndian.Uint64(mem[off:]) }
	if cookie := mem[l.Debug.Cookie : l.Debug.Cookie+len(DebugCookie)]; !bytes.Equal(cookie, []byte(DebugCookie)) {
		return fmt.Errorf("_Py_DebugOffsets: cookie %q, want %q (not the start of _PyRuntime?)", cookie, DebugCookie)
	}
	hex := u64(l.Debug.Version)
	if major, minor := int(hex>>24&0xff), int(hex>>16&0xff); major != l.Version.Major || minor != l.Version.Minor {
		return fmt.Errorf("_Py_DebugOffsets: process is Python %d.%d (version %#x), layout is for %s", major, minor, hex, l.Version)
	}
	if ft := u64(l.Debug.FreeThreaded); ft != 0 {
		return fmt.Errorf("_Py_DebugOffsets: Python %s is a free-threaded build, which has no layout here", l.Version)
	}
	return nil
}

// WithDebugOffsets returns a copy of the layout whose Absent fields that
// _Py_DebugOffsets duplicates are filled in from the raw bytes read from the
// process (on 3.14: Interp.Next and Interp.ThreadsHead, which the hand-made
// table cannot give), after the same header checks as CheckDebugOffsets.
// Fields the table has are not overwritten: use CheckDebugOffsets to compare
// them.
func (l *Layout) WithDebugOffsets(mem []byte) (*Layout, error) {
	if err := l.checkDebugHeader(mem); err != nil {
		return nil, err
	}
	c := *l
	for _, f := range c.allDebugFields() {
		if f.offset == Absent || *f.field != Absent {
			continue
		}
		v := binary.LittleEndian.Uint64(mem[f.offset:])
		if v > 1<<31 {
			return nil, fmt.Errorf("_Py_DebugOffsets %s = %d: implausible offset", f.name, v)
		}
		*f.field = int(v)
	}
	return &c, nil
}
