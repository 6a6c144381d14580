package loader

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// codeDealloc returns the link-time address of the function that frees
// code objects (code_dealloc in Objects/codeobject.c), read from the
// tp_dealloc slot of PyCode_Type in the interpreter file: the function is
// static, so stripped files do not name it. tpDealloc is the slot's offset
// in PyTypeObject.
//
// The eBPF engine puts a uprobe on it so that a thread's remembered verdict
// on a code object (bpf/threads.h) is forgotten when the object is freed,
// and its address may be reused by another.
func codeDealloc(interp *Interpreter, tpDealloc int) (uint64, error) {
	typ, err := interp.Symbol("PyCode_Type")
	if err != nil {
		return 0, err
	}
	e, err := openELF(interp.Path)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	slot := typ.Value + uint64(tpDealloc)
	addr, err := e.pointerAt(slot)
	if err != nil {
		return 0, fmt.Errorf("%s: PyCode_Type.tp_dealloc: %w", interp.InProcessPath, err)
	}
	if !e.executable(addr) {
		return 0, fmt.Errorf("%s: PyCode_Type.tp_dealloc is %#x, outside the executable segments", interp.InProcessPath, addr)
	}
	return addr, nil
}

// pointerAt returns the link-time value of the pointer stored at vaddr: the
// addend of its R_X86_64_RELATIVE relocation in a position-independent file
// (whose data holds 0 there), else the data itself.
func (e *elfFile) pointerAt(vaddr uint64) (uint64, error) {
	if v, ok := e.relativeAddend(vaddr); ok {
		return v, nil
	}
	b, err := e.readVaddr(vaddr, 8)
	if err != nil {
		return 0, err
	}
	if v := binary.LittleEndian.Uint64(b); v != 0 {
		return v, nil
	}
	return 0, fmt.Errorf("no pointer at %#x", vaddr)
}

// relativeAddend looks for the R_X86_64_RELATIVE relocation of vaddr in the
// file's SHT_RELA sections.
func (e *elfFile) relativeAddend(vaddr uint64) (uint64, bool) {
	if e.f.Class != elf.ELFCLASS64 || e.f.Machine != elf.EM_X86_64 {
		return 0, false
	}
	const relaSize = 24 // Elf64_Rela: r_offset, r_info, r_addend
	for _, s := range e.f.Sections {
		if s.Type != elf.SHT_RELA {
			continue
		}
		data, err := s.Data()
		if err != nil {
			continue
		}
		le := binary.LittleEndian
		for i := 0; i+relaSize <= len(data); i += relaSize {
			if le.Uint64(data[i:]) != vaddr {
				continue
			}
			if elf.R_X86_64(elf.R_TYPE64(le.Uint64(data[i+8:]))) == elf.R_X86_64_RELATIVE {
				return le.Uint64(data[i+16:]), true
			}
		}
	}
	return 0, false
}

// executable reports whether vaddr lies in an executable PT_LOAD segment.
func (e *elfFile) executable(vaddr uint64) bool {
	for _, s := range e.segments {
		if s.Flags&elf.PF_X != 0 && vaddr >= s.Vaddr && vaddr < s.Vaddr+s.Memsz {
			return true
		}
	}
	return false
}
