package pyframes

import (
	"encoding/binary"
	"fmt"
)

// EvalFrameGetter is the exported CPython function (3.9+) whose machine code
// EvalFrameOffset reads: its first instruction loads interp->eval_frame.
const EvalFrameGetter = "_PyInterpreterState_GetEvalFrameFunc"

// EvalFrameOffset returns offsetof(PyInterpreterState, eval_frame) from the
// first bytes (16 are enough) of the x86_64 machine code of
// _PyInterpreterState_GetEvalFrameFunc(interp), whose first instruction in
// GIL builds is a load from its argument, "mov rax, [rdi+disp]", optionally
// after an endbr64. This is the source of Interp.EvalFrame on versions whose
// table lacks it (3.14, where PyInterpreterState is too large to lay out by
// hand); on 3.9–3.13 the tests check it against the compiled table.
func EvalFrameOffset(code []byte) (int, error) {
	c := code
	if len(c) >= 4 && c[0] == 0xf3 && c[1] == 0x0f && c[2] == 0x1e && c[3] == 0xfa {
		c = c[4:] // endbr64
	}
	if len(c) < 3 || c[0] != 0x48 || c[1] != 0x8b {
		return 0, fmt.Errorf("%s: first instruction % x is not mov rax, [rdi+disp]", EvalFrameGetter, head(code))
	}
	switch modrm := c[2]; modrm {
	case 0x87: // mod=10 reg=rax rm=rdi: disp32
		if len(c) < 7 {
			return 0, fmt.Errorf("%s: truncated instruction % x", EvalFrameGetter, head(code))
		}
		d := int32(binary.LittleEndian.Uint32(c[3:]))
		if d < 0 {
			return 0, fmt.Errorf("%s: negative displacement %d", EvalFrameGetter, d)
		}
		return int(d), nil
	case 0x47: // mod=01 reg=rax rm=rdi: disp8
		if len(c) < 4 {
			return 0, fmt.Errorf("%s: truncated instruction % x", EvalFrameGetter, head(code))
		}
		if d := int8(c[3]); d >= 0 {
			return int(d), nil
		}
		return 0, fmt.Errorf("%s: negative displacement %d", EvalFrameGetter, int8(c[3]))
	case 0x07: // mod=00: [rdi]
		return 0, nil
	}
	return 0, fmt.Errorf("%s: first instruction % x is not mov rax, [rdi+disp]", EvalFrameGetter, head(code))
}

func head(b []byte) []byte { return b[:min(len(b), 8)] }
