package pyframes

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"testing"
	"unicode/utf8"
)

// objectsDump is what testdata/objects.py prints.
type objectsDump struct {
	Version []int `json:"version"`
	Strs    []struct {
		Raw  string `json:"raw"`
		Want []rune `json:"want"`
	} `json:"strs"`
	Ints []struct {
		Raw  string `json:"raw"`
		Want string `json:"want"`
	} `json:"ints"`
	Floats []struct {
		Raw  string `json:"raw"`
		Want string `json:"want"`
	} `json:"floats"`
	Checks [][3]json.RawMessage `json:"checks"`
}

func dumpObjects(t *testing.T, in interpreter, l *Layout) objectsDump {
	t.Helper()
	lj, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(in.path, "testdata/objects.py", string(lj)).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("%s testdata/objects.py: %v\n%s", in.path, err, ee.Stderr)
		}
		t.Fatalf("%s testdata/objects.py: %v", in.path, err)
	}
	var d objectsDump
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("objects.py output: %v", err)
	}
	if len(d.Version) < 2 || d.Version[0] != l.Version.Major || d.Version[1] != l.Version.Minor {
		t.Fatalf("%s is Python %v, want %s", in.path, d.Version, l.Version)
	}
	return d
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeRealObjects decodes str, int and float objects dumped by each
// installed interpreter with the table's offsets, and checks the offsets the
// script read in-process (thread state, frames, code, generators).
func TestDecodeRealObjects(t *testing.T) {
	for _, in := range interpreters(t) {
		t.Run(in.label, func(t *testing.T) {
			l, err := For(in.version)
			if err != nil {
				t.Fatal(err)
			}
			d := dumpObjects(t, in, l)
			for _, s := range d.Strs {
				raw := unhex(t, s.Raw)
				state := binary.LittleEndian.Uint32(raw[l.Unicode.State:])
				length := int(binary.LittleEndian.Uint64(raw[l.Unicode.Length:]))
				off, err := l.StrDataOffset(state)
				if err != nil {
					t.Errorf("%q: %v", string(s.Want), err)
					continue
				}
				got, err := l.DecodeUnicode(state, raw[off:], length)
				want := make([]rune, len(s.Want))
				for i, r := range s.Want {
					if !utf8.ValidRune(r) {
						r = utf8.RuneError
					}
					want[i] = r
				}
				if err != nil || got != string(want) {
					t.Errorf("str %q (state %#x, length %d): got %q, %v", string(want), state, length, got, err)
				}
			}
			for _, i := range d.Ints {
				raw := unhex(t, i.Raw)
				got := DecodeLong(l, raw[l.Long.Header:l.Long.Header+8], raw[l.Long.Digit:])
				if got != i.Want {
					t.Errorf("int %s: got %s", i.Want, got)
				}
			}
			for _, f := range d.Floats {
				raw := unhex(t, f.Raw)
				got, err := DecodeFloat(raw[l.Float.Fval:])
				if err != nil || got != f.Want {
					t.Errorf("float %s: got %s, %v", f.Want, got, err)
				}
			}
			if len(d.Checks) < 20 {
				t.Errorf("only %d in-process checks ran", len(d.Checks))
			}
			for _, c := range d.Checks {
				var name string
				_ = json.Unmarshal(c[0], &name)
				if string(c[1]) != string(c[2]) {
					t.Errorf("%s: read %s, want %s", name, c[1], c[2])
				}
			}
		})
	}
}
