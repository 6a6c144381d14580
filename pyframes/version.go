package pyframes

import "fmt"

// Version is a CPython major.minor version.
type Version struct {
	// Major is the major version (3).
	Major int
	// Minor is the minor version (8 for 3.8).
	Minor int
}

// String returns "3.11" style.
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }
