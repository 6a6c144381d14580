package shim

import (
	"strings"
	"testing"
)

func TestHelloRefusal(t *testing.T) {
	tests := []struct {
		name  string
		hello hello
		want  string // substring of the refusal; "" means accepted
	}{
		{"3.8", hello{Impl: "cpython", Version: []int{3, 8, 18}, ByteOrder: "little"}, ""},
		{"3.13", hello{Impl: "cpython", Version: []int{3, 13, 0}, ByteOrder: "little"}, ""},
		{"future", hello{Impl: "cpython", Version: []int{4, 0, 0}, ByteOrder: "big"}, ""},
		{"2.7", hello{Impl: "cpython", Version: []int{2, 7, 18}, Executable: "/usr/bin/python2", ByteOrder: "little"},
			"Python 2.7.18 (/usr/bin/python2) cannot be traced: the shim engine needs CPython 3.8 or later"},
		{"3.7", hello{Impl: "cpython", Version: []int{3, 7, 16}, ByteOrder: "little"}, "Python 3.7.16"},
		{"3.6", hello{Impl: "cpython", Version: []int{3, 6, 15}, ByteOrder: "little"}, "3.8 or later"},
		{"free-threaded", hello{Impl: "cpython", Version: []int{3, 13, 0}, FreeThreaded: true, ByteOrder: "little"},
			"Python 3.13.0 ( ) is a free-threaded build"},
		{"pypy", hello{Impl: "pypy", Version: []int{3, 10, 14}, ByteOrder: "little"}, "PyPy 3.10.14 ( ) cannot be traced: the shim engine supports CPython only"},
		{"pre-release", hello{Impl: "cpython", Version: []int{3, 7, 0}, Release: "beta", ByteOrder: "little"}, "Python 3.7.0beta"},
		{"no version", hello{Impl: "cpython", ByteOrder: "little"}, "(unknown version)"},
		{"byte order", hello{Impl: "cpython", Version: []int{3, 12, 1}, ByteOrder: "middle"}, `unknown byte order "middle"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.hello.refusal()
			got = strings.Replace(got, "()", "( )", 1)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("refusal = %q, want %q", got, tt.want)
			}
		})
	}
}
