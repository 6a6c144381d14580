package shim

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// hello is the first frame of a connection: who the interpreter is.
type hello struct {
	Token        string   `json:"token"`
	PID          int32    `json:"pid"`
	Parent       int32    `json:"parent"` // the forking process, 0 for one the command started
	Version      []int    `json:"version"`
	Release      string   `json:"release"` // sys.version_info.releaselevel
	HexVersion   int64    `json:"hexversion"`
	Impl         string   `json:"impl"`
	FreeThreaded bool     `json:"free_threaded"`
	Executable   string   `json:"executable"`
	Argv         []string `json:"argv"`
	ByteOrder    string   `json:"byteorder"`
	Platform     string   `json:"platform"`
}

// welcome answers a hello.
type welcome struct {
	OK         bool   `json:"ok"`
	Refuse     string `json:"refuse,omitempty"`
	IntervalMS int64  `json:"interval_ms,omitempty"`
	MaxRecords int    `json:"max_records,omitempty"`
	MaxValue   int    `json:"max_value,omitempty"`
	TraceShim  bool   `json:"trace_shim,omitempty"`
	// Methods are the points' method patterns: the shim asks no verdict
	// for a code object whose name none of them matches. Null: ask always.
	Methods []string `json:"methods"`

	// The [Probe] keys the pyprobe API honours (docs/api.md).
	AutoInstrument          bool   `json:"auto_instrument"`
	InstrumentLoadedModules bool   `json:"instrument_loaded_modules"`
	ErrorOnDuplicate        bool   `json:"error_on_duplicate_location"`
	CustomCodeDir           string `json:"custom_code_dir"`
}

// version returns "3.11.7", with the release level when not final
// ("3.13.0rc").
func (h *hello) version() string {
	parts := make([]string, len(h.Version))
	for i, v := range h.Version {
		parts[i] = fmt.Sprint(v)
	}
	s := strings.Join(parts, ".")
	if s == "" {
		s = "(unknown version)"
	}
	if h.Release != "" && h.Release != "final" {
		s += h.Release
	}
	return s
}

// implName is the interpreter's name as people write it.
func (h *hello) implName() string {
	switch h.Impl {
	case "cpython", "":
		return "Python"
	case "pypy":
		return "PyPy"
	default:
		return h.Impl
	}
}

// atLeast reports whether the interpreter's version is at least major.minor.
func (h *hello) atLeast(major, minor int) bool {
	if len(h.Version) < 2 {
		return false
	}
	return h.Version[0] > major || h.Version[0] == major && h.Version[1] >= minor
}

// byteOrder is the order of the words in the interpreter's batches.
func (h *hello) byteOrder() (binary.ByteOrder, bool) {
	switch h.ByteOrder {
	case "little":
		return binary.LittleEndian, true
	case "big":
		return binary.BigEndian, true
	}
	return nil, false
}

// refusal says why the shim cannot trace this interpreter, or "".
func (h *hello) refusal() string {
	who := fmt.Sprintf("%s %s (%s)", h.implName(), h.version(), h.Executable)
	switch {
	case h.Impl != "cpython":
		return who + " cannot be traced: the shim engine supports CPython only; run the app with CPython 3.8 or later"
	case !h.atLeast(3, 8):
		return who + " cannot be traced: the shim engine needs CPython 3.8 or later; run the app with a newer interpreter"
	case h.FreeThreaded:
		return who + " is a free-threaded build, which the shim engine cannot trace yet; run the app with the regular (GIL) build"
	}
	if _, ok := h.byteOrder(); !ok {
		return fmt.Sprintf("%s cannot be traced: unknown byte order %q", who, h.ByteOrder)
	}
	return ""
}
