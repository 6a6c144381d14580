package loader

import (
	"fmt"
	"os"

	"github.com/hpdiag/hpdiag-trace/bpf"
	"github.com/hpdiag/hpdiag-trace/pyframes"
)

// Program configuration flags, as bpf/e1.h defines them.
const (
	layoutHook      = 1
	layoutCodeType  = 2
	layoutTagged    = 4
	layoutLongTag   = 8
	layoutCodeFreed = 16

	procPython      = 1
	procBias        = 2
	procHooked      = 4
	procForeign     = 8
	procExecNext    = 16
	procStopForHook = 32
	procStopped     = 64
	procStopAtExec  = 128
)

// target is what the engine knows of one interpreter binary: its file, its
// version's layout and the BPF configuration derived from both.
type target struct {
	interp *Interpreter
	layout *pyframes.Layout
	proc   bpf.E1Proc // Bias and State are per process; set by configure
	// refined is set once the layout was checked against, and completed
	// from, a live interpreter's _Py_DebugOffsets (3.13+).
	refined bool
	// usdt holds the probes of engine E1u; nil for E1.
	usdt *usdtPair
	// codeFree is the link-time address of code_dealloc, 0 when unknown.
	// Where code_freed is attached to it, the layout says so
	// (layoutCodeFreed); elsewhere the programs check a remembered code
	// object's name and file at every call instead.
	codeFree uint64
}

// newTarget checks that the eBPF engine can trace interp and derives its
// configuration. The errors name the interpreter, the reason and the way out.
func newTarget(interp *Interpreter) (*target, error) {
	v := interp.Version
	if interp.FreeThreaded {
		return nil, fmt.Errorf("%s is a free-threaded build: the eBPF engine cannot yet trace it safely (its memory layout differs and writing the interpreter's eval_frame would race); use --mode shim", interp)
	}
	layout, err := pyframes.For(pyframes.Version{Major: v.Major, Minor: v.Minor})
	if err != nil {
		return nil, fmt.Errorf("%s: %w; use --mode shim, or a supported Python", interp.InProcessPath, err)
	}
	for _, name := range []string{EvalFrameSymbol, "PyCode_Type", "PyUnicode_Type", "PyLong_Type", "PyFloat_Type", "_Py_NoneStruct", "_Py_TrueStruct", "_Py_FalseStruct"} {
		if _, err := interp.Symbol(name); err != nil {
			return nil, fmt.Errorf("%w: the eBPF engine needs it; use --mode shim", err)
		}
	}
	if v.AtLeast(3, 11) {
		if _, err := interp.Symbol("_PyRuntime"); err != nil {
			return nil, fmt.Errorf("%w: the eBPF engine needs it to restore the interpreter's eval_frame; use --mode shim", err)
		}
	}
	if layout.Interp.EvalFrame == pyframes.Absent {
		off, err := evalFrameFromCode(interp)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot find the interpreter's eval_frame field: %w; use --mode shim", interp.InProcessPath, err)
		}
		layout.Interp.EvalFrame = off
	}
	t := &target{interp: interp, layout: layout, proc: bpf.E1Proc{L: bpfLayout(layout), Sym: bpfSymbols(interp)}}
	if addr, err := codeDealloc(interp, layout.Object.TpName+tpDeallocAfterName); err == nil {
		t.codeFree = addr
	}
	return t, nil
}

// tpDeallocAfterName is offsetof(PyTypeObject, tp_dealloc) -
// offsetof(PyTypeObject, tp_name): tp_basicsize and tp_itemsize lie
// between, in every version.
const tpDeallocAfterName = 24

// bpfLayout copies what the programs read from a pyframes layout.
func bpfLayout(l *pyframes.Layout) bpf.E1Layout {
	code := l.Code.Name
	if l.Code.Qualname != pyframes.Absent {
		code = l.Code.Qualname
	}
	var flags uint32
	if l.Version.Minor >= 11 {
		flags |= layoutHook
	}
	if l.Version.Minor >= 13 {
		flags |= layoutCodeType
	}
	if l.Frame.CodeTagMask != 0 {
		flags |= layoutTagged
	}
	if l.Long.Tagged {
		flags |= layoutLongTag
	}
	return bpf.E1Layout{
		FrameArg:        uint32(l.Eval.FrameArg),
		Flags:           flags,
		FrameCode:       int32(l.Frame.Code),
		FrameLocalsplus: int32(l.Frame.Localsplus),
		CodeName:        int32(code),
		CodeFilename:    int32(l.Code.Filename),
		CodeFirstlineno: int32(l.Code.Firstlineno),
		CodeFlags:       int32(l.Code.Flags),
		ObType:          int32(l.Object.ObType),
		TpName:          int32(l.Object.TpName),
		StrState:        int32(l.Unicode.State),
		StrLength:       int32(l.Unicode.Length),
		StrAsciiData:    int32(l.Unicode.ASCIIObjectSize),
		StrCompactData:  int32(l.Unicode.CompactObjectSize),
		StrKindShift:    uint32(l.Unicode.KindShift),
		StrCompactBit:   uint32(l.Unicode.CompactShift),
		StrAsciiBit:     uint32(l.Unicode.ASCIIShift),
		LongSize:        int32(l.Long.Header),
		LongDigits:      int32(l.Long.Digit),
		FloatValue:      int32(l.Float.Fval),
		TstateInterp:    int32(l.Thread.Interp),
		InterpEvalFrame: int32(l.Interp.EvalFrame),
		CodeArgcount:    int32(l.Code.Argcount),
		CodeConsts:      int32(l.Code.Consts),
		DocFlag:         l.Code.FlagHasDocstring,
		CodeLocalnames:  int32(localNames(l)),
		TupleItem:       int32(l.Object.TupleObItem),
		FrameOwner:      int32(l.Frame.Owner),
		OwnerGenerator:  uint32(l.Frame.OwnerGenerator),
		GenFlags:        l.Code.FlagGenerator | l.Code.FlagCoroutine | l.Code.FlagAsyncGenerator,
	}
}

// bpfSymbols copies the link-time addresses the programs compare with.
func bpfSymbols(i *Interpreter) bpf.E1Symbols {
	v := func(name string) uint64 { return i.Symbols[name].Value }
	return bpf.E1Symbols{
		EvalFrame: v(EvalFrameSymbol),
		CodeType:  v("PyCode_Type"),
		StrType:   v("PyUnicode_Type"),
		LongType:  v("PyLong_Type"),
		FloatType: v("PyFloat_Type"),
		None:      v("_Py_NoneStruct"),
		TrueObj:   v("_Py_TrueStruct"),
		FalseObj:  v("_Py_FalseStruct"),
	}
}

// evalFrameFromCode reads offsetof(PyInterpreterState, eval_frame) from the
// machine code of the interpreter's own getter, for versions whose table
// cannot give it (3.14).
func evalFrameFromCode(interp *Interpreter) (int, error) {
	off, err := interp.SymbolOffset(pyframes.EvalFrameGetter)
	if err != nil {
		return 0, err
	}
	f, err := os.Open(interp.Path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	code := make([]byte, 16)
	if _, err := f.ReadAt(code, int64(off)); err != nil {
		return 0, fmt.Errorf("reading %s: %w", pyframes.EvalFrameGetter, err)
	}
	return pyframes.EvalFrameOffset(code)
}

// refine checks the layout against the _Py_DebugOffsets of a running
// interpreter (3.13+) and fills in what the table lacks (3.14: the
// interpreter list's next pointer), once per target.
func (t *target) refine(m *ProcMem, bias uint64) error {
	if t.refined || !t.layout.HasDebugOffsets() {
		return nil
	}
	buf := make([]byte, t.layout.DebugOffsetsPrefix())
	if _, err := m.ReadAt(buf, int64(bias+t.interp.Symbols["_PyRuntime"].Value)); err != nil {
		return err
	}
	if err := t.layout.CheckDebugOffsets(buf); err != nil {
		return fmt.Errorf("the interpreter's _Py_DebugOffsets disagree with hpdiag-trace's table for %s, so reading its memory would be wrong: %w; use --mode shim", t.layout.Version, err)
	}
	l, err := t.layout.WithDebugOffsets(buf)
	if err != nil {
		return err
	}
	t.layout = l
	t.refined = true
	return nil
}

// localNames is the offset of the tuple naming a code object's fast
// locals, arguments first.
func localNames(l *pyframes.Layout) int {
	if l.Code.Varnames != pyframes.Absent {
		return l.Code.Varnames
	}
	return l.Code.Localsplusnames
}
