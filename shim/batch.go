package shim

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// Record kinds: the low bits of a record's first word (PROTOCOL.md).
const (
	kindBits       = 3
	kindEnter      = 1
	kindExit       = 2
	kindExitExc    = 3
	kindEnterValue = 5
	kindAttr       = 6 // a request attribute: the first word's high bits are its key
)

// batch decodes a batch frame and submits its events: a header (u64
// dropped, u32 value count), the values (u64 id, u32 length, UTF-8), then
// the records as 64-bit words in the interpreter's byte order.
func (cn *conn) batch(p []byte) error {
	if len(p) < 12 {
		return errors.New("short batch header")
	}
	dropped := binary.LittleEndian.Uint64(p)
	nvalues := binary.LittleEndian.Uint32(p[8:])
	p = p[12:]
	for i := uint32(0); i < nvalues; i++ {
		if len(p) < 12 {
			return errors.New("batch: truncated value")
		}
		id := binary.LittleEndian.Uint64(p)
		n := binary.LittleEndian.Uint32(p[8:])
		p = p[12:]
		if uint64(len(p)) < uint64(n) {
			return errors.New("batch: truncated value")
		}
		cn.values[id] = string(p[:n])
		p = p[n:]
	}
	if len(p)%8 != 0 {
		return fmt.Errorf("batch: %d bytes of records is not a whole number of words", len(p))
	}
	if dropped > 0 {
		cn.s.opts.Sink.AddDropped(dropped)
		cn.s.addDropped(dropped)
	}
	return cn.records(p)
}

// records turns records into events, submitted in the Sink's batches.
func (cn *conn) records(p []byte) error {
	sink := cn.s.opts.Sink
	order := cn.order
	pid := cn.pid
	out := sink.NewBatch()
	var events, invalid uint64
	defer func() {
		sink.Submit(out)
		cn.s.events.Add(events)
		cn.s.invalid.Add(invalid)
	}()
	for len(p) > 0 {
		if len(p) < 24 {
			return errors.New("batch: truncated record")
		}
		w := order.Uint64(p)
		ev := pipeline.Event{
			PID:  pid,
			TID:  order.Uint64(p[8:]),
			Time: int64(order.Uint64(p[16:])),
		}
		p = p[24:]
		kind, id := w&(1<<kindBits-1), w>>kindBits
		if kind == kindAttr {
			if len(p) < 8 {
				return errors.New("batch: truncated record")
			}
			vid := order.Uint64(p)
			p = p[8:]
			value := cn.values[vid]
			delete(cn.values, vid)
			if id == 0 || id > uint64(pipeline.AttrConsumerID) {
				invalid++
				continue
			}
			ev.Kind, ev.AttrKey, ev.Value = pipeline.Attr, pipeline.AttrKey(id), value
			if len(out) > 0 && len(out) == cap(out) {
				sink.Submit(out)
				out = sink.NewBatch()
			}
			out = append(out, ev)
			events++
			continue
		}
		switch kind {
		case kindEnter:
			ev.Kind = pipeline.Enter
		case kindExit:
			ev.Kind = pipeline.Exit
		case kindExitExc:
			ev.Kind, ev.Exception = pipeline.Exit, true
		case kindEnterValue:
			if len(p) < 8 {
				return errors.New("batch: truncated record")
			}
			vid := order.Uint64(p)
			p = p[8:]
			ev.Kind = pipeline.Enter
			ev.Value = cn.values[vid]
			delete(cn.values, vid)
		default:
			return fmt.Errorf("batch: unknown record kind %d", kind)
		}
		if id >= uint64(len(cn.methods)) || cn.methods[id] == nil {
			invalid++ // a code id never matched: cannot be attributed
			continue
		}
		ev.Method = cn.methods[id]
		if len(out) > 0 && len(out) == cap(out) {
			sink.Submit(out)
			out = sink.NewBatch()
		}
		out = append(out, ev)
		events++
	}
	return nil
}
