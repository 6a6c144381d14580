package loader

import (
	"encoding/binary"
	"unsafe"

	"github.com/hpdiag/hpdiag-trace/bpf"
)

// Event types, flags and argument kinds of bpf/e1.h.
const (
	evCode      = 1
	evEnter     = 2
	evEnterArgs = 3
	evExit      = 4
	evFork      = 5
	evExec      = 6
	evGone      = 7
	evHook      = 8
	evTooDeep   = 9  // a call nested too deep for its return: a lost counter, an event when pending
	evBatch     = 10 // a thread's calls: ev_hdr.method records of ev_call follow the head
	evTypes     = 11

	bcExit        = 1
	bcException   = 2
	bcMethodShift = 4

	flagException = 1
	flagPending   = 2
	flagForeign   = 4
	flagUTF8      = 8
	flagStopped   = 16

	argUnbound = 0
	argStr     = 1
	argInt     = 2
	argFloat   = 3
	argTrue    = 4
	argFalse   = 5
	argNone    = 6
	argOther   = 7
	argUnread  = 8

	verdictPending = 1
	verdictMatch   = 2
	verdictSkip    = 3

	maxArgs = 4
)

// hdr is the common head of every event (struct ev_hdr), decoded without
// reflection: every event passes through here.
type hdr struct {
	typ, flags uint8
	tgid, tid  uint32
	method     uint32
	ts         uint64
	code       uint64
}

const (
	hdrSize         = int(unsafe.Sizeof(bpf.E1EvHdr{}))
	batchedCallSize = int(unsafe.Sizeof(bpf.E1BatchedCall{}))
)

func decodeHdr(b []byte) (hdr, bool) {
	if len(b) < hdrSize {
		return hdr{}, false
	}
	le := binary.LittleEndian
	return hdr{
		typ:    b[0],
		flags:  b[1],
		tgid:   le.Uint32(b[4:]),
		tid:    le.Uint32(b[8:]),
		method: le.Uint32(b[12:]),
		ts:     le.Uint64(b[16:]),
		code:   le.Uint64(b[24:]),
	}, true
}

// decodeBatched decodes one call of a batch (struct batched_call) whose
// head is batch: the calls are of its thread and count their time from its.
func decodeBatched(batch hdr, b []byte) hdr {
	le := binary.LittleEndian
	what := le.Uint32(b[4:])
	h := hdr{
		typ:    evEnter,
		tgid:   batch.tgid,
		tid:    batch.tid,
		method: what >> bcMethodShift,
		ts:     batch.ts + uint64(le.Uint32(b)),
	}
	if what&bcExit != 0 {
		h.typ = evExit
		if what&bcException != 0 {
			h.flags = flagException
		}
	}
	return h
}

// view reinterprets a ring buffer record as the C struct it holds. The
// record must be at least as long as T; the result aliases it.
func view[T any](b []byte) (*T, bool) {
	var zero T
	if len(b) < int(unsafe.Sizeof(zero)) {
		return nil, false
	}
	return (*T)(unsafe.Pointer(&b[0])), true
}
