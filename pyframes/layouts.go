package pyframes

import (
	"fmt"
	"strings"
)

// layouts returns every known layout, generated ones first, by minor version.
// The tables are read-only.
func layouts() []Layout {
	all := make([]Layout, 0, len(generatedLayouts)+len(handLayouts))
	all = append(all, generatedLayouts...)
	return append(all, handLayouts...)
}

// Supported returns the versions with a layout, oldest first.
func Supported() []Version {
	var vs []Version
	for _, l := range layouts() {
		vs = append(vs, l.Version)
	}
	return vs
}

// For returns a copy of the layout of version v, or an error naming v and the
// supported range when there is none.
func For(v Version) (*Layout, error) {
	for _, l := range layouts() {
		if l.Version == v {
			l := l
			return &l, nil
		}
	}
	vs := Supported()
	if len(vs) == 0 {
		return nil, fmt.Errorf("Python %s is not supported by the eBPF engine: no layouts are built in", v)
	}
	return nil, fmt.Errorf("Python %s is not supported by the eBPF engine: supported are %s–%s", v, vs[0], vs[len(vs)-1])
}

// String describes the layout in one line.
func (l *Layout) String() string {
	return fmt.Sprintf("CPython %s layout (%s)", l.Version, strings.TrimSpace(l.Source))
}
