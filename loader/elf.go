package loader

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
	"strings"
)

// Symbol is one defined ELF symbol of an interpreter file: its link-time
// virtual address (st_value) and its size in bytes (st_size).
type Symbol struct {
	Name  string // e.g. "_PyEval_EvalFrameDefault"
	Value uint64 // st_value: the link-time virtual address
	Size  uint64 // st_size in bytes (0 when the file does not say)
}

// Segment is one PT_LOAD program header of an ELF file, the unit in which the
// dynamic loader maps the file.
type Segment struct {
	Vaddr  uint64       // p_vaddr
	Offset uint64       // p_offset
	Filesz uint64       // p_filesz
	Memsz  uint64       // p_memsz
	Align  uint64       // p_align
	Flags  elf.ProgFlag // PF_R, PF_W, PF_X
}

// elfFile is an opened ELF file with what discovery reads from it.
type elfFile struct {
	path     string // the path it was opened by (host-visible)
	f        *elf.File
	osf      *os.File
	segments []Segment
}

// openELF opens path as an ELF file. The error names the file and says what
// is wrong with it.
func openELF(path string) (*elfFile, error) {
	osf, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	f, err := elf.NewFile(osf)
	if err != nil {
		osf.Close()
		return nil, fmt.Errorf("%s is not an ELF file (%v)", path, err)
	}
	ef := &elfFile{path: path, f: f, osf: osf}
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		ef.segments = append(ef.segments, Segment{
			Vaddr: p.Vaddr, Offset: p.Off, Filesz: p.Filesz, Memsz: p.Memsz,
			Align: p.Align, Flags: p.Flags,
		})
	}
	return ef, nil
}

// Close closes the file.
func (e *elfFile) Close() error {
	e.f.Close()
	return e.osf.Close()
}

// symbols returns the defined symbols among names, looked up in .dynsym first
// and then in .symtab (a stripped file has only .dynsym). Names not defined
// in the file are absent from the result.
func (e *elfFile) symbols(names []string) map[string]Symbol {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	out := make(map[string]Symbol, len(names))
	add := func(syms []elf.Symbol) {
		for _, s := range syms {
			if !want[s.Name] || s.Section == elf.SHN_UNDEF {
				continue
			}
			if _, dup := out[s.Name]; dup {
				continue
			}
			t := elf.ST_TYPE(s.Info)
			if t != elf.STT_FUNC && t != elf.STT_OBJECT && t != elf.STT_NOTYPE && t != elf.STT_GNU_IFUNC {
				continue
			}
			out[s.Name] = Symbol{Name: s.Name, Value: s.Value, Size: s.Size}
		}
	}
	if ds, err := e.f.DynamicSymbols(); err == nil {
		add(ds)
	}
	if len(out) < len(want) {
		if ss, err := e.f.Symbols(); err == nil {
			add(ss)
		}
	}
	return out
}

// dynDefines reports whether the file's .dynsym defines any of names: a
// cheap first look at files that are probably not Python.
func dynDefines(path string, names ...string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return false
	}
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF {
			continue
		}
		for _, n := range names {
			if s.Name == n {
				return true
			}
		}
	}
	return false
}

// fileOffset converts a link-time virtual address into the offset in the
// file that holds its bytes, through the PT_LOAD segment that contains it.
func fileOffset(path string, segs []Segment, vaddr uint64) (uint64, error) {
	for _, s := range segs {
		if vaddr >= s.Vaddr && vaddr < s.Vaddr+s.Filesz {
			return vaddr - s.Vaddr + s.Offset, nil
		}
	}
	for _, s := range segs {
		if vaddr >= s.Vaddr && vaddr < s.Vaddr+s.Memsz {
			return 0, fmt.Errorf("%s: address %#x lies in the zero-filled (.bss) part of the segment at %#x and has no bytes in the file", path, vaddr, s.Vaddr)
		}
	}
	return 0, fmt.Errorf("%s: address %#x is in no PT_LOAD segment of the file (is the symbol from another file?)", path, vaddr)
}

// readVaddr reads n bytes of the file at link-time virtual address vaddr.
func (e *elfFile) readVaddr(vaddr uint64, n int) ([]byte, error) {
	off, err := fileOffset(e.path, e.segments, vaddr)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, n)
	if _, err := e.osf.ReadAt(buf, int64(off)); err != nil {
		return nil, fmt.Errorf("%s: read %d bytes at file offset %#x (address %#x): %w", e.path, n, off, vaddr, err)
	}
	return buf, nil
}

// sectionData returns the contents of the named section, or nil if the file
// has no such section.
func (e *elfFile) sectionData(name string) ([]byte, *elf.Section, error) {
	s := e.f.Section(name)
	if s == nil || s.Type == elf.SHT_NOBITS {
		return nil, nil, nil
	}
	b, err := s.Data()
	if err != nil {
		return nil, s, fmt.Errorf("%s: read section %s: %w", e.path, name, err)
	}
	return b, s, nil
}

// needed returns the DT_NEEDED entries of the file.
func (e *elfFile) needed() []string {
	l, _ := e.f.DynString(elf.DT_NEEDED)
	return l
}

// dynPaths returns the colon-separated entries of DT_RPATH or DT_RUNPATH.
func (e *elfFile) dynPaths(tag elf.DynTag) []string {
	l, _ := e.f.DynString(tag)
	var out []string
	for _, v := range l {
		for _, p := range strings.Split(v, ":") {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// isELF reports whether the file at path starts with the ELF magic.
func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var m [4]byte
	if _, err := io.ReadFull(f, m[:]); err != nil {
		return false
	}
	return string(m[:]) == elf.ELFMAG
}

// sameArch reports whether the ELF file at path has the class and machine of
// ref, as the dynamic loader requires of a library it loads.
func sameArch(path string, ref *elf.File) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Class == ref.Class && f.Machine == ref.Machine
}
