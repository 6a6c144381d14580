package pyframes

// The CPython 3.14 layout, hand-maintained: 3.14 is not installed here, so
// these numbers were derived by reading the headers, not by compiling them,
// for x86_64, non-debug, GIL (not free-threaded) builds. pyframes/gen never
// writes this file.
//
// Sources (python/cpython, 3.14 / v3.14.0; the file index used could not pin
// every header to the tag's exact commit, see below):
//   - Include/internal/pycore_interpframe_structs.h: _PyInterpreterFrame
//     (f_executable is a _PyStackRef at 0, previous 8, …, instr_ptr 56,
//     stackpointer 64, return_offset 72, owner 74, visited 75, localsplus 80;
//     sizeof 88), enum _frameowner (THREAD 0, GENERATOR 1, FRAME_OBJECT 2,
//     INTERPRETER 3, CSTACK 4), _PyGenObject_HEAD (gi_frame_state 67,
//     gi_iframe 72). A fork that pins "upstream CPython 3.14" asserts
//     sizeof(_PyInterpreterFrame) == 88 and offsetof(gi_iframe) == 72.
//   - Include/internal/pycore_frame.h: PyFrameState, unchanged from 3.13
//     (CREATED -3, SUSPENDED -2, SUSPENDED_YIELD_FROM -1, EXECUTING 0,
//     COMPLETED 1, CLEARED 4); renumbered only in 3.15.
//   - Include/internal/pycore_stackref.h: GIL builds tag bit 0
//     (Py_TAG_REFCNT) and use 3 for tagged ints, so the code pointer is
//     f_executable &^ 3.
//   - Include/cpython/code.h: _PyCode_DEF, whose prefix up to co_qualname is
//     the same as 3.13's (co_flags 48 … co_qualname 128).
//   - Include/cpython/pystate.h: struct _ts (prev 0, next 8, interp 16,
//     eval_breaker 24, _status 32, holds_gil 36, _whence 40, state 44, four
//     recursion/tracing ints 48–60, what_event 64, current_frame 72).
//   - Include/cpython/unicodeobject.h, cpython/longintrepr.h: unchanged from
//     3.13 for GIL builds (state bits interned:2 kind:3 compact:1 ascii:1;
//     PyASCIIObject 40 bytes, PyCompactUnicodeObject 56; lv_tag with
//     _PyLong_SIGN_MASK 3 and _PyLong_NON_SIZE_BITS 3).
//   - Include/internal/pycore_debug_offsets.h: _Py_DebugOffsets with
//     interpreter_state.code_object_generation/tlbc_generation,
//     interpreter_frame.stackpointer/tlbc_index, code_object.co_tlbc,
//     set_object, gen_object, llist_node and debugger_support (sizeof 760).
//     An earlier 3.14 revision without code_object_generation, tlbc_* and
//     llist_node (sizeof 712) also exists in the index; the one used here is
//     the one 3.14-specific tools read (interpreter_state.code_object_generation
//     guarded by PY_VERSION_HEX >= 0x030e0000).
//   - Include/internal/pycore_runtime_structs.h: _PyRuntimeState starts with
//     debug_offsets, then five ints, _finalizing, _finalizing_id and
//     interpreters {mutex, head}: interpreters.head = sizeof(_Py_DebugOffsets)
//     + 48 = 808 (the same formula gives 3.13's compiled 632).
//
// Not derived: PyInterpreterState is thousands of bytes of nested state, too
// large to lay out reliably by hand, so Interp.Next, Interp.ThreadsHead and
// Interp.EvalFrame are Absent. Next and ThreadsHead (and every other field
// _Py_DebugOffsets duplicates) come from the live process with
// Layout.WithDebugOffsets; EvalFrame comes from the interpreter's own
// machine code with EvalFrameOffset (the first instruction of
// _PyInterpreterState_GetEvalFrameFunc), checked against the compiled table
// on 3.9–3.13 by the tests.
//
// Every field _Py_DebugOffsets duplicates is checked against the process by
// CheckDebugOffsets, so a wrong hand number there is reported, not used.

// handLayouts are the layouts not produced by pyframes/gen.
var handLayouts = []Layout{
	{
		Version: Version{Major: 3, Minor: 14},
		Source:  "hand-derived from the CPython 3.14 headers (read, not compiled); see layouts_314.go",
		Object: ObjectLayout{
			ObType:      8,
			ObSize:      16,
			TpName:      24,
			TupleObItem: 24,
		},
		Runtime: RuntimeLayout{
			InterpretersHead: 808,
			DebugOffsets:     0,
		},
		Interp: InterpLayout{
			Next:        Absent,
			ThreadsHead: Absent,
			EvalFrame:   Absent,
		},
		Thread: ThreadLayout{
			Interp:             16,
			Next:               8,
			Frame:              Absent,
			CFrame:             Absent,
			CFrameCurrentFrame: Absent,
			CurrentFrame:       72,
		},
		Eval: EvalLayout{
			FrameArg:         1,
			InterpreterFrame: true,
		},
		Frame: FrameLayout{
			Size:             88,
			Code:             0,
			CodeTagMask:      0x3,
			Previous:         8,
			Localsplus:       80,
			Lasti:            Absent,
			Stacktop:         Absent,
			State:            Absent,
			StateSize:        Absent,
			Owner:            74,
			OwnerThread:      0,
			OwnerGenerator:   1,
			OwnerFrameObject: 2,
			OwnerCStack:      4,
			OwnerInterpreter: 3,
		},
		Code: CodeLayout{
			Filename:           112,
			Name:               120,
			Qualname:           128,
			Firstlineno:        68,
			Flags:              48,
			Consts:             24, // cpython/code.h: the first field after PyObject_VAR_HEAD
			Argcount:           52,
			Posonlyargcount:    56,
			Kwonlyargcount:     60,
			Nlocals:            80,
			Nlocalsplus:        72,
			Varnames:           Absent,
			Cellvars:           Absent,
			Freevars:           Absent,
			Cell2arg:           Absent,
			CellNotAnArg:       NoState,
			Localsplusnames:    96,
			Localspluskinds:    104,
			KindLocal:          0x20,
			KindCell:           0x40,
			KindFree:           0x80,
			FlagNewlocals:      0x2,
			FlagGenerator:      0x20,
			FlagCoroutine:      0x80,
			FlagAsyncGenerator: 0x200,
			FlagHasDocstring:   0x4000000, // cpython/code.h CO_HAS_DOCSTRING (new in 3.14)
		},
		Unicode: UnicodeLayout{
			Length:            16,
			State:             32,
			StateSize:         4,
			ASCIIObjectSize:   40,
			CompactObjectSize: 56,
			KindShift:         2,
			KindBits:          3,
			CompactShift:      5,
			CompactBits:       1,
			ASCIIShift:        6,
			ASCIIBits:         1,
			ReadyShift:        Absent,
			ReadyBits:         Absent,
		},
		Long: LongLayout{
			Header:      16,
			Tagged:      true,
			SignMask:    0x3,
			NonSizeBits: 3,
			Digit:       24,
			DigitSize:   4,
			Shift:       30,
		},
		Float: FloatLayout{
			Fval: 16,
		},
		Gen: GenLayout{
			GiFrame:        Absent,
			FrameState:     67,
			FrameStateSize: 1,
			IFrame:         72,
			States: FrameStates{
				Created:            -3,
				Suspended:          -2,
				SuspendedYieldFrom: -1,
				Executing:          0,
				Completed:          1,
				Unwinding:          NoState,
				Raised:             NoState,
				Cleared:            4,
			},
		},
		Debug: DebugOffsetsLayout{
			Size:                    760,
			Cookie:                  0,
			Version:                 8,
			FreeThreaded:            16,
			RuntimeInterpretersHead: 40,
			InterpNext:              64,
			InterpThreadsHead:       72,
			ThreadNext:              192,
			ThreadInterp:            200,
			ThreadCurrentFrame:      208,
			FrameSize:               248,
			FramePrevious:           256,
			FrameExecutable:         264,
			FrameLocalsplus:         280,
			FrameOwner:              288,
			CodeFilename:            320,
			CodeName:                328,
			CodeQualname:            336,
			CodeFirstlineno:         352,
			CodeArgcount:            360,
			CodeLocalsplusnames:     368,
			CodeLocalspluskinds:     376,
			ObjectObType:            408,
			TypeTpName:              424,
			TupleObItem:             456,
			TupleObSize:             464,
			FloatFval:               560,
			LongLvTag:               576,
			LongObDigit:             584,
			UnicodeState:            624,
			UnicodeLength:           632,
			UnicodeASCIIObjectSize:  640,
			GenIFrame:               680,
			GenFrameState:           688,
		},
	},
}
