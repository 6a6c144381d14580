package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// DefaultLibDirs are the directories the dynamic loader searches last.
var DefaultLibDirs = []string{"/lib", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"}

// LDCachePath is the dynamic loader's cache of library names.
var LDCachePath = "/etc/ld.so.cache"

// LDCacheEntry is one library of /etc/ld.so.cache.
type LDCacheEntry struct {
	Name  string // soname, e.g. libpython3.11.so.1.0
	Path  string // where it is
	Flags int32  // ld.so's flags: type and architecture
}

const (
	ldCacheNewMagic = "glibc-ld.so.cache1.1"
	ldCacheOldMagic = "ld.so-1.7.0"
)

// ParseLDCache parses the contents of /etc/ld.so.cache (the glibc "new"
// format, alone or after the old one).
func ParseLDCache(b []byte) ([]LDCacheEntry, error) {
	base := 0
	if bytes.HasPrefix(b, []byte(ldCacheOldMagic)) {
		// Old header: magic[11], nlibs uint32, then 12-byte entries; the new
		// format follows, aligned to 8 bytes.
		if len(b) < 16 {
			return nil, fmt.Errorf("old-format header truncated")
		}
		n := int(binary.LittleEndian.Uint32(b[12:16]))
		base = 16 + 12*n
		base = (base + 7) &^ 7
		if base > len(b) || !bytes.HasPrefix(b[base:], []byte(ldCacheNewMagic)) {
			return nil, fmt.Errorf("old-format cache without the new format; not supported")
		}
	}
	if !bytes.HasPrefix(b[base:], []byte(ldCacheNewMagic)) {
		return nil, fmt.Errorf("not an ld.so cache (magic %q)", string(b[base:min(len(b), base+20)]))
	}
	h := b[base:]
	if len(h) < 48 {
		return nil, fmt.Errorf("header truncated")
	}
	n := int(binary.LittleEndian.Uint32(h[20:24]))
	const entSize = 24
	ents := h[48:]
	if n < 0 || len(ents) < n*entSize {
		return nil, fmt.Errorf("%d entries do not fit in %d bytes", n, len(ents))
	}
	str := func(off uint32) string {
		// String offsets of the new format are from the start of the new header.
		o := base + int(off)
		if o >= len(b) {
			return ""
		}
		end := bytes.IndexByte(b[o:], 0)
		if end < 0 {
			return ""
		}
		return string(b[o : o+end])
	}
	out := make([]LDCacheEntry, 0, n)
	for i := 0; i < n; i++ {
		e := ents[i*entSize:]
		out = append(out, LDCacheEntry{
			Flags: int32(binary.LittleEndian.Uint32(e[0:4])),
			Name:  str(binary.LittleEndian.Uint32(e[4:8])),
			Path:  str(binary.LittleEndian.Uint32(e[8:12])),
		})
	}
	return out, nil
}

// ParseLDConfigP parses the output of `ldconfig -p`.
func ParseLDConfigP(out []byte) []LDCacheEntry {
	var res []LDCacheEntry
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		name, rest, ok := strings.Cut(line, " (")
		if !ok {
			continue
		}
		_, path, ok := strings.Cut(rest, "=> ")
		if !ok {
			continue
		}
		var fl int32
		if strings.Contains(rest, "x86-64") {
			fl = 0x0303
		}
		res = append(res, LDCacheEntry{Name: name, Path: strings.TrimSpace(path), Flags: fl})
	}
	return res
}

var ldCaches struct {
	sync.Mutex
	byRoot map[fsRoot]ldCacheResult
}

type ldCacheResult struct {
	entries []LDCacheEntry
	err     error
}

// loadLDCache reads the system's cache once: the file, or `ldconfig -p`
// when the file cannot be parsed.
func loadLDCache() ([]LDCacheEntry, error) { return loadLDCacheIn("") }

// loadLDCacheIn reads the ld.so.cache of root r once (a container's own).
// For the tracer's root it falls back to `ldconfig -p` when the file cannot
// be parsed.
func readLDCache(r fsRoot) ldCacheResult {
	h, err := r.open(LDCachePath)
	if err != nil {
		return ldCacheResult{err: err}
	}
	b, err := os.ReadFile(h)
	if err != nil {
		return ldCacheResult{err: err}
	}
	ents, err := ParseLDCache(b)
	if err != nil {
		return ldCacheResult{err: fmt.Errorf("%s: %w", h, err)}
	}
	return ldCacheResult{entries: ents}
}

func loadLDCacheIn(r fsRoot) ([]LDCacheEntry, error) {
	ldCaches.Lock()
	defer ldCaches.Unlock()
	if res, ok := ldCaches.byRoot[r]; ok {
		return res.entries, res.err
	}
	res := readLDCache(r)
	if res.err != nil && r == "" {
		for _, ldc := range []string{"/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"} {
			if out, err := exec.Command(ldc, "-p").Output(); err == nil {
				res = ldCacheResult{entries: ParseLDConfigP(out)}
				break
			}
		}
	}
	if ldCaches.byRoot == nil {
		ldCaches.byRoot = map[fsRoot]ldCacheResult{}
	}
	ldCaches.byRoot[r] = res
	return res.entries, res.err
}

// libSearch is what resolving a DT_NEEDED name uses, as the dynamic loader
// does: the executable's DT_RPATH (ignored when it has DT_RUNPATH),
// LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, then DefaultLibDirs.
type libSearch struct {
	root           fsRoot // the process's root directory ("" = the tracer's)
	exe            string // resolved in-root path of the executable ($ORIGIN)
	rpath, runpath []string
	ldLibraryPath  string
	cache          func() ([]LDCacheEntry, error)
	ref            *elf.File // class and machine a library must match
}

// expandDST expands $ORIGIN, $LIB and $PLATFORM in an rpath entry; $LIB and
// $PLATFORM give more than one candidate.
func expandDST(p, origin string) []string {
	r := strings.NewReplacer("${ORIGIN}", origin, "$ORIGIN", origin)
	p = r.Replace(p)
	outs := []string{p}
	for _, v := range []struct {
		names []string
		vals  []string
	}{
		{[]string{"${LIB}", "$LIB"}, []string{"lib/x86_64-linux-gnu", "lib64", "lib"}},
		{[]string{"${PLATFORM}", "$PLATFORM"}, []string{runtimePlatform()}},
	} {
		var next []string
		for _, o := range outs {
			hit := false
			for _, n := range v.names {
				if strings.Contains(o, n) {
					hit = true
					for _, val := range v.vals {
						next = append(next, strings.ReplaceAll(o, n, val))
					}
					break
				}
			}
			if !hit {
				next = append(next, o)
			}
		}
		outs = next
	}
	return outs
}

func runtimePlatform() string {
	if runtime.GOARCH == "amd64" {
		return "x86_64"
	}
	return runtime.GOARCH
}

// resolve finds the file the dynamic loader would load for DT_NEEDED name:
// its in-root path and the tracer's path to open it. It returns the paths
// it tried when it finds none.
func (s *libSearch) resolve(name string) (inRoot, open string, tried []string) {
	try := func(p, note string) bool {
		tried = append(tried, s.root.host(p)+note)
		h, err := s.root.open(p)
		if err != nil {
			return false
		}
		st, err := os.Stat(h)
		if err != nil || !st.Mode().IsRegular() || (s.ref != nil && !sameArch(h, s.ref)) {
			return false
		}
		inRoot, open = p, h
		return true
	}
	if strings.Contains(name, "/") {
		try(name, "")
		return
	}
	origin := filepath.Dir(s.exe)
	dirs := func(list []string) []string {
		var out []string
		for _, d := range list {
			out = append(out, expandDST(d, origin)...)
		}
		return out
	}
	if len(s.runpath) == 0 {
		for _, d := range dirs(s.rpath) {
			if try(filepath.Join(d, name), " (DT_RPATH)") {
				return
			}
		}
	}
	if s.ldLibraryPath != "" {
		for _, d := range strings.FieldsFunc(s.ldLibraryPath, func(r rune) bool { return r == ':' || r == ';' }) {
			for _, dd := range expandDST(d, origin) {
				if try(filepath.Join(dd, name), " (LD_LIBRARY_PATH)") {
					return
				}
			}
		}
	}
	for _, d := range dirs(s.runpath) {
		if try(filepath.Join(d, name), " (DT_RUNPATH)") {
			return
		}
	}
	if s.cache != nil {
		if ents, err := s.cache(); err == nil {
			for _, e := range ents {
				if e.Name != name {
					continue
				}
				if runtime.GOARCH == "amd64" && e.Flags&0xff00 != 0x0300 && e.Flags != 0 {
					continue // a 32-bit or x32 library
				}
				if try(e.Path, " (ld.so.cache)") {
					return
				}
			}
		} else {
			tried = append(tried, "ld.so.cache unreadable: "+err.Error())
		}
	}
	for _, d := range DefaultLibDirs {
		if try(filepath.Join(d, name), "") {
			return
		}
	}
	return "", "", tried
}
