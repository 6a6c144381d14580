// Package pyframes owns the CPython memory layouts the eBPF engine reads
// from outside the process: per minor version (3.8 … 3.14) the offsets of
// the runtime, interpreter, thread state, frame, code, str, int, float and
// generator fields, generated from each version's own headers (see gen/),
// plus pure decoders for the raw bytes read from process memory.
//
// Only x86_64, non-debug, GIL builds are described. Free-threaded builds
// (3.13t, 3.14t) have different layouts and no table here.
package pyframes

//go:generate go run ./gen

// Absent is the offset of a field the version does not have.
const Absent = -1

// NoState is the value of a frame or generator state constant the version
// does not define. State constants can be -1, so Absent cannot be used.
const NoState = -1 << 31

// Layout is the memory layout of one CPython minor version. Offsets are in
// bytes from the start of the named C struct; Absent (-1) where the version
// has no such field.
type Layout struct {
	// Version is the minor version the layout describes.
	Version Version
	// Source says how the layout was produced (the headers it came from).
	Source string

	// Object holds PyObject, PyVarObject, PyTypeObject and PyTupleObject.
	Object ObjectLayout
	// Runtime holds _PyRuntimeState.
	Runtime RuntimeLayout
	// Interp holds PyInterpreterState.
	Interp InterpLayout
	// Thread holds PyThreadState.
	Thread ThreadLayout
	// Eval describes the _PyEval_EvalFrameDefault call.
	Eval EvalLayout
	// Frame holds the frame passed to _PyEval_EvalFrameDefault.
	Frame FrameLayout
	// Code holds PyCodeObject.
	Code CodeLayout
	// Unicode holds PyASCIIObject and PyCompactUnicodeObject (str).
	Unicode UnicodeLayout
	// Long holds PyLongObject (int).
	Long LongLayout
	// Float holds PyFloatObject.
	Float FloatLayout
	// Gen holds PyGenObject and the frame states of generators.
	Gen GenLayout
	// Debug holds the layout of _Py_DebugOffsets (3.13+).
	Debug DebugOffsetsLayout
}

// ObjectLayout holds the offsets of the generic object headers.
type ObjectLayout struct {
	// ObType is offsetof(PyObject, ob_type).
	ObType int
	// ObSize is offsetof(PyVarObject, ob_size).
	ObSize int
	// TpName is offsetof(PyTypeObject, tp_name), a const char *.
	TpName int
	// TupleObItem is offsetof(PyTupleObject, ob_item), the first item pointer.
	TupleObItem int
}

// RuntimeLayout holds the offsets in _PyRuntimeState (the _PyRuntime symbol).
type RuntimeLayout struct {
	// InterpretersHead is offsetof(_PyRuntimeState, interpreters.head), the
	// first PyInterpreterState * of the runtime's list.
	InterpretersHead int
	// DebugOffsets is offsetof(_PyRuntimeState, debug_offsets), where the
	// _Py_DebugOffsets struct sits (0 on 3.13+; Absent before).
	DebugOffsets int
}

// InterpLayout holds the offsets in PyInterpreterState.
type InterpLayout struct {
	// Next is offsetof(PyInterpreterState, next), the next interpreter.
	Next int
	// ThreadsHead is the first PyThreadState *: threads.head on 3.11+,
	// tstate_head before.
	ThreadsHead int
	// EvalFrame is offsetof(PyInterpreterState, eval_frame), the
	// _PyFrameEvalFunction (NULL means _PyEval_EvalFrameDefault on 3.9+).
	EvalFrame int
}

// ThreadLayout holds the offsets in PyThreadState and how to reach the
// current frame:
//
//	≤3.10:     *(tstate + Frame)                          (PyFrameObject *)
//	3.11/3.12: *(*(tstate + CFrame) + CFrameCurrentFrame)  (_PyInterpreterFrame *)
//	3.13+:     *(tstate + CurrentFrame)                   (_PyInterpreterFrame *)
type ThreadLayout struct {
	// Interp is offsetof(PyThreadState, interp).
	Interp int
	// Next is offsetof(PyThreadState, next).
	Next int
	// Frame is offsetof(PyThreadState, frame) (≤3.10).
	Frame int
	// CFrame is offsetof(PyThreadState, cframe), a _PyCFrame * (3.11/3.12).
	CFrame int
	// CFrameCurrentFrame is offsetof(_PyCFrame, current_frame) (3.11/3.12).
	CFrameCurrentFrame int
	// CurrentFrame is offsetof(PyThreadState, current_frame) (3.13+).
	CurrentFrame int
}

// EvalLayout describes the _PyEval_EvalFrameDefault call.
type EvalLayout struct {
	// FrameArg is the index of the frame argument: 0 on 3.8
	// (frame, throwflag), 1 on 3.9+ (tstate, frame, throwflag).
	FrameArg int
	// InterpreterFrame is true when the frame is a _PyInterpreterFrame
	// (3.11+) and false when it is a PyFrameObject (≤3.10).
	InterpreterFrame bool
}

// FrameLayout holds the offsets in the frame passed to
// _PyEval_EvalFrameDefault: PyFrameObject on ≤3.10, _PyInterpreterFrame on
// 3.11+.
type FrameLayout struct {
	// Size is sizeof the frame struct (including one localsplus slot).
	Size int
	// Code is the code object field: f_code (≤3.12) or f_executable (3.13+;
	// may hold None or another object: check ob_type is PyCode_Type).
	Code int
	// CodeTagMask holds the tag bits of the code field, to clear before use
	// (ptr &^ CodeTagMask): 3 on 3.14 (_PyStackRef), 0 before.
	CodeTagMask uint64
	// Previous is the calling frame: f_back (≤3.10) or previous (3.11+).
	Previous int
	// Localsplus is f_localsplus (≤3.10) or localsplus (3.11+), the array of
	// fast locals, then cells and free variables, then the value stack.
	Localsplus int
	// Lasti is offsetof(PyFrameObject, f_lasti), an int (≤3.10).
	Lasti int
	// Stacktop is offsetof(PyFrameObject, f_stacktop) (3.8/3.9): non-NULL
	// after the frame returns to its caller means it yielded.
	Stacktop int
	// State is offsetof(PyFrameObject, f_state) (3.10), a signed char
	// holding one of Gen.States.
	State int
	// StateSize is the size of f_state in bytes (3.10).
	StateSize int
	// Owner is offsetof(_PyInterpreterFrame, owner), a char (3.11+);
	// OwnerGenerator there means a generator, coroutine or async generator
	// frame embedded in its PyGenObject (see GenLayout.IFrame).
	Owner int
	// OwnerThread is FRAME_OWNED_BY_THREAD (3.11+).
	OwnerThread int
	// OwnerGenerator is FRAME_OWNED_BY_GENERATOR (3.11+).
	OwnerGenerator int
	// OwnerFrameObject is FRAME_OWNED_BY_FRAME_OBJECT (3.11+).
	OwnerFrameObject int
	// OwnerCStack is FRAME_OWNED_BY_CSTACK (3.12+), the C-entry marker
	// frames that are not Python calls.
	OwnerCStack int
	// OwnerInterpreter is FRAME_OWNED_BY_INTERPRETER (3.14+), also a marker
	// frame that is not a Python call.
	OwnerInterpreter int
}

// CodeLayout holds the offsets in PyCodeObject and its constants. The int
// fields (Firstlineno, Flags, counts) are 4-byte C ints; the others are
// PyObject pointers.
//
// Cell arguments (an argument captured by a closure): on ≤3.10 the value is
// moved, while the frame is built and so before _PyEval_EvalFrameDefault is
// entered, out of its fast-local slot (left NULL) into a new cell in the cell
// area at localsplus[Nlocals + i]; Cell2arg (a Py_ssize_t array, NULL when
// no argument is a cell) maps cell i to the argument index, or CellNotAnArg.
// On 3.11+ the slot itself is turned into a PyCellObject holding the value
// by the MAKE_CELL instruction at the start of the body: at entry to
// _PyEval_EvalFrameDefault the slot still holds the plain value, on a
// generator's resume it holds the cell; localspluskinds marks the slot
// KindLocal|KindCell.
type CodeLayout struct {
	// Filename is co_filename (str).
	Filename int
	// Name is co_name (str).
	Name int
	// Qualname is co_qualname (str, 3.11+).
	Qualname int
	// Firstlineno is co_firstlineno.
	Firstlineno int
	// Flags is co_flags.
	Flags int
	// Argcount is co_argcount (positional, including positional-only).
	Argcount int
	// Posonlyargcount is co_posonlyargcount.
	Posonlyargcount int
	// Kwonlyargcount is co_kwonlyargcount.
	Kwonlyargcount int
	// Nlocals is co_nlocals, the number of plain local variables.
	Nlocals int
	// Nlocalsplus is co_nlocalsplus, locals + cells + free variables (3.11+).
	Nlocalsplus int
	// Consts is co_consts, the tuple of constants: a function's docstring
	// is its first item (see FlagHasDocstring).
	Consts int
	// Varnames is co_varnames, a tuple of local names (≤3.10).
	Varnames int
	// Cellvars is co_cellvars, a tuple (≤3.10).
	Cellvars int
	// Freevars is co_freevars, a tuple (≤3.10).
	Freevars int
	// Cell2arg is co_cell2arg, a Py_ssize_t * (≤3.10).
	Cell2arg int
	// CellNotAnArg is CO_CELL_NOT_AN_ARG, the Cell2arg entry of a cell
	// that is not an argument (≤3.10; NoState after).
	CellNotAnArg int
	// Localsplusnames is co_localsplusnames, a tuple of all names (3.11+).
	Localsplusnames int
	// Localspluskinds is co_localspluskinds, a bytes of CO_FAST_* (3.11+).
	Localspluskinds int
	// KindLocal is CO_FAST_LOCAL (3.11+; NoState before). Kinds are bit
	// sets: test them with &, since 3.12+ adds CO_FAST_HIDDEN (0x10) and
	// 3.14 the CO_FAST_ARG_* bits (0x02, 0x04, 0x08).
	KindLocal int
	// KindCell is CO_FAST_CELL (3.11+; NoState before).
	KindCell int
	// KindFree is CO_FAST_FREE (3.11+; NoState before).
	KindFree int
	// FlagNewlocals is CO_NEWLOCALS.
	FlagNewlocals uint32
	// FlagGenerator is CO_GENERATOR.
	FlagGenerator uint32
	// FlagCoroutine is CO_COROUTINE.
	FlagCoroutine uint32
	// FlagAsyncGenerator is CO_ASYNC_GENERATOR.
	FlagAsyncGenerator uint32
	// FlagHasDocstring is CO_HAS_DOCSTRING (3.14+): co_consts[0] is the
	// docstring only with it. 0 before 3.14, where a function's co_consts[0]
	// is its docstring when it is a str (None otherwise).
	FlagHasDocstring uint32
}

// UnicodeLayout holds the offsets in PyASCIIObject and the bit positions of
// its state bitfield (a 32-bit word), found by the generator setting each
// bitfield in a zeroed struct.
type UnicodeLayout struct {
	// Length is offsetof(PyASCIIObject, length), a Py_ssize_t of code points.
	Length int
	// State is offsetof(PyASCIIObject, state).
	State int
	// StateSize is sizeof(state) in bytes.
	StateSize int
	// ASCIIObjectSize is sizeof(PyASCIIObject): the data of a compact ASCII
	// string starts there.
	ASCIIObjectSize int
	// CompactObjectSize is sizeof(PyCompactUnicodeObject): the data of a
	// compact non-ASCII string starts there.
	CompactObjectSize int
	// KindShift is the lowest bit of state.kind.
	KindShift int
	// KindBits is the width of state.kind (3).
	KindBits int
	// CompactShift is the bit of state.compact.
	CompactShift int
	// CompactBits is the width of state.compact (1).
	CompactBits int
	// ASCIIShift is the bit of state.ascii.
	ASCIIShift int
	// ASCIIBits is the width of state.ascii (1).
	ASCIIBits int
	// ReadyShift is the bit of state.ready (≤3.11; Absent after, where every
	// string is ready).
	ReadyShift int
	// ReadyBits is the width of state.ready (≤3.11; Absent after).
	ReadyBits int
}

// LongLayout holds the offsets in PyLongObject.
//
// ≤3.11 the header word is ob_size: its sign is the sign of the number and
// its absolute value the number of digits (0 for zero). 3.12+ it is
// long_value.lv_tag: lv_tag & SignMask is 0 positive, 1 zero, 2 negative,
// and lv_tag >> NonSizeBits is the number of digits.
type LongLayout struct {
	// Header is the offset of ob_size (≤3.11) or long_value.lv_tag (3.12+),
	// an 8-byte word.
	Header int
	// Tagged is true when Header is lv_tag (3.12+).
	Tagged bool
	// SignMask is _PyLong_SIGN_MASK (3.12+; 0 before).
	SignMask uint64
	// NonSizeBits is _PyLong_NON_SIZE_BITS (3.12+; 0 before).
	NonSizeBits int
	// Digit is the offset of ob_digit, the least significant digit first.
	Digit int
	// DigitSize is sizeof(digit) in bytes.
	DigitSize int
	// Shift is PyLong_SHIFT, the bits used in each digit.
	Shift int
}

// FloatLayout holds the offset in PyFloatObject.
type FloatLayout struct {
	// Fval is offsetof(PyFloatObject, ob_fval), an IEEE 754 double.
	Fval int
}

// GenLayout tells a yield from a return after a generator's frame has run.
//
// ≤3.10: 3.8/3.9 f_stacktop != NULL (FrameLayout.Stacktop); 3.10 f_state
// == States.Suspended (FrameLayout.State). 3.11+: the frame is embedded in
// its PyGenObject at IFrame, so the generator is at frame address - IFrame
// (when the frame's owner is FrameLayout.OwnerGenerator) and its
// gi_frame_state at FrameState is one of States.
type GenLayout struct {
	// GiFrame is offsetof(PyGenObject, gi_frame), a PyFrameObject * (≤3.10).
	GiFrame int
	// FrameState is offsetof(PyGenObject, gi_frame_state) (3.11+).
	FrameState int
	// FrameStateSize is sizeof(gi_frame_state), a signed int8 (3.11+).
	FrameStateSize int
	// IFrame is offsetof(PyGenObject, gi_iframe), the embedded
	// _PyInterpreterFrame (3.11+).
	IFrame int
	// States are the FRAME_* values of gi_frame_state (3.11+) or of
	// PyFrameObject.f_state (3.10); all NoState on 3.8/3.9.
	States FrameStates
}

// FrameStates are the values of the FRAME_* state enum; NoState where the
// version does not define one.
type FrameStates struct {
	// Created is FRAME_CREATED.
	Created int
	// Suspended is FRAME_SUSPENDED: the frame yielded.
	Suspended int
	// SuspendedYieldFrom is FRAME_SUSPENDED_YIELD_FROM (3.13+): yielded
	// inside a yield from / await.
	SuspendedYieldFrom int
	// Executing is FRAME_EXECUTING.
	Executing int
	// Completed is FRAME_COMPLETED (3.11+) or FRAME_RETURNED (3.10).
	Completed int
	// Unwinding is FRAME_UNWINDING (3.10 only).
	Unwinding int
	// Raised is FRAME_RAISED (3.10 only).
	Raised int
	// Cleared is FRAME_CLEARED.
	Cleared int
}

// DebugOffsetsLayout holds the offsets, inside _Py_DebugOffsets (3.13+), of
// its header and of the fields that duplicate entries of this table. Each
// field of the struct is a uint64. All Absent before 3.13.
type DebugOffsetsLayout struct {
	// Size is sizeof(_Py_DebugOffsets).
	Size int
	// Cookie is the offset of cookie, the 8 bytes "xdebugpy".
	Cookie int
	// Version is the offset of version, PY_VERSION_HEX.
	Version int
	// FreeThreaded is the offset of free_threaded (0 in GIL builds).
	FreeThreaded int
	// RuntimeInterpretersHead is runtime_state.interpreters_head.
	RuntimeInterpretersHead int
	// InterpNext is interpreter_state.next.
	InterpNext int
	// InterpThreadsHead is interpreter_state.threads_head.
	InterpThreadsHead int
	// ThreadNext is thread_state.next.
	ThreadNext int
	// ThreadInterp is thread_state.interp.
	ThreadInterp int
	// ThreadCurrentFrame is thread_state.current_frame.
	ThreadCurrentFrame int
	// FrameSize is interpreter_frame.size.
	FrameSize int
	// FramePrevious is interpreter_frame.previous.
	FramePrevious int
	// FrameExecutable is interpreter_frame.executable.
	FrameExecutable int
	// FrameLocalsplus is interpreter_frame.localsplus.
	FrameLocalsplus int
	// FrameOwner is interpreter_frame.owner.
	FrameOwner int
	// CodeFilename is code_object.filename.
	CodeFilename int
	// CodeName is code_object.name.
	CodeName int
	// CodeQualname is code_object.qualname.
	CodeQualname int
	// CodeFirstlineno is code_object.firstlineno.
	CodeFirstlineno int
	// CodeArgcount is code_object.argcount.
	CodeArgcount int
	// CodeLocalsplusnames is code_object.localsplusnames.
	CodeLocalsplusnames int
	// CodeLocalspluskinds is code_object.localspluskinds.
	CodeLocalspluskinds int
	// ObjectObType is pyobject.ob_type.
	ObjectObType int
	// TypeTpName is type_object.tp_name.
	TypeTpName int
	// TupleObItem is tuple_object.ob_item.
	TupleObItem int
	// TupleObSize is tuple_object.ob_size.
	TupleObSize int
	// FloatFval is float_object.ob_fval.
	FloatFval int
	// LongLvTag is long_object.lv_tag.
	LongLvTag int
	// LongObDigit is long_object.ob_digit.
	LongObDigit int
	// UnicodeState is unicode_object.state.
	UnicodeState int
	// UnicodeLength is unicode_object.length.
	UnicodeLength int
	// UnicodeASCIIObjectSize is unicode_object.asciiobject_size.
	UnicodeASCIIObjectSize int
	// GenIFrame is gen_object.gi_iframe (3.14+).
	GenIFrame int
	// GenFrameState is gen_object.gi_frame_state (3.14+).
	GenFrameState int
}
