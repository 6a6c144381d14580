package main

// kind says how a probe value is written and what a missing one becomes.
type kind int

const (
	kindOffset kind = iota // missing: Absent
	kindConst              // missing: NoState
	kindUint               // missing: 0, written in hex
	kindInt                // missing: 0
	kindBool               // 0 or 1
)

// field is one Layout field, named as in pyframes/layout.go.
type field struct {
	name string
	kind kind
}

// group is one nested struct of Layout.
type group struct {
	name   string // field name in the parent
	typ    string // Go type
	fields []field
	groups []group
}

func offsets(names ...string) []field {
	fs := make([]field, len(names))
	for i, n := range names {
		fs[i] = field{n, kindOffset}
	}
	return fs
}

func consts(names ...string) []field {
	fs := make([]field, len(names))
	for i, n := range names {
		fs[i] = field{n, kindConst}
	}
	return fs
}

func concat(lists ...[]field) []field {
	var out []field
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// schema mirrors pyframes.Layout (the order is the output order). The probe
// keys are "Group.Field" ("Gen.States.Created" for nested groups).
var schema = []group{
	{name: "Object", typ: "ObjectLayout", fields: offsets("ObType", "ObSize", "TpName", "TupleObItem")},
	{name: "Runtime", typ: "RuntimeLayout", fields: offsets("InterpretersHead", "DebugOffsets")},
	{name: "Interp", typ: "InterpLayout", fields: offsets("Next", "ThreadsHead", "EvalFrame")},
	{name: "Thread", typ: "ThreadLayout", fields: offsets("Interp", "Next", "Frame", "CFrame", "CFrameCurrentFrame", "CurrentFrame")},
	{name: "Eval", typ: "EvalLayout", fields: []field{{"FrameArg", kindInt}, {"InterpreterFrame", kindBool}}},
	{name: "Frame", typ: "FrameLayout", fields: concat(
		offsets("Size", "Code"),
		[]field{{"CodeTagMask", kindUint}},
		offsets("Previous", "Localsplus", "Lasti", "Stacktop", "State", "StateSize", "Owner"),
		consts("OwnerThread", "OwnerGenerator", "OwnerFrameObject", "OwnerCStack", "OwnerInterpreter"),
	)},
	{name: "Code", typ: "CodeLayout", fields: concat(
		offsets("Filename", "Name", "Qualname", "Firstlineno", "Flags", "Consts", "Argcount", "Posonlyargcount",
			"Kwonlyargcount", "Nlocals", "Nlocalsplus", "Varnames", "Cellvars", "Freevars", "Cell2arg"),
		consts("CellNotAnArg"),
		offsets("Localsplusnames", "Localspluskinds"),
		consts("KindLocal", "KindCell", "KindFree"),
		[]field{{"FlagNewlocals", kindUint}, {"FlagGenerator", kindUint}, {"FlagCoroutine", kindUint}, {"FlagAsyncGenerator", kindUint}, {"FlagHasDocstring", kindUint}},
	)},
	{name: "Unicode", typ: "UnicodeLayout", fields: offsets("Length", "State", "StateSize", "ASCIIObjectSize",
		"CompactObjectSize", "KindShift", "KindBits", "CompactShift", "CompactBits", "ASCIIShift", "ASCIIBits",
		"ReadyShift", "ReadyBits")},
	{name: "Long", typ: "LongLayout", fields: []field{
		{"Header", kindOffset}, {"Tagged", kindBool}, {"SignMask", kindUint}, {"NonSizeBits", kindInt},
		{"Digit", kindOffset}, {"DigitSize", kindOffset}, {"Shift", kindOffset},
	}},
	{name: "Float", typ: "FloatLayout", fields: offsets("Fval")},
	{name: "Gen", typ: "GenLayout", fields: offsets("GiFrame", "FrameState", "FrameStateSize", "IFrame"),
		groups: []group{{name: "States", typ: "FrameStates", fields: consts(
			"Created", "Suspended", "SuspendedYieldFrom", "Executing", "Completed", "Unwinding", "Raised", "Cleared")}}},
	{name: "Debug", typ: "DebugOffsetsLayout", fields: offsets("Size", "Cookie", "Version", "FreeThreaded",
		"RuntimeInterpretersHead", "InterpNext", "InterpThreadsHead", "ThreadNext", "ThreadInterp",
		"ThreadCurrentFrame", "FrameSize", "FramePrevious", "FrameExecutable", "FrameLocalsplus", "FrameOwner",
		"CodeFilename", "CodeName", "CodeQualname", "CodeFirstlineno", "CodeArgcount", "CodeLocalsplusnames",
		"CodeLocalspluskinds", "ObjectObType", "TypeTpName", "TupleObItem", "TupleObSize", "FloatFval",
		"LongLvTag", "LongObDigit", "UnicodeState", "UnicodeLength", "UnicodeASCIIObjectSize",
		"GenIFrame", "GenFrameState")},
}
