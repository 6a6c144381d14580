package loader

import (
	"debug/elf"
	"fmt"
	"strconv"
	"strings"
)

// USDTArgKind says where a USDT argument's value is.
type USDTArgKind int

// The kinds of USDT argument location.
const (
	// USDTRegister: the value is in register Reg.
	USDTRegister USDTArgKind = iota + 1
	// USDTRegisterDeref: the value is in memory at Reg + Offset (plus
	// IndexReg * Scale when IndexReg is set).
	USDTRegisterDeref
	// USDTConstant: the value is Value.
	USDTConstant
	// USDTRIPRelative: the value is in memory at a link-time address:
	// Symbol's value (SymbolValue) + Offset, plus the load bias at run time.
	// Without a Symbol ("8@16(%rip)") the displacement is relative to an
	// instruction the note does not name: such an argument cannot be read.
	USDTRIPRelative
)

// String returns the kind's name.
func (k USDTArgKind) String() string {
	switch k {
	case USDTRegister:
		return "register"
	case USDTRegisterDeref:
		return "register-deref"
	case USDTConstant:
		return "constant"
	case USDTRIPRelative:
		return "rip-relative"
	}
	return "USDTArgKind(" + strconv.Itoa(int(k)) + ")"
}

// USDTArg is one parsed argument spec of a USDT probe, e.g. "-4@%eax",
// "8@-8(%rbp)", "4@$5", "8@foo(%rip)".
type USDTArg struct {
	Size   int         // bytes: 1, 2, 4 or 8
	Signed bool        // the spec's size was negative
	Kind   USDTArgKind // where the value is
	// Reg is the register, normalized to its 64-bit name (eax -> rax,
	// r12d -> r12); "rip" for rip-relative arguments.
	Reg string
	// PtRegsOffset is Reg's byte offset in the x86_64 struct pt_regs.
	PtRegsOffset int
	// HighByte is set for %ah, %bh, %ch, %dh: the value is bits 8-15 of Reg.
	HighByte bool
	// IndexReg, IndexPtRegsOffset and Scale describe an indexed operand
	// "off(%base,%index,scale)"; IndexReg is "" otherwise.
	IndexReg          string // the index register's 64-bit name, "" if none
	IndexPtRegsOffset int    // the index register's pt_regs offset
	Scale             int    // 1, 2, 4 or 8 with an index register
	Offset            int64  // displacement (deref and rip-relative)
	Value             int64  // constant
	Symbol            string // rip-relative: the symbol named in the spec, if any
	SymbolValue       uint64 // rip-relative: its st_value in the file, 0 if not found
	Spec              string // the spec as written
}

// USDTProbe is one SystemTap SDT probe of an ELF file (.note.stapsdt).
// With cilium/ebpf attach it as
//
//	ex.Uprobe("", prog, &link.UprobeOptions{Address: p.PCOffset, RefCtrOffset: p.SemaphoreOffset, PID: pid})
//
// (UprobeOptions.Address is a file offset, not a virtual address).
type USDTProbe struct {
	Provider, Name string // "python", "function__entry"
	// PC, Base and Semaphore are link-time virtual addresses, PC and
	// Semaphore adjusted for prelink (by the difference between .stapsdt.base
	// and Base). Semaphore is 0 when the probe has none.
	PC, Base, Semaphore uint64
	// PCOffset is the file offset of PC: where the uprobe is attached.
	PCOffset uint64
	// SemaphoreOffset is the file offset of the semaphore, what cilium/ebpf
	// wants in UprobeOptions.RefCtrOffset; 0 when there is no semaphore.
	SemaphoreOffset uint64
	Args            []USDTArg // parsed from ArgsSpec
	// ArgsSpec is the argument string as written in the note.
	ArgsSpec string
	// Err is set when the probe cannot be used: ArgsSpec does not parse
	// (Args is then empty), or PC or the semaphore lies in no PT_LOAD bytes
	// of the file (the offset is then 0). The other probes stay usable.
	Err error
}

// String gives "provider:name".
func (p USDTProbe) String() string { return p.Provider + ":" + p.Name }

// USDT returns the USDT probes of the interpreter file.
func (i *Interpreter) USDT() ([]USDTProbe, error) { return ReadUSDT(i.Path) }

const ntStapsdt = 3

// ReadUSDT parses the .note.stapsdt section of the ELF file at path. A file
// without the section has no probes (nil, nil).
func ReadUSDT(path string) ([]USDTProbe, error) {
	e, err := openELF(path)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	sec := e.f.Section(".note.stapsdt")
	if sec == nil {
		return nil, nil
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("%s: read .note.stapsdt: %w", path, err)
	}
	var baseAddr uint64
	haveBase := false
	if b := e.f.Section(".stapsdt.base"); b != nil {
		baseAddr, haveBase = b.Addr, true
	}
	bo := e.f.ByteOrder
	addrSize := 8
	if e.f.Class == elf.ELFCLASS32 {
		addrSize = 4
	}
	readAddr := func(b []byte) uint64 {
		if addrSize == 4 {
			return uint64(bo.Uint32(b))
		}
		return bo.Uint64(b)
	}
	var symNames []string
	var probes []USDTProbe
	for off := 0; off+12 <= len(data); {
		namesz := int(bo.Uint32(data[off:]))
		descsz := int(bo.Uint32(data[off+4:]))
		typ := bo.Uint32(data[off+8:])
		nameOff := off + 12
		descOff := nameOff + align4(namesz)
		next := descOff + align4(descsz)
		if descOff+descsz > len(data) || namesz < 0 || descsz < 0 {
			return nil, fmt.Errorf("%s: .note.stapsdt note at +%#x is truncated (namesz %d, descsz %d, section %d bytes)", path, off, namesz, descsz, len(data))
		}
		name := strings.TrimRight(string(data[nameOff:nameOff+namesz]), "\x00")
		desc := data[descOff : descOff+descsz]
		off = next
		if name != "stapsdt" || typ != ntStapsdt {
			continue
		}
		if len(desc) < 3*addrSize {
			return nil, fmt.Errorf("%s: stapsdt note of %d bytes is shorter than its 3 addresses", path, len(desc))
		}
		p := USDTProbe{
			PC:        readAddr(desc),
			Base:      readAddr(desc[addrSize:]),
			Semaphore: readAddr(desc[2*addrSize:]),
		}
		strs := strings.SplitN(string(desc[3*addrSize:]), "\x00", 4)
		if len(strs) < 3 {
			return nil, fmt.Errorf("%s: stapsdt note at PC %#x lacks provider, name or arguments", path, p.PC)
		}
		p.Provider, p.Name, p.ArgsSpec = strs[0], strs[1], strs[2]
		if haveBase && p.Base != 0 {
			// Prelink moved the file: shift by how much .stapsdt.base moved.
			diff := baseAddr - p.Base
			p.PC += diff
			if p.Semaphore != 0 {
				p.Semaphore += diff
			}
		}
		var errs []string
		if p.PCOffset, err = fileOffset(path, e.segments, p.PC); err != nil {
			errs = append(errs, "PC: "+err.Error())
		}
		if p.Semaphore != 0 {
			if p.SemaphoreOffset, err = fileOffset(path, e.segments, p.Semaphore); err != nil {
				errs = append(errs, "semaphore: "+err.Error())
			}
		}
		if p.Args, err = ParseUSDTArgs(p.ArgsSpec); err != nil {
			errs = append(errs, fmt.Sprintf("%s: arguments %q: %v", path, p.ArgsSpec, err))
		}
		if len(errs) > 0 {
			p.Err = fmt.Errorf("USDT probe %s: %s", p, strings.Join(errs, "; "))
		}
		for _, a := range p.Args {
			if a.Symbol != "" {
				symNames = append(symNames, a.Symbol)
			}
		}
		probes = append(probes, p)
	}
	if len(symNames) > 0 {
		syms := e.symbols(symNames)
		for pi := range probes {
			p := &probes[pi]
			for ai := range p.Args {
				a := &p.Args[ai]
				if a.Symbol == "" {
					continue
				}
				if s, ok := syms[a.Symbol]; ok {
					a.SymbolValue = s.Value
				} else if p.Err == nil {
					p.Err = fmt.Errorf("USDT probe %s: argument %d %q names the symbol %s, which %s does not define", p, ai+1, a.Spec, a.Symbol, path)
				}
			}
		}
	}
	return probes, nil
}

func align4(n int) int { return (n + 3) &^ 3 }

// regAliases maps each x86_64 register name (any width) to its 64-bit name.
var regAliases = map[string]string{}

// PtRegsOffsets are the byte offsets of the registers in the x86_64
// struct pt_regs, by 64-bit register name.
var PtRegsOffsets = map[string]int{
	"r15": 0, "r14": 8, "r13": 16, "r12": 24, "rbp": 32, "rbx": 40, "r11": 48, "r10": 56,
	"r9": 64, "r8": 72, "rax": 80, "rcx": 88, "rdx": 96, "rsi": 104, "rdi": 112,
	"orig_rax": 120, "rip": 128, "cs": 136, "eflags": 144, "rsp": 152, "ss": 160,
}

var highByteRegs = map[string]string{"ah": "rax", "bh": "rbx", "ch": "rcx", "dh": "rdx"}

func init() {
	for _, l := range []string{"a", "b", "c", "d"} {
		r := "r" + l + "x"
		for _, n := range []string{r, "e" + l + "x", l + "x", l + "l"} {
			regAliases[n] = r
		}
	}
	for _, l := range []string{"si", "di", "bp", "sp"} {
		r := "r" + l
		for _, n := range []string{r, "e" + l, l, l + "l"} {
			regAliases[n] = r
		}
	}
	for i := 8; i <= 15; i++ {
		r := "r" + strconv.Itoa(i)
		for _, s := range []string{"", "d", "w", "b", "l"} {
			regAliases[r+s] = r
		}
	}
	regAliases["rip"], regAliases["eip"], regAliases["ip"] = "rip", "rip", "rip"
}

// NormalizeRegister returns the 64-bit name of an x86_64 register and its
// pt_regs offset: "eax" -> "rax", 80; "r12d" -> "r12", 24. A leading '%' is
// allowed.
func NormalizeRegister(name string) (reg string, ptRegsOffset int, highByte bool, err error) {
	n := strings.ToLower(strings.TrimPrefix(name, "%"))
	if r, ok := highByteRegs[n]; ok {
		return r, PtRegsOffsets[r], true, nil
	}
	r, ok := regAliases[n]
	if !ok {
		return "", 0, false, fmt.Errorf("unknown x86_64 register %q", name)
	}
	return r, PtRegsOffsets[r], false, nil
}

// ParseUSDTArgs parses a whole argument string ("-4@%eax 8@%rbx 8@-8(%rbp)").
func ParseUSDTArgs(spec string) ([]USDTArg, error) {
	var out []USDTArg
	for i, s := range strings.Fields(spec) {
		a, err := ParseUSDTArg(s)
		if err != nil {
			return nil, fmt.Errorf("argument %d %q: %w", i+1, s, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// ParseUSDTArg parses one x86_64 argument spec "[-]SIZE@OPERAND", the
// operand in AT&T syntax: %reg, $imm, disp(%reg), disp(%base,%index,scale),
// sym+disp(%rip).
func ParseUSDTArg(spec string) (USDTArg, error) {
	a := USDTArg{Spec: spec}
	sz, op, ok := strings.Cut(spec, "@")
	if !ok {
		// Old SDT notes give only the operand; assume a signed 64-bit value.
		sz, op = "-8", spec
	}
	n, err := strconv.Atoi(sz)
	if err != nil {
		return a, fmt.Errorf("size %q is not a number", sz)
	}
	if n < 0 {
		a.Signed, n = true, -n
	}
	switch n {
	case 1, 2, 4, 8:
	default:
		return a, fmt.Errorf("size %d is not 1, 2, 4 or 8 bytes", n)
	}
	a.Size = n
	switch {
	case strings.HasPrefix(op, "$"):
		v, err := strconv.ParseInt(op[1:], 0, 64)
		if err != nil {
			return a, fmt.Errorf("constant %q: %w", op, err)
		}
		a.Kind, a.Value = USDTConstant, v
		return a, nil
	case strings.HasPrefix(op, "%"):
		a.Kind = USDTRegister
		a.Reg, a.PtRegsOffset, a.HighByte, err = NormalizeRegister(op)
		return a, err
	}
	lp := strings.IndexByte(op, '(')
	if lp < 0 || !strings.HasSuffix(op, ")") {
		return a, fmt.Errorf("operand %q is not %%reg, $const or disp(%%reg)", op)
	}
	disp, inner := op[:lp], op[lp+1:len(op)-1]
	parts := strings.Split(inner, ",")
	base := strings.TrimSpace(parts[0])
	if base == "" && len(parts) == 1 {
		return a, fmt.Errorf("operand %q has no base register", op)
	}
	if base != "" {
		a.Reg, a.PtRegsOffset, a.HighByte, err = NormalizeRegister(base)
		if err != nil {
			return a, err
		}
		if a.HighByte {
			return a, fmt.Errorf("operand %q: a byte register cannot be a base", op)
		}
	}
	if len(parts) > 1 {
		a.IndexReg, a.IndexPtRegsOffset, _, err = NormalizeRegister(strings.TrimSpace(parts[1]))
		if err != nil {
			return a, err
		}
		a.Scale = 1
		if len(parts) > 2 {
			if a.Scale, err = strconv.Atoi(strings.TrimSpace(parts[2])); err != nil || (a.Scale != 1 && a.Scale != 2 && a.Scale != 4 && a.Scale != 8) {
				return a, fmt.Errorf("operand %q: scale %q is not 1, 2, 4 or 8", op, parts[2])
			}
		}
	}
	sym, off, err := parseDisplacement(disp)
	if err != nil {
		return a, fmt.Errorf("operand %q: %w", op, err)
	}
	a.Offset, a.Symbol = off, sym
	if a.Reg == "rip" {
		a.Kind = USDTRIPRelative
		return a, nil
	}
	if sym != "" {
		return a, fmt.Errorf("operand %q: a symbol displacement is only supported with %%rip", op)
	}
	a.Kind = USDTRegisterDeref
	return a, nil
}

// parseDisplacement parses "", "-8", "0x10", "foo", "foo+8", "foo-8", "8+foo".
func parseDisplacement(s string) (sym string, off int64, err error) {
	if s == "" {
		return "", 0, nil
	}
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return "", v, nil
	}
	// Split at the last +/- that is not the first character.
	i := strings.LastIndexAny(s, "+-")
	if i <= 0 {
		if !isSymbolName(s) {
			return "", 0, fmt.Errorf("displacement %q is neither a number nor a symbol", s)
		}
		return s, 0, nil
	}
	left, right := s[:i], s[i:]
	if v, err := strconv.ParseInt(right, 0, 64); err == nil && isSymbolName(left) {
		return left, v, nil
	}
	if v, err := strconv.ParseInt(left, 0, 64); err == nil && isSymbolName(right[1:]) && right[0] == '+' {
		return right[1:], v, nil
	}
	return "", 0, fmt.Errorf("displacement %q is not number, symbol or symbol+number", s)
}

func isSymbolName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c == '.' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}
