package loader

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Mapping is one line of /proc/PID/maps.
type Mapping struct {
	Start, End uint64 // [Start, End) in the process's address space
	Perms      string // e.g. "r-xp"
	Offset     uint64 // file offset of Start
	DevMajor   uint32 // major number of the file's device
	DevMinor   uint32 // minor number of that device
	Inode      uint64 // inode of the file, 0 for anonymous memory
	Path       string // as the process names it; "" for anonymous memory
	Deleted    bool   // the path carried " (deleted)": the file was replaced or removed
}

// ReadMaps reads and parses /proc/PID/maps.
func ReadMaps(pid int) ([]Mapping, error) {
	name := fmt.Sprintf("/proc/%d/maps", pid)
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w%s", name, err, pidHint(pid, err))
	}
	m, err := ParseMaps(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// ParseMaps parses the text of a /proc/PID/maps file.
func ParseMaps(text []byte) ([]Mapping, error) {
	var out []Mapping
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" {
			continue
		}
		m, err := parseMapsLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %w", n, line, err)
		}
		out = append(out, m)
	}
	return out, sc.Err()
}

func parseMapsLine(line string) (Mapping, error) {
	var m Mapping
	// address perms offset dev inode [path]; the path may contain spaces.
	fields := make([]string, 0, 6)
	rest := line
	for i := 0; i < 5; i++ {
		rest = strings.TrimLeft(rest, " ")
		j := strings.IndexByte(rest, ' ')
		if j < 0 {
			fields = append(fields, rest)
			rest = ""
			break
		}
		fields = append(fields, rest[:j])
		rest = rest[j:]
	}
	if len(fields) < 5 {
		return m, fmt.Errorf("want at least 5 fields, got %d", len(fields))
	}
	a, b, ok := strings.Cut(fields[0], "-")
	if !ok {
		return m, fmt.Errorf("address range %q has no '-'", fields[0])
	}
	var err error
	if m.Start, err = strconv.ParseUint(a, 16, 64); err != nil {
		return m, fmt.Errorf("start address: %w", err)
	}
	if m.End, err = strconv.ParseUint(b, 16, 64); err != nil {
		return m, fmt.Errorf("end address: %w", err)
	}
	m.Perms = fields[1]
	if m.Offset, err = strconv.ParseUint(fields[2], 16, 64); err != nil {
		return m, fmt.Errorf("offset: %w", err)
	}
	maj, mnr, ok := strings.Cut(fields[3], ":")
	if !ok {
		return m, fmt.Errorf("device %q has no ':'", fields[3])
	}
	v, err := strconv.ParseUint(maj, 16, 32)
	if err != nil {
		return m, fmt.Errorf("device major: %w", err)
	}
	m.DevMajor = uint32(v)
	if v, err = strconv.ParseUint(mnr, 16, 32); err != nil {
		return m, fmt.Errorf("device minor: %w", err)
	}
	m.DevMinor = uint32(v)
	if m.Inode, err = strconv.ParseUint(fields[4], 10, 64); err != nil {
		return m, fmt.Errorf("inode: %w", err)
	}
	p := strings.TrimLeft(rest, " ")
	if strings.HasSuffix(p, " (deleted)") {
		p = strings.TrimSuffix(p, " (deleted)")
		m.Deleted = true
	}
	m.Path = p
	return m, nil
}

// IsFile reports whether the mapping is backed by a regular file (not
// anonymous memory, the heap, the stack or [vdso]).
func (m Mapping) IsFile() bool {
	return strings.HasPrefix(m.Path, "/") && m.Inode != 0
}

// pageSize is the page size the dynamic loader aligns segments to.
var pageSize = uint64(os.Getpagesize())

// LoadBias computes the load bias of an ELF file in a process: the number
// added to a link-time virtual address (a symbol's st_value) to get its
// runtime address. maps are the process's mappings of that one file, segs
// the file's PT_LOAD segments. It uses the mapping at file offset 0 and the
// PT_LOAD with file offset 0 (bias = mapping start - page-aligned p_vaddr);
// when the process has no mapping at offset 0 it matches another mapping's
// offset to its segment. A non-PIE executable has bias 0.
func LoadBias(path string, maps []Mapping, segs []Segment) (uint64, error) {
	if len(segs) == 0 {
		return 0, fmt.Errorf("%s has no PT_LOAD segment", path)
	}
	if len(maps) == 0 {
		return 0, fmt.Errorf("%s is not mapped in the process", path)
	}
	align := func(v uint64) uint64 { return v &^ (pageSize - 1) }
	// First choice: offset 0.
	for _, m := range maps {
		if m.Offset != 0 {
			continue
		}
		for _, s := range segs {
			if align(s.Offset) == 0 {
				return m.Start - align(s.Vaddr), nil
			}
		}
	}
	for _, m := range maps {
		for _, s := range segs {
			if align(s.Offset) == m.Offset {
				return m.Start - align(s.Vaddr), nil
			}
		}
	}
	return 0, fmt.Errorf("%s: none of its %d mappings (first at %#x, file offset %#x) matches the file offset of a PT_LOAD segment; is the file on disk the one the process mapped?", path, len(maps), maps[0].Start, maps[0].Offset)
}
