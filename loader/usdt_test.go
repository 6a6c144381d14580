package loader

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseUSDTArg(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want USDTArg
		err  string
	}{
		{"-4@%eax", USDTArg{Size: 4, Signed: true, Kind: USDTRegister, Reg: "rax", PtRegsOffset: 80}, ""},
		{"8@%rbx", USDTArg{Size: 8, Kind: USDTRegister, Reg: "rbx", PtRegsOffset: 40}, ""},
		{"8@%r12", USDTArg{Size: 8, Kind: USDTRegister, Reg: "r12", PtRegsOffset: 24}, ""},
		{"-4@%r12d", USDTArg{Size: 4, Signed: true, Kind: USDTRegister, Reg: "r12", PtRegsOffset: 24}, ""},
		{"2@%r9w", USDTArg{Size: 2, Kind: USDTRegister, Reg: "r9", PtRegsOffset: 64}, ""},
		{"1@%sil", USDTArg{Size: 1, Kind: USDTRegister, Reg: "rsi", PtRegsOffset: 104}, ""},
		{"1@%dil", USDTArg{Size: 1, Kind: USDTRegister, Reg: "rdi", PtRegsOffset: 112}, ""},
		{"-4@%ebp", USDTArg{Size: 4, Signed: true, Kind: USDTRegister, Reg: "rbp", PtRegsOffset: 32}, ""},
		{"8@%rsp", USDTArg{Size: 8, Kind: USDTRegister, Reg: "rsp", PtRegsOffset: 152}, ""},
		{"4@%edx", USDTArg{Size: 4, Kind: USDTRegister, Reg: "rdx", PtRegsOffset: 96}, ""},
		{"4@%ecx", USDTArg{Size: 4, Kind: USDTRegister, Reg: "rcx", PtRegsOffset: 88}, ""},
		{"4@%r15d", USDTArg{Size: 4, Kind: USDTRegister, Reg: "r15", PtRegsOffset: 0}, ""},
		{"8@%r8", USDTArg{Size: 8, Kind: USDTRegister, Reg: "r8", PtRegsOffset: 72}, ""},
		{"1@%ah", USDTArg{Size: 1, Kind: USDTRegister, Reg: "rax", PtRegsOffset: 80, HighByte: true}, ""},
		{"8@-8(%rbp)", USDTArg{Size: 8, Kind: USDTRegisterDeref, Reg: "rbp", PtRegsOffset: 32, Offset: -8}, ""},
		{"-4@112(%rsp)", USDTArg{Size: 4, Signed: true, Kind: USDTRegisterDeref, Reg: "rsp", PtRegsOffset: 152, Offset: 112}, ""},
		{"8@(%rdi)", USDTArg{Size: 8, Kind: USDTRegisterDeref, Reg: "rdi", PtRegsOffset: 112}, ""},
		{"8@0x10(%r13)", USDTArg{Size: 8, Kind: USDTRegisterDeref, Reg: "r13", PtRegsOffset: 16, Offset: 16}, ""},
		{"8@8(%rax,%rdx,8)", USDTArg{Size: 8, Kind: USDTRegisterDeref, Reg: "rax", PtRegsOffset: 80, Offset: 8, IndexReg: "rdx", IndexPtRegsOffset: 96, Scale: 8}, ""},
		{"4@$5", USDTArg{Size: 4, Kind: USDTConstant, Value: 5}, ""},
		{"-4@$-1", USDTArg{Size: 4, Signed: true, Kind: USDTConstant, Value: -1}, ""},
		{"8@$0x20", USDTArg{Size: 8, Kind: USDTConstant, Value: 32}, ""},
		{"8@foo(%rip)", USDTArg{Size: 8, Kind: USDTRIPRelative, Reg: "rip", PtRegsOffset: 128, Symbol: "foo"}, ""},
		{"-4@foo+8(%rip)", USDTArg{Size: 4, Signed: true, Kind: USDTRIPRelative, Reg: "rip", PtRegsOffset: 128, Symbol: "foo", Offset: 8}, ""},
		{"4@_ZN3bar.cold-4(%rip)", USDTArg{Size: 4, Kind: USDTRIPRelative, Reg: "rip", PtRegsOffset: 128, Symbol: "_ZN3bar.cold", Offset: -4}, ""},
		{"8@1234(%rip)", USDTArg{Size: 8, Kind: USDTRIPRelative, Reg: "rip", PtRegsOffset: 128, Offset: 1234}, ""},
		{"3@%eax", USDTArg{}, "size 3"},
		{"x@%eax", USDTArg{}, "not a number"},
		{"8@%xmm0", USDTArg{}, "unknown x86_64 register"},
		{"8@foo", USDTArg{}, "is not %reg"},
		{"8@foo(%rbp)", USDTArg{}, "only supported with %rip"},
		{"8@8(%rax,%rdx,3)", USDTArg{}, "scale"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseUSDTArg(tc.spec)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseUSDTArg(%q) = %+v, %v; want an error with %q", tc.spec, got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Spec = tc.spec
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseUSDTArg(%q)\n got %+v\nwant %+v", tc.spec, got, tc.want)
			}
		})
	}
}

func TestParseUSDTArgs(t *testing.T) {
	args, err := ParseUSDTArgs("-4@%eax 8@%rbx 8@-8(%rbp) 8@%r12")
	if err != nil {
		t.Fatal(err)
	}
	if len(args) != 4 || args[2].Kind != USDTRegisterDeref || args[2].Offset != -8 || args[3].PtRegsOffset != 24 {
		t.Errorf("got %+v", args)
	}
	if _, err := ParseUSDTArgs("8@%rax 8@%bogus"); err == nil || !strings.Contains(err.Error(), "argument 2") {
		t.Errorf("want an error naming argument 2, got %v", err)
	}
	if args, err := ParseUSDTArgs(""); err != nil || len(args) != 0 {
		t.Errorf("empty spec: %v %v", args, err)
	}
}

func TestNormalizeRegisterAll(t *testing.T) {
	// Every 64-bit register and every pt_regs offset the brief lists.
	want := map[string]int{"r15": 0, "r14": 8, "r13": 16, "r12": 24, "rbp": 32, "rbx": 40, "r11": 48, "r10": 56,
		"r9": 64, "r8": 72, "rax": 80, "rcx": 88, "rdx": 96, "rsi": 104, "rdi": 112, "rip": 128, "rsp": 152}
	for r, off := range want {
		got, o, _, err := NormalizeRegister("%" + r)
		if err != nil || got != r || o != off {
			t.Errorf("NormalizeRegister(%%%s) = %s %d %v, want %s %d", r, got, o, err, r, off)
		}
	}
	for alias, r := range map[string]string{"eax": "rax", "ax": "rax", "al": "rax", "ebx": "rbx", "bl": "rbx", "cx": "rcx", "dl": "rdx",
		"esi": "rsi", "si": "rsi", "edi": "rdi", "bpl": "rbp", "esp": "rsp", "spl": "rsp", "r10d": "r10", "r11w": "r11", "r14b": "r14", "r13l": "r13", "eip": "rip"} {
		if got, _, _, err := NormalizeRegister(alias); err != nil || got != r {
			t.Errorf("NormalizeRegister(%s) = %s, %v; want %s", alias, got, err, r)
		}
	}
}

func TestUSDTDebianPython311(t *testing.T) {
	const exe = "/usr/bin/python3.11"
	needFile(t, exe)
	probes, err := ReadUSDT(exe)
	if err != nil {
		t.Fatal(err)
	}
	ef, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	text := ef.Section(".text")
	probesSec := ef.Section(".probes")
	byName := map[string]USDTProbe{}
	for _, p := range probes {
		t.Logf("%-40s pc %#x (file %#x) base %#x sema %#x (file %#x) args %q", p, p.PC, p.PCOffset, p.Base, p.Semaphore, p.SemaphoreOffset, p.ArgsSpec)
		if p.Err != nil {
			t.Errorf("%s: %v", p, p.Err)
		}
		if p.Provider != "python" {
			t.Errorf("provider %q", p.Provider)
		}
		if p.PC < text.Addr || p.PC >= text.Addr+text.Size {
			t.Errorf("%s: PC %#x outside .text", p, p.PC)
		}
		if p.PCOffset != p.PC-text.Addr+text.Offset {
			t.Errorf("%s: PCOffset %#x, want %#x", p, p.PCOffset, p.PC-text.Addr+text.Offset)
		}
		if probesSec != nil && p.Semaphore != 0 {
			if p.Semaphore < probesSec.Addr || p.Semaphore >= probesSec.Addr+probesSec.Size {
				t.Errorf("%s: semaphore %#x outside .probes", p, p.Semaphore)
			}
			if p.SemaphoreOffset != p.Semaphore-probesSec.Addr+probesSec.Offset {
				t.Errorf("%s: SemaphoreOffset %#x, want %#x", p, p.SemaphoreOffset, p.Semaphore-probesSec.Addr+probesSec.Offset)
			}
		}
		byName[p.Name] = p
	}
	// Debian's 3.11.2 build has 8 stapsdt notes (readelf -n agrees).
	if len(probes) != 8 {
		t.Errorf("%d probes, want 8", len(probes))
	}
	if out, err := exec.Command("readelf", "-nW", exe).Output(); err == nil {
		if n := strings.Count(string(out), "NT_STAPSDT"); n != len(probes) {
			t.Errorf("readelf -n lists %d stapsdt notes, ReadUSDT %d", n, len(probes))
		}
	}
	for _, n := range []string{"function__entry", "function__return", "line", "gc__start", "gc__done", "import__find__load__start", "import__find__load__done", "audit"} {
		if _, ok := byName[n]; !ok {
			t.Errorf("probe python:%s missing", n)
		}
	}
	for _, n := range []string{"function__entry", "function__return"} {
		p := byName[n]
		if len(p.Args) != 3 {
			t.Fatalf("%s has %d args (%q), want 3", p, len(p.Args), p.ArgsSpec)
		}
		// filename, funcname: 8-byte pointers; lineno: signed 4-byte int.
		if p.Args[0].Size != 8 || p.Args[1].Size != 8 || p.Args[2].Size != 4 || !p.Args[2].Signed {
			t.Errorf("%s args %+v: want 8, 8, -4", p, p.Args)
		}
		if p.Semaphore == 0 || p.SemaphoreOffset == 0 {
			t.Errorf("%s has no semaphore", p)
		}
	}
}

func TestUSDTNone(t *testing.T) {
	lib := filepath.Join(pyenvRoot, "3.12.1", "lib", "libpython3.12.so.1.0")
	needFile(t, lib)
	probes, err := ReadUSDT(lib)
	if err != nil || len(probes) != 0 {
		t.Errorf("pyenv build (no dtrace): %d probes, %v", len(probes), err)
	}
	if _, err := ReadUSDT("/nonexistent/python"); err == nil || !strings.Contains(err.Error(), "/nonexistent/python") {
		t.Errorf("error %v does not name the file", err)
	}
}

// TestUSDTPrelink moves .stapsdt.base in a copy of the Debian binary, as
// prelink does when it relocates a file: PC and semaphore move with it.
func TestUSDTPrelink(t *testing.T) {
	const exe = "/usr/bin/python3.11"
	needFile(t, exe)
	orig, err := ReadUSDT(exe)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	idx := -1
	for i, s := range f.Sections {
		if s.Name == ".stapsdt.base" {
			idx = i
		}
	}
	f.Close()
	if idx < 0 {
		t.Fatal("no .stapsdt.base")
	}
	shoff := binary.LittleEndian.Uint64(b[0x28:])
	shentsize := uint64(binary.LittleEndian.Uint16(b[0x3a:]))
	addrAt := shoff + uint64(idx)*shentsize + 16 // Elf64_Shdr.sh_addr
	const shift = 0x40                           // down: the semaphores are at the end of the file's data
	binary.LittleEndian.PutUint64(b[addrAt:], binary.LittleEndian.Uint64(b[addrAt:])-shift)
	moved := filepath.Join(t.TempDir(), "python3.11")
	if err := os.WriteFile(moved, b, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := ReadUSDT(moved)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(orig) {
		t.Fatalf("%d probes, want %d", len(got), len(orig))
	}
	for i := range got {
		if got[i].Err != nil {
			t.Errorf("%s: %v", got[i], got[i].Err)
		}
		if got[i].PC != orig[i].PC-shift || got[i].PCOffset != orig[i].PCOffset-shift {
			t.Errorf("%s: PC %#x (file %#x), want %#x (file %#x)", got[i], got[i].PC, got[i].PCOffset, orig[i].PC-shift, orig[i].PCOffset-shift)
		}
		if orig[i].Semaphore != 0 && (got[i].Semaphore != orig[i].Semaphore-shift || got[i].SemaphoreOffset != orig[i].SemaphoreOffset-shift) {
			t.Errorf("%s: semaphore %#x, want %#x", got[i], got[i].Semaphore, orig[i].Semaphore-shift)
		}
	}
}

func TestUSDTProbeErrorIsPerProbe(t *testing.T) {
	// Moving .stapsdt.base up pushes the last semaphores past the file's
	// data: those probes carry Err, the others stay usable.
	const exe = "/usr/bin/python3.11"
	needFile(t, exe)
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	var addrAt uint64
	shoff := binary.LittleEndian.Uint64(b[0x28:])
	shentsize := uint64(binary.LittleEndian.Uint16(b[0x3a:]))
	for i, s := range f.Sections {
		if s.Name == ".stapsdt.base" {
			addrAt = shoff + uint64(i)*shentsize + 16
		}
	}
	f.Close()
	binary.LittleEndian.PutUint64(b[addrAt:], binary.LittleEndian.Uint64(b[addrAt:])+0x10)
	moved := filepath.Join(t.TempDir(), "python3.11")
	if err := os.WriteFile(moved, b, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := ReadUSDT(moved)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, p := range got {
		if p.Err != nil {
			bad++
			if !strings.Contains(p.Err.Error(), "semaphore") || !strings.Contains(p.Err.Error(), p.String()) {
				t.Errorf("error %q does not name the probe and its semaphore", p.Err)
			}
		}
	}
	if bad == 0 || bad == len(got) {
		t.Errorf("%d of %d probes unusable; want some, not all", bad, len(got))
	}
}
