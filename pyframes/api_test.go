package pyframes

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSupportedAndFor(t *testing.T) {
	vs := Supported()
	if len(vs) == 0 || vs[0] != (Version{3, 8}) {
		t.Fatalf("Supported() = %v, want it to start at 3.8", vs)
	}
	for i, v := range vs {
		if v != (Version{3, 8 + i}) {
			t.Fatalf("Supported() = %v: not 3.8, 3.9, … in order", vs)
		}
		l, err := For(v)
		if err != nil || l.Version != v {
			t.Fatalf("For(%s) = %v, %v", v, l, err)
		}
		l.Code.Name = -42 // a copy: the table must not change
		if l2, _ := For(v); l2.Code.Name == -42 {
			t.Fatalf("For(%s) returned the table itself, not a copy", v)
		}
	}
	if last := vs[len(vs)-1]; last != (Version{3, 14}) {
		t.Errorf("newest supported version %s, want 3.14", last)
	}
	for _, v := range []Version{{3, 7}, {3, 15}, {2, 7}, {4, 0}} {
		_, err := For(v)
		want := "Python " + v.String() + " is not supported by the eBPF engine: supported are 3.8–3.14"
		if err == nil || err.Error() != want {
			t.Errorf("For(%s) error = %v, want %q", v, err, want)
		}
	}
}

// TestDesignTable checks the CPython specifics listed in DESIGN.md against
// the layouts.
func TestDesignTable(t *testing.T) {
	for _, v := range Supported() {
		l, _ := For(v)
		m := v.Minor
		wantArg := 1
		if m == 8 {
			wantArg = 0
		}
		if l.Eval.FrameArg != wantArg || l.Eval.InterpreterFrame != (m >= 11) {
			t.Errorf("%s: frame arg %d, interpreter frame %v", v, l.Eval.FrameArg, l.Eval.InterpreterFrame)
		}
		if (l.Code.Qualname != Absent) != (m >= 11) {
			t.Errorf("%s: co_qualname %d", v, l.Code.Qualname)
		}
		if (l.Thread.Frame != Absent) != (m <= 10) || (l.Thread.CFrame != Absent) != (m == 11 || m == 12) || (l.Thread.CurrentFrame != Absent) != (m >= 13) {
			t.Errorf("%s: current frame fields %+v", v, l.Thread)
		}
		wantASCII := 48
		if m >= 12 {
			wantASCII = 40
		}
		if l.Unicode.ASCIIObjectSize != wantASCII {
			t.Errorf("%s: sizeof(PyASCIIObject) %d, want %d", v, l.Unicode.ASCIIObjectSize, wantASCII)
		}
		if (l.Frame.OwnerCStack != NoState) != (m >= 12) {
			t.Errorf("%s: FRAME_OWNED_BY_CSTACK %d", v, l.Frame.OwnerCStack)
		}
		if (l.Frame.CodeTagMask != 0) != (m >= 14) {
			t.Errorf("%s: code tag mask %#x", v, l.Frame.CodeTagMask)
		}
		if l.HasDebugOffsets() != (m >= 13) {
			t.Errorf("%s: HasDebugOffsets %v", v, l.HasDebugOffsets())
		}
		if (l.Frame.Stacktop != Absent) != (m <= 9) || (l.Frame.State != Absent) != (m == 10) || (l.Gen.FrameState != Absent) != (m >= 11) {
			t.Errorf("%s: yield/return fields stacktop %d state %d gi_frame_state %d", v, l.Frame.Stacktop, l.Frame.State, l.Gen.FrameState)
		}
		if l.Unicode.KindBits != 3 || l.Unicode.CompactBits != 1 || l.Unicode.ASCIIBits != 1 {
			t.Errorf("%s: state bit widths %+v", v, l.Unicode)
		}
		if l.Long.Shift != 30 || l.Long.DigitSize != 4 || l.Long.Tagged != (m >= 12) {
			t.Errorf("%s: long %+v", v, l.Long)
		}
	}
}

// syntheticDebugOffsets builds the _Py_DebugOffsets bytes a process of l's
// version would hold if it agreed with the table.
func syntheticDebugOffsets(t *testing.T, l *Layout) []byte {
	t.Helper()
	mem := make([]byte, l.DebugOffsetsPrefix())
	copy(mem[l.Debug.Cookie:], DebugCookie)
	binary.LittleEndian.PutUint64(mem[l.Debug.Version:], uint64(l.Version.Major)<<24|uint64(l.Version.Minor)<<16|0xf0)
	for _, f := range l.allDebugFields() {
		if f.offset != Absent && *f.field != Absent {
			binary.LittleEndian.PutUint64(mem[f.offset:], uint64(*f.field))
		}
	}
	return mem
}

func TestCheckDebugOffsetsSynthetic(t *testing.T) {
	for _, v := range Supported() {
		l, _ := For(v)
		if !l.HasDebugOffsets() {
			if err := l.CheckDebugOffsets(make([]byte, 1024)); err == nil {
				t.Errorf("%s: CheckDebugOffsets without _Py_DebugOffsets succeeded", v)
			}
			if l.DebugOffsetsPrefix() != 0 {
				t.Errorf("%s: DebugOffsetsPrefix %d", v, l.DebugOffsetsPrefix())
			}
			continue
		}
		if p := l.DebugOffsetsPrefix(); p > l.Debug.Size || p < 8 {
			t.Errorf("%s: prefix %d outside the struct (%d bytes)", v, p, l.Debug.Size)
		}
		good := syntheticDebugOffsets(t, l)
		if err := l.CheckDebugOffsets(good); err != nil {
			t.Errorf("%s: %v", v, err)
		}
		if err := l.CheckDebugOffsets(good[:len(good)-1]); err == nil || !strings.Contains(err.Error(), "need") {
			t.Errorf("%s: short read: %v", v, err)
		}
		bad := append([]byte(nil), good...)
		bad[0] = 'X'
		if err := l.CheckDebugOffsets(bad); err == nil || !strings.Contains(err.Error(), "cookie") {
			t.Errorf("%s: bad cookie: %v", v, err)
		}
		bad = append([]byte(nil), good...)
		binary.LittleEndian.PutUint64(bad[l.Debug.Version:], 3<<24|7<<16)
		if err := l.CheckDebugOffsets(bad); err == nil || !strings.Contains(err.Error(), "process is Python 3.7") {
			t.Errorf("%s: wrong version: %v", v, err)
		}
		bad = append([]byte(nil), good...)
		binary.LittleEndian.PutUint64(bad[l.Debug.FreeThreaded:], 1)
		if err := l.CheckDebugOffsets(bad); err == nil || !strings.Contains(err.Error(), "free-threaded") {
			t.Errorf("%s: free-threaded: %v", v, err)
		}
		bad = append([]byte(nil), good...)
		binary.LittleEndian.PutUint64(bad[l.Debug.CodeName:], 7)
		binary.LittleEndian.PutUint64(bad[l.Debug.UnicodeASCIIObjectSize:], 48)
		err := l.CheckDebugOffsets(bad)
		var de *DebugOffsetsError
		if !errors.As(err, &de) || len(de.Mismatches) != 2 {
			t.Fatalf("%s: two mismatches: %v", v, err)
		}
		for _, want := range []string{
			"code_object.name: table " + itoa(l.Code.Name) + ", process 7",
			"unicode_object.asciiobject_size: table 40, process 48",
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q lacks %q", v, err, want)
			}
		}
		// WithDebugOffsets fills what the table lacks and keeps the rest.
		hole := *l
		hole.Interp.Next, hole.Interp.ThreadsHead = Absent, Absent
		filled := syntheticDebugOffsets(t, &hole)
		binary.LittleEndian.PutUint64(filled[l.Debug.InterpNext:], 1234)
		binary.LittleEndian.PutUint64(filled[l.Debug.InterpThreadsHead:], 5678)
		got, err := hole.WithDebugOffsets(filled)
		if err != nil || got.Interp.Next != 1234 || got.Interp.ThreadsHead != 5678 || got.Code.Name != l.Code.Name {
			t.Errorf("%s: WithDebugOffsets = %+v, %v", v, got.Interp, err)
		}
		if hole.Interp.Next != Absent {
			t.Errorf("%s: WithDebugOffsets changed its receiver", v)
		}
	}
}

func TestDecodeLongTruncatedAndInvalid(t *testing.T) {
	l312, _ := For(Version{3, 12})
	l311, _ := For(Version{3, 11})
	hdr := func(l *Layout, ndigits int, neg bool) []byte {
		b := make([]byte, 8)
		var w uint64
		if l.Long.Tagged {
			w = uint64(ndigits) << uint(l.Long.NonSizeBits)
			switch {
			case ndigits == 0:
				w |= 1
			case neg:
				w |= 2
			}
		} else {
			w = uint64(ndigits)
			if neg {
				w = uint64(-int64(ndigits))
			}
		}
		binary.LittleEndian.PutUint64(b, w)
		return b
	}
	digits := func(ds ...uint32) []byte {
		b := make([]byte, 4*len(ds))
		for i, d := range ds {
			binary.LittleEndian.PutUint32(b[4*i:], d)
		}
		return b
	}
	for _, l := range []*Layout{l311, l312} {
		cases := []struct {
			hdr    []byte
			digits []byte
			want   string
		}{
			{hdr(l, 0, false), nil, "0"},
			{hdr(l, 1, false), digits(5), "5"},
			{hdr(l, 1, true), digits(5), "-5"},
			{hdr(l, 2, false), digits(0, 1), "1073741824"},
			{hdr(l, 3, true), digits(1, 0, 1), "-1152921504606846977"},
			// 5 digits, 2 read: the low 60 bits in hex.
			{hdr(l, 5, false), digits(0x3fffffff, 1), "0x…00000007fffffff"},
			{hdr(l, 4, true), digits(0xabc), "-0x…00000abc"},
			{hdr(l, 2, false), nil, "0x…"},
			{hdr(l, 1, false), digits(1 << 30), "<invalid int: digit 0 is 0x40000000, above 30 bits>"},
			{[]byte{1, 2}, nil, "<invalid int: int header: 2 bytes, need 8>"},
		}
		for _, c := range cases {
			if got := DecodeLong(l, c.hdr, c.digits); got != c.want {
				t.Errorf("%s: DecodeLong(%x, %x) = %q, want %q", l.Version, c.hdr, c.digits, got, c.want)
			}
		}
	}
	bad := make([]byte, 8)
	binary.LittleEndian.PutUint64(bad, 3)
	if got := DecodeLong(l312, bad, nil); !strings.HasPrefix(got, "<invalid int") {
		t.Errorf("lv_tag sign 3: %q", got)
	}
}

func TestDecodeUnicodeErrors(t *testing.T) {
	l, _ := For(Version{3, 12})
	u := l.Unicode
	state := func(kind int, compact, ascii bool) uint32 {
		s := uint32(kind) << uint(u.KindShift)
		if compact {
			s |= 1 << uint(u.CompactShift)
		}
		if ascii {
			s |= 1 << uint(u.ASCIIShift)
		}
		return s
	}
	got, err := l.DecodeUnicode(state(1, true, true), []byte("hel"), 5)
	if got != "hel" || !errors.Is(err, ErrTruncated) {
		t.Errorf("truncated: %q, %v", got, err)
	}
	if _, err := l.DecodeUnicode(state(1, true, true), []byte{0xe9}, 1); err == nil {
		t.Error("non-ASCII byte in an ASCII string accepted")
	}
	if got, err := l.DecodeUnicode(state(1, true, false), []byte{0xe9}, 1); got != "é" || err != nil {
		t.Errorf("latin-1: %q, %v", got, err)
	}
	if got, err := l.DecodeUnicode(state(2, true, false), []byte{0xa9, 0x03, 0x41, 0}, 2); got != "ΩA" || err != nil {
		t.Errorf("UCS-2: %q, %v", got, err)
	}
	if got, err := l.DecodeUnicode(state(4, true, false), []byte{0x00, 0xf6, 0x01, 0}, 1); got != "😀" || err != nil {
		t.Errorf("UCS-4: %q, %v", got, err)
	}
	if _, err := l.DecodeUnicode(state(4, true, false), []byte{0, 0, 0x11, 0}, 1); err == nil {
		t.Error("code point beyond U+10FFFF accepted")
	}
	if _, err := l.DecodeUnicode(state(3, true, false), nil, 0); err == nil {
		t.Error("kind 3 accepted")
	}
	if _, err := l.StrDataOffset(state(1, false, false)); err == nil {
		t.Error("non-compact string given a data offset")
	}
	if off, _ := l.StrDataOffset(state(2, true, false)); off != u.CompactObjectSize {
		t.Errorf("compact non-ASCII data at %d", off)
	}
}

func TestFormatFloat(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{1e16, "1e+16"}, {0.1, "0.1"}, {1.0, "1.0"}, {math.Copysign(0, -1), "-0.0"}, {1e15, "1000000000000000.0"},
		{1e-4, "0.0001"}, {1e-5, "1e-05"}, {123.456, "123.456"}, {1.5e300, "1.5e+300"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {math.NaN(), "nan"}, {5e-324, "5e-324"},
	} {
		if got := FormatFloat(c.f); got != c.want {
			t.Errorf("FormatFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	if _, err := DecodeFloat([]byte{1, 2, 3}); err == nil {
		t.Error("DecodeFloat of 3 bytes succeeded")
	}
}
