package loader

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
)

// Version is a CPython version as the binary itself reports it.
type Version struct {
	Major, Minor, Micro int // 3, 12, 1 for "3.12.1"
	// Suffix is the pre-release part, e.g. "rc1", "a3", and a trailing "+"
	// for builds between releases; "" for a final release.
	Suffix string
}

// String returns the version as "3.12.1" (plus the suffix, as in "3.13.0rc1").
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d%s", v.Major, v.Minor, v.Micro, v.Suffix)
}

// AtLeast reports whether v is major.minor or newer.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// versionFromHex decodes PY_VERSION_HEX (0xMMmmuuLS: level A=0xA, B=0xB,
// C=0xC, final=0xF; S the serial).
func versionFromHex(h uint32) Version {
	v := Version{Major: int(h >> 24 & 0xff), Minor: int(h >> 16 & 0xff), Micro: int(h >> 8 & 0xff)}
	level, serial := h>>4&0xf, h&0xf
	switch level {
	case 0xa:
		v.Suffix = "a" + strconv.Itoa(int(serial))
	case 0xb:
		v.Suffix = "b" + strconv.Itoa(int(serial))
	case 0xc:
		v.Suffix = "rc" + strconv.Itoa(int(serial))
	}
	return v
}

var (
	// nameVersionRe finds major.minor in "python3.11", "libpython3.6m.so.1.0",
	// "libpython3.13t.so", "python3.13td" and reports the ABI flags.
	nameVersionRe = regexp.MustCompile(`python(\d)\.(\d+)([a-z]*)`)
	// pyVersionRe is PY_VERSION as a NUL-terminated string. It may be the
	// tail of a longer string: the compiler merges a literal into the end of
	// another that ends the same way (pyenv's prefix "/root/.pyenv/versions/3.10.13").
	pyVersionRe = regexp.MustCompile(`(\d)\.(\d+)\.(\d+)((?:a|b|rc|c)\d+)?(\+?)\x00`)
	// buildInfoRe matches __DATE__ and __TIME__ of getbuildinfo.c and the
	// format of Py_GetVersion.
	buildInfoRe = regexp.MustCompile(`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-3]\d \d{4}\x00|\x00\d\d:\d\d:\d\d\x00|%\.80s \(%\.80s\) %\.80s\x00`)
	// rodataMajorMinorRe is the "python3.10" (VERSION / lib/python3.10)
	// string that getpath keeps in every build.
	rodataMajorMinorRe = regexp.MustCompile(`\x00(?:lib/)?python(\d)\.(\d+)\x00`)
)

// nameMajorMinor extracts major.minor and the ABI flags from a file name
// such as libpython3.13t.so.1.0; ok is false when the name has no version.
func nameMajorMinor(path string) (major, minor int, flags string, ok bool) {
	m := nameVersionRe.FindStringSubmatch(filepath.Base(path))
	if m == nil {
		return 0, 0, "", false
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor, m[3], true
}

// readVersion reads the interpreter's version from the ELF file: the 4-byte
// Py_Version (PY_VERSION_HEX, 3.11+) when the file defines it, else the
// PY_VERSION string in .rodata. It returns how it found it.
func readVersion(e *elfFile, syms map[string]Symbol, names ...string) (Version, string, error) {
	if s, ok := syms["Py_Version"]; ok {
		b, err := e.readVaddr(s.Value, 4)
		if err != nil {
			return Version{}, "", fmt.Errorf("read Py_Version: %w", err)
		}
		h := binary.LittleEndian.Uint32(b)
		if e.f.ByteOrder == binary.BigEndian {
			h = binary.BigEndian.Uint32(b)
		}
		v := versionFromHex(h)
		if v.Major < 3 || v.Major > 9 {
			return Version{}, "", fmt.Errorf("%s: Py_Version at %#x holds %#08x, not a CPython version", e.path, s.Value, h)
		}
		return v, fmt.Sprintf("Py_Version = %#08x", h), nil
	}
	ro, _, err := e.sectionData(".rodata")
	if err != nil {
		return Version{}, "", err
	}
	if ro == nil {
		return Version{}, "", fmt.Errorf("%s has neither Py_Version nor a .rodata section to find PY_VERSION in", e.path)
	}
	major, minor, have := 0, 0, false
	for _, n := range append([]string{e.path}, names...) {
		if major, minor, _, have = nameMajorMinor(n); have {
			break
		}
	}
	if !have {
		if m := rodataMajorMinorRe.FindSubmatch(ro); m != nil {
			major, _ = strconv.Atoi(string(m[1]))
			minor, _ = strconv.Atoi(string(m[2]))
			have = true
		}
	}
	v, how, err := findPyVersion(ro, major, minor, have)
	if err != nil {
		return Version{}, "", fmt.Errorf("%s: %w", e.path, err)
	}
	return v, how, nil
}

// findPyVersion finds PY_VERSION in the contents of .rodata. When wantOK,
// only versions of major.minor count. A string of its own (preceded by NUL)
// beats the tail of a longer one; among equals, the one nearest to the
// build-info strings of getversion.c/getbuildinfo.c (__DATE__, __TIME__,
// "%.80s (%.80s) %.80s") wins, then the first.
func findPyVersion(ro []byte, major, minor int, wantOK bool) (Version, string, error) {
	type cand struct {
		v     Version
		score int
		pos   int
	}
	var cands []cand
	for _, loc := range pyVersionRe.FindAllSubmatchIndex(ro, -1) {
		start := loc[0]
		if start > 0 {
			if c := ro[start-1]; c == '.' || (c >= '0' && c <= '9') {
				continue // "12.2.0" inside "GCC 12.2.0", "2.2.5" inside "GLIBC_2.2.5"
			}
		}
		g := func(i int) string {
			if loc[2*i] < 0 {
				return ""
			}
			return string(ro[loc[2*i]:loc[2*i+1]])
		}
		var v Version
		v.Major, _ = strconv.Atoi(g(1))
		v.Minor, _ = strconv.Atoi(g(2))
		v.Micro, _ = strconv.Atoi(g(3))
		v.Suffix = g(4) + g(5)
		if v.Major < 2 || v.Major > 3 {
			continue
		}
		if wantOK && (v.Major != major || v.Minor != minor) {
			continue
		}
		score := 1
		if start == 0 || ro[start-1] == 0 {
			score = 2
		}
		cands = append(cands, cand{v, score, start})
	}
	if len(cands) == 0 {
		if wantOK {
			return Version{}, "", fmt.Errorf("no PY_VERSION string for %d.%d in .rodata (the file may not be CPython, or is a build this tracer does not know)", major, minor)
		}
		return Version{}, "", fmt.Errorf("no PY_VERSION string in .rodata and no version in the file name")
	}
	top := 0
	for _, c := range cands {
		top = max(top, c.score)
	}
	var best []cand
	distinct := map[Version]bool{}
	for _, c := range cands {
		if c.score == top {
			best = append(best, c)
			distinct[c.v] = true
		}
	}
	pick := best[0]
	how := fmt.Sprintf("PY_VERSION string %q at .rodata+%#x", pick.v.String(), pick.pos)
	if len(distinct) > 1 {
		anchors := buildInfoRe.FindAllIndex(ro, -1)
		dist := func(pos int) int {
			d := len(ro)
			for _, a := range anchors {
				d = min(d, abs(a[0]-pos))
			}
			return d
		}
		for _, c := range best[1:] {
			if dist(c.pos) < dist(pick.pos) {
				pick = c
			}
		}
		how = fmt.Sprintf("PY_VERSION string %q at .rodata+%#x, of %d different candidates the nearest to the build-info strings", pick.v.String(), pick.pos, len(distinct))
	}
	return pick.v, how, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
